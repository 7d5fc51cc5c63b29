"""The benchmark suite (`make bench`): each measure against a floor measured in the same run.

See bench/README.md. Nothing here is imported by the application or run by `make test`.
"""
