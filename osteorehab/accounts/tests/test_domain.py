from hypothesis import given
from hypothesis import strategies as st

from osteorehab.accounts.domain import (
    CLINICAL_ROLES,
    Action,
    Part,
    Role,
    may,
    missing_roles,
    parts_seen,
)


def test_clinicians_may_do_everything_on_their_patients():
    for role in CLINICAL_ROLES:
        assert all(may(role, action) for action in Action)


def test_a_program_lead_reads_and_enrols_but_does_not_edit_clinical_details():
    assert may(Role.LEAD, Action.VIEW)
    assert may(Role.LEAD, Action.ENROL)
    assert not may(Role.LEAD, Action.EDIT)
    assert not may(Role.LEAD, Action.SHARE)


def test_the_system_administrator_has_no_patient_access():
    assert not any(may(Role.ADMIN, action) for action in Action)
    assert parts_seen(Role.ADMIN, ["program"]) == frozenset()


def test_a_patient_reads_and_shares_and_a_caregiver_only_reads():
    assert {a for a in Action if may(Role.PATIENT, a)} == {Action.VIEW, Action.SHARE, Action.REPORT}
    assert {a for a in Action if may(Role.CAREGIVER, a)} == {Action.VIEW}


def test_a_caregiver_sees_only_what_was_shared():
    assert parts_seen(Role.CAREGIVER, ["program", "progress"]) == {Part.PROGRAM, Part.PROGRESS}
    assert parts_seen(Role.CAREGIVER, []) == frozenset()
    assert parts_seen(Role.NURSE, []) == frozenset(Part)


@given(st.lists(st.text(max_size=12)))
def test_unknown_part_names_never_widen_what_a_caregiver_sees(names):
    seen = parts_seen(Role.CAREGIVER, names)
    assert {part.value for part in seen} <= set(names)


def test_missing_roles_of_a_care_team():
    assert missing_roles(["counsellor", "therapist", "physician", "nurse"]) == []
    assert missing_roles(["nurse", "lead"]) == [Role.COUNSELLOR, Role.THERAPIST, Role.PHYSICIAN]
