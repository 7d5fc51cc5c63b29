"""One module per measure; each has `run() -> list[Result]` and is run in its own process."""
