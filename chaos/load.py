"""The clients: concurrent threads sending log entries to the JSON API, each entry with its own
client key, made once. A client sends an entry again, with the same key, after a connection
error or a server error (5xx), waiting a little longer each time; it stops at an answer (201: the
entry acknowledged; 4xx: refused) or when the entry's time is up. Everything is counted.
"""

import http.client
import json
import queue
import random
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

# How long a client keeps trying one entry before it gives up on it.
GIVE_UP_AFTER = 90.0
TIMEOUT = 30.0  # gunicorn's worker timeout: a request hanging longer is answered by nothing


@dataclass(frozen=True)
class Entry:
    key: str
    path: str
    body: dict[str, Any]
    kind: str  # "check_in" or "exercise_log"


@dataclass
class Tally:
    """What the clients saw, shared by the threads (under `lock`)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: int = 0
    retries: int = 0
    acknowledged: dict[str, int] = field(default_factory=dict)  # key -> the id answered
    wrong_answers: list[str] = field(default_factory=list)  # a 201 about another entry
    errors: Counter[str] = field(default_factory=Counter)  # what made a client send again
    refused: Counter[int] = field(default_factory=Counter)
    refusals: list[str] = field(default_factory=list)
    gave_up: int = 0


def entries(
    count: int, patients: list[int], plans: dict[str, list[Any]], today: str
) -> list[Entry]:
    """`count` entries over the patients: check-ins, and for patients with an approved plan
    every other one an exercise of it, values varied and reproducible."""
    rng = random.Random(2026)  # noqa: S311  # nosec B311 -- test data, not secrets
    made = []
    for number in range(count):
        patient = patients[number % len(patients)]
        key = str(uuid.uuid4())  # random, as a client makes it: never a demo entry's key
        plan = plans.get(str(patient))
        if plan and number % 2:
            body: dict[str, Any] = {
                "client_key": key,
                "day": today,
                "exercise": plan[1],
                "plan_version": plan[0],
                "completion": "done",
                "minutes": rng.randint(1, 60),
                "effort": rng.randint(0, 10),
                "via": "phone",
            }
            made.append(Entry(key, f"/api/patients/{patient}/exercise-logs", body, "exercise_log"))
            continue
        body = {
            "client_key": key,
            "day": today,
            "mood": rng.randint(1, 5),
            "confidence": rng.randint(0, 10),
            "fatigue": rng.randint(0, 10),
            "sleep": rng.choice(["poor", "fair", "good"]),
            "pain": rng.randint(0, 6),  # no severe pain: alerts are not what is counted
            "back_pain_new": False,
            "falls": 0,
            "near_falls": 0,
            "via": "phone",
        }
        made.append(Entry(key, f"/api/patients/{patient}/check-ins", body, "check_in"))
    return made


class Clients:
    def __init__(self, port: int, token: str, tally: Tally) -> None:
        self.port = port
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.tally = tally

    def run(self, work: list[Entry], threads: int) -> None:
        pending: queue.Queue[Entry] = queue.Queue()
        for entry in work:
            pending.put(entry)
        workers = [
            threading.Thread(target=self._client, args=(pending,), daemon=True)
            for _ in range(threads)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()

    def _client(self, pending: "queue.Queue[Entry]") -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
        try:
            while True:
                try:
                    entry = pending.get_nowait()
                except queue.Empty:
                    return
                self._send(connection, entry)
        finally:
            connection.close()

    def _send(self, connection: http.client.HTTPConnection, entry: Entry) -> None:
        body = json.dumps(entry.body)
        deadline = time.monotonic() + GIVE_UP_AFTER
        for attempt in range(1_000):
            if attempt:
                with self.tally.lock:
                    self.tally.retries += 1
                jitter = random.uniform(0.5, 1.0)  # noqa: S311  # nosec B311
                time.sleep(min(1.0, 0.05 * 2**attempt) * jitter)
            with self.tally.lock:
                self.tally.requests += 1
            try:
                connection.request("POST", entry.path, body, self.headers)
                response = connection.getresponse()
                answer = response.read()
            except (OSError, http.client.HTTPException) as error:
                connection.close()  # a new connection for the next try
                self._error(type(error).__name__)
            else:
                if response.status >= 500:
                    self._error(f"HTTP {response.status}")
                elif response.status == 201:
                    self._acknowledged(entry, json.loads(answer))
                    return
                else:
                    with self.tally.lock:
                        self.tally.refused[response.status] += 1
                        self.tally.refusals.append(answer.decode()[:300])
                    return
            if time.monotonic() > deadline:
                break
        with self.tally.lock:
            self.tally.gave_up += 1

    def _error(self, kind: str) -> None:
        with self.tally.lock:
            self.tally.errors[kind] += 1

    def _acknowledged(self, entry: Entry, answer: dict[str, Any]) -> None:
        with self.tally.lock:
            if answer.get("client_key") != entry.key:
                self.tally.wrong_answers.append(entry.key)
            self.tally.acknowledged[entry.key] = int(answer["id"])
