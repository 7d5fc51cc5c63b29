"""Unread counts over any sequence of messages and readings: never negative, always what the
pure rule (`domain.unread`) says, and reading a thread zeroes it for the reader only."""

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from osteorehab.accounts.domain import Part, Role
from osteorehab.accounts.models import User
from osteorehab.contact.domain import unread
from osteorehab.contact.models import ReadMark
from osteorehab.contact.selectors import patient_threads
from osteorehab.contact.services import message_send, thread_read, thread_start
from osteorehab.patients.models import Patient
from tests.factories import login_of, make_caregiver, make_org, make_patient, make_team, member

PEOPLE = ("patient", "caregiver", "physician", "nurse")
STEPS = st.lists(
    st.tuples(st.sampled_from(("send", "read")), st.sampled_from(PEOPLE), st.integers(0, 1)),
    max_size=12,
)


class UnreadProperties(TestCase):
    patient: Patient
    users: dict[str, User]

    @classmethod
    def setUpTestData(cls):
        team = make_team(make_org())
        patient = make_patient(team, login=True)
        cls.patient = patient
        cls.users = {
            "patient": login_of(patient),
            "caregiver": make_caregiver(patient, parts=[Part.PROGRAM]),
            "physician": member(team, Role.PHYSICIAN),
            "nurse": member(team, Role.NURSE),
        }

    def unread_of(self, user, thread) -> int:
        rows: Any = patient_threads(user, self.patient.pk)  # annotated with `unread`
        return next(t.unread for t in rows if t.pk == thread.pk)

    def expected(self, user, thread) -> int:
        mark = ReadMark.objects.filter(user=user, thread=thread).first()
        others = thread.messages.exclude(author=user).values_list("pk", flat=True)
        return unread(list(others), mark.last_read_message_id if mark else None)

    @given(steps=STEPS)
    @settings(max_examples=40, deadline=None)
    def test_unread_counts_follow_the_rule_and_reading_zeroes_only_the_readers(self, steps):
        threads = [
            thread_start(patient=self.patient, by=self.users["patient"], topic=topic, body="Hi")
            for topic in ("medical", "other")
        ]
        for kind, who, which in steps:
            thread = threads[which]
            before = {
                (name, t.pk): self.unread_of(user, t)
                for name, user in self.users.items()
                for t in threads
            }
            if kind == "send":
                message_send(thread=thread, by=self.users[who], body=f"from {who}")
            else:
                thread_read(thread=thread, by=self.users[who])
            for name, user in self.users.items():
                for t in threads:
                    count = self.unread_of(user, t)
                    assert count >= 0
                    assert count == self.expected(user, t)
                    if kind == "read" and (name, t.pk) != (who, thread.pk):
                        assert count == before[name, t.pk]  # nobody else's count moves
            if kind == "read":
                assert self.unread_of(self.users[who], thread) == 0
