"""A throwaway PostgreSQL cluster: initdb into a temporary directory, served on a free loopback
port with its socket in that directory, stopped (immediately, like a crash) and started again
on demand, and removed at the end. Never the machine's shared server.

initdb refuses to run as root: as root, the cluster's commands run as the `postgres` system user
(`runuser -u postgres`), who then owns the data directory.
"""

import glob
import os
import pwd
import shutil
import socket
import subprocess  # nosec B404
import time
from pathlib import Path

DATABASE = "chaos"


class ClusterError(Exception):
    pass


def free_port() -> int:
    """A port nothing listens on now, on the loopback interface."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _bin_dir() -> Path:
    """Debian's PostgreSQL server programs, the newest version installed."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version)
    if not found:
        raise ClusterError(
            "initdb was not found under /usr/lib/postgresql/*/bin: install the PostgreSQL "
            "server (Debian: apt-get install postgresql)"
        )
    return Path(found[-1]).parent


def _version(path: str) -> int:
    return int(Path(path).parts[-3])


class Cluster:
    def __init__(self, root: Path) -> None:
        self.bin = _bin_dir()
        self.root = root
        self.data = root / "data"
        self.log = root / "postgresql.log"
        self.port = free_port()
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            try:
                owner = pwd.getpwnam("postgres")
            except KeyError:
                raise ClusterError("as root, a `postgres` system user is needed") from None
            self.as_user = ["runuser", "-u", "postgres", "--"]
            os.chown(root, owner.pw_uid, owner.pw_gid)
        self.running = False

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{DATABASE}"

    def _run(self, program: str, *arguments: str, check: bool = True) -> str:
        command = [*self.as_user, str(self.bin / program), *arguments]
        done = subprocess.run(  # noqa: S603  # nosec B603
            command, capture_output=True, text=True, check=False, cwd=self.root
        )
        if check and done.returncode != 0:
            raise ClusterError(f"{program} failed: {done.stderr.strip() or done.stdout.strip()}")
        return done.stdout

    def create(self) -> None:
        # trust on loopback only: the cluster listens on 127.0.0.1 and its own socket directory
        self._run(
            "initdb",
            f"--pgdata={self.data}",
            "--username=postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
        )
        self.start()
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", DATABASE)

    def start(self) -> None:
        # fsync off: the cluster is thrown away, and a crash of the server process (not of the
        # machine) loses nothing the kernel was given: committed entries survive the restart
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c full_page_writes=off -c max_connections=60"
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")
        self.running = True

    def crash(self) -> None:
        """Stop at once, as a crash would: open connections are cut, recovery runs at start."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        self.running = False

    def restart(self, down_for: float) -> float:
        """Crash, stay down `down_for` seconds, start; how long the server was away."""
        began = time.monotonic()
        self.crash()
        time.sleep(down_for)
        self.start()
        return time.monotonic() - began

    def stop(self) -> None:
        if self.running:
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)
            self.running = False

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)
