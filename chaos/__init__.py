"""`make chaos` (`python -m chaos`): faults under load, on a throwaway PostgreSQL cluster.

It starts its own PostgreSQL cluster (Debian's initdb and pg_ctl, in a temporary directory, on
a free loopback port: never the shared server), migrates it and loads a small demo program,
serves the app with gunicorn (three workers, 127.0.0.1 only), and sends 5,000 log entries from
concurrent clients that retry a failed request with the same client key. During the run it
kills one gunicorn worker (SIGKILL) and restarts PostgreSQL once (an immediate stop: a crash).
Then it checks that every acknowledged entry is stored exactly once and as it was sent.

Then the jobs: a Huey worker is killed (SIGKILL) in the middle of the rules sweep and in the
middle of the reminder job; each is run again, finishes, and no proposal and no reminder exists
twice. Everything is counted and printed; the cluster, the servers and the temporary directory
are removed at the end, failure or not. See docs/operations.md.
"""
