"""HTTP load: the product under gunicorn on 127.0.0.1, real logins, and wrk as the load client.

One server serves a page and its floor (bench/floor_urls.py) with the same settings, and the
same wrk script drives both, so the ratio between them is the page's own cost. wrk is C: it
leaves more of this two-core machine to the server than a Python load client would.

Server settings, the same for every HTTP measure: 2 gunicorn workers of the `gthread` class
with 4 threads each, keep-alive off. A sync worker serves one request at a time; a thread of a
gthread worker runs Python while another waits on PostgreSQL. Without keep-alive each request's
connection goes to whichever worker takes it first, so both workers share the load. The
measured differences on this machine are in bench/README.md.
"""

import hashlib
import hmac
import http.client
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.parse
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

from .harness import PYTHON, ROOT, dataset, environment, log

WORKERS = 2
WORKER_CLASS = os.environ.get("BENCH_WORKER_CLASS", "gthread")
THREADS = int(os.environ.get("BENCH_THREADS", "4"))
# The server's own Redis database (jobs it enqueues, its cache), emptied when it stops: the
# jobs the load leaves behind must not reach the workers of another measure.
SERVER_REDIS = os.environ.get("BENCH_SERVER_REDIS", "redis://127.0.0.1:6379/9")
WRK_OUTPUT = "BENCH-WRK "
# The program the HTTP measures run on: a health region's worth of patients.
PROGRAM_PATIENTS, PROGRAM_DAYS = 10_000, 180


def program() -> str:
    """URL of the synthetic program the HTTP measures run on; BENCH_HTTP_DATABASE names
    another database (a URL), e.g. a small one made by hand while trying a measure out."""
    return os.environ.get("BENCH_HTTP_DATABASE") or dataset(PROGRAM_PATIENTS, PROGRAM_DAYS)


@dataclass(frozen=True)
class Session:
    """A logged-in browser: its cookies and the CSRF token its forms carry."""

    cookie: str
    csrf: str


@dataclass(frozen=True)
class Load:
    """What the load client saw in one bounded run."""

    requests: int
    seconds: float
    failed: int  # answers other than 2xx/3xx, and socket errors and timeouts
    p50_ms: float
    p95_ms: float
    p99_ms: float

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def summary(self) -> str:
        return (
            f"{self.rate:,.0f} req/s, p50 {self.p50_ms:.1f} ms, p95 {self.p95_ms:.1f} ms, "
            f"{self.failed} failed of {self.requests}"
        )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _request(
    base: str, method: str, path: str, *, body: str | None = None, headers: dict[str, str]
) -> http.client.HTTPResponse:
    host, port = urllib.parse.urlsplit(base).netloc.split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def _wait_until_up(base: str, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped with status {process.returncode}")
        try:
            if _request(base, "GET", "/login/", headers={}).status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within {seconds:.0f} s")


@contextmanager
def server(database_url: str) -> Iterator[str]:
    """gunicorn serving the product and the floors on that database; its base URL."""
    import redis

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = environment(database_url, DJANGO_SETTINGS_MODULE="bench.settings", REDIS_URL=SERVER_REDIS)
    logs = ROOT / "var" / "bench" / "gunicorn.log"
    logs.parent.mkdir(parents=True, exist_ok=True)
    command = [PYTHON, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(WORKERS), "--worker-class", WORKER_CLASS]
    # (gunicorn turns a sync worker given threads into a gthread one)
    command += ["--threads", str(THREADS if WORKER_CLASS == "gthread" else 1)]
    # keep-alive off: a gthread worker keeps the connections it accepted, and with the bench's
    # few clients one worker took them all while the other idled (bench/README.md)
    command += ["--keep-alive", "0", "--log-level", "warning", "--timeout", "60"]
    with logs.open("ab") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output)
    try:
        _wait_until_up(base, process)
        log(f"gunicorn up at {base} ({WORKERS} {WORKER_CLASS} workers)")
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        redis.Redis.from_url(SERVER_REDIS).flushdb()


def _cookies(response: http.client.HTTPResponse) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    for header in response.headers.get_all("Set-Cookie") or []:
        jar.load(header)
    return {name: morsel.value for name, morsel in jar.items()}


def totp(key: str, at: float | None = None) -> str:
    """The code an authenticator app shows for this TOTP key (hex, as django-otp keeps it):
    RFC 6238, HMAC-SHA1 over 30-second steps, 6 digits."""
    step = int((time.time() if at is None else at) // 30)
    digest = hmac.new(bytes.fromhex(key), step.to_bytes(8, "big"), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = int.from_bytes(digest[offset : offset + 4], "big") & 0x7FFFFFFF
    return f"{code % 1_000_000:06d}"


def _post_form(base: str, path: str, fields: dict[str, str], cookies: dict[str, str]) -> Any:
    """A form posted as the browser posts it: with its cookies and the CSRF token."""
    answer = _request(
        base,
        "POST",
        path,
        body=urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": cookies["csrftoken"]}),
        headers={
            "Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items()),
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    cookies.update(_cookies(answer))
    return answer


def login(base: str, username: str, password: str, *, totp_key: str | None = None) -> Session:
    """Log in through the login page as a browser does (then the two-factor page with the
    authenticator's code, for staff who have one); the session it gets."""
    cookies = _cookies(_request(base, "GET", "/login/", headers={}))
    answer = _post_form(base, "/login/", {"username": username, "password": password}, cookies)
    if totp_key is not None and answer.status == 302:
        answer = _post_form(base, answer.getheader("Location"), {"token": totp(totp_key)}, cookies)
    # a login gives a new session and a new CSRF token; the two-factor page is not passed
    passed = answer.status == 302 and "verify" not in answer.getheader("Location", "")
    if not passed or "sessionid" not in cookies:
        raise RuntimeError(f"login of {username} failed: {answer.status}")
    cookie = "; ".join(f"{name}={value}" for name, value in cookies.items())
    return Session(cookie=cookie, csrf=cookies["csrftoken"])


def fetch(base: str, path: str, session: Session) -> bytes:
    """One page as that session sees it (for the bytes a floor serves)."""
    host, port = urllib.parse.urlsplit(base).netloc.split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    connection.request("GET", path, headers={"Cookie": session.cookie})
    response = connection.getresponse()
    content = response.read()
    connection.close()
    if response.status != 200:
        raise RuntimeError(f"GET {path}: {response.status}")
    return content


def _lua(text: str) -> str:
    return json.dumps(text)  # a JSON string is a valid Lua string for the text we send


# Each request of a run: the next session in turn, and for a form a key no request had before
# (a prefix drawn per run, the wrk thread, a counter), as a browser's form would carry.
LUA = """
local sessions = {%(sessions)s}
local path = %(path)s
local method = %(method)s
local form = %(form)s
local prefix = %(prefix)s
local threads = 0
local counter = 0

function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

function request()
  counter = counter + 1
  local session = sessions[(counter %% #sessions) + 1]
  local headers = {Cookie = session[1], ["X-CSRFToken"] = session[2]}
  local body = nil
  if form ~= "" then
    local key = string.format("%%s-%%04x-4000-8000-%%012x", prefix, thread_number, counter)
    body = form .. "&client_key=" .. key
    headers["Content-Type"] = "application/x-www-form-urlencoded"
  end
  return wrk.format(method, path, headers, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '%(marker)s{"requests": %%d, "us": %%d, "failed": %%d, "p50": %%d, "p95": %%d, "p99": %%d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def ensure_wrk() -> str:
    """wrk from the Debian packages, installed if missing (as .ci/run installs chromium)."""
    found = shutil.which("wrk")
    if found:
        return found
    log("installing wrk (apt-get install -y wrk)")
    apt = shutil.which("apt-get") or "/usr/bin/apt-get"
    subprocess.run([apt, "install", "-y", "-qq", "wrk"], check=True, capture_output=True)
    found = shutil.which("wrk")
    if not found:
        raise RuntimeError("wrk is not installed and apt-get could not install it")
    return found


def hammer(
    base: str,
    path: str,
    sessions: Sequence[Session],
    *,
    seconds: float,
    connections: int,
    form: dict[str, str] | None = None,
) -> Load:
    """`connections` clients sending requests back to back for `seconds`; a form is posted
    (with a new client key each time), else the page is read."""
    wrk = ensure_wrk()
    script = LUA % {
        "sessions": ", ".join(f"{{{_lua(s.cookie)}, {_lua(s.csrf)}}}" for s in sessions),
        "path": _lua(path),
        "method": _lua("POST" if form is not None else "GET"),
        "form": _lua(urllib.parse.urlencode(form) if form is not None else ""),
        "prefix": _lua(os.urandom(4).hex()),
        "marker": WRK_OUTPUT,
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as file:
        file.write(script)
    try:
        command = [wrk, "-t1", f"-c{connections}", f"-d{seconds:.0f}s", "--timeout", "10s"]
        done = subprocess.run(
            [*command, "-s", file.name, base + path],
            capture_output=True,
            text=True,
            timeout=seconds + 60,
            check=True,
        )
    finally:
        Path(file.name).unlink()
    line = next(x for x in done.stdout.splitlines() if x.startswith(WRK_OUTPUT))
    figures = json.loads(line[len(WRK_OUTPUT) :])
    return Load(
        requests=figures["requests"],
        seconds=figures["us"] / 1e6,
        failed=figures["failed"],
        p50_ms=figures["p50"] / 1000,
        p95_ms=figures["p95"] / 1000,
        p99_ms=figures["p99"] / 1000,
    )
