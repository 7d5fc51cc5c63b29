"""The synthetic program's care teams and logins (`osteorehab.patients.synthetic`): sites, care
teams with one clinician of each role, the program lead and the administrator, as rows; and the
clinician with a caseload of a given size, for the benchmarks.

The first team's clinicians are the demo logins (`counsellor`, `therapist`, `physician`,
`nurse`); team n's are `counsellor<n>` and so on. Every login has the demo password.
"""

from dataclasses import dataclass

from django.db.models import Count

from osteorehab.patients.demo import STAFF
from osteorehab.patients.synthetic_cohort import SITES
from osteorehab.patients.synthetic_writer import Writer

from .domain import CLINICAL_ROLES, Role
from .models import CareTeam, CareTeamMember, Organisation, Site, User

USER_FIELDS = (
    "id",
    "username",
    "full_name",
    "role",
    "organisation_id",
    "email",
    "password",
    "is_staff",
    "is_superuser",
    "preferred_language",
)


@dataclass
class Team:
    id: int
    members: dict[str, int]  # user id by role


def care_teams(writer: Writer, organisation: Organisation, count: int, password: str) -> list[Team]:
    """The sites, and `count` care teams across them, each with one clinician of each role (the
    first team's are the demo logins); the program lead and the administrator."""
    first_site = writer.reserve(Site, len(SITES))
    sites = [(first_site + n, organisation.pk, name) for n, name in enumerate(SITES)]
    writer.write(Site, ("id", "organisation_id", "name"), sites)
    first_team = writer.reserve(CareTeam, count)
    writer.write(
        CareTeam,
        ("id", "site_id", "name"),
        [
            (first_team + t, first_site + t % len(SITES), f"Bone Health Team {t + 1}")
            for t in range(count)
        ],
    )
    names = {username: (full_name, role) for username, full_name, role in STAFF}
    rows, teams = [], []
    ids = iter(range(writer.reserve(User, count * len(CLINICAL_ROLES) + 2), 2**63))
    for number in range(1, count + 1):
        members = {}
        for role in CLINICAL_ROLES:
            username = role.value if number == 1 else f"{role.value}{number}"
            full_name = names[username][0] if number == 1 else f"{role.value.title()} {number}"
            members[role.value] = pk = next(ids)
            rows.append(user_row(pk, username, full_name, role, organisation, password))
        teams.append(Team(first_team + number - 1, members))
    for username in ("lead", "admin"):
        full_name, role = names[username]
        rows.append(user_row(next(ids), username, full_name, role, organisation, password))
    writer.write(User, USER_FIELDS, rows)
    memberships = [(t.id, pk) for t in teams for pk in t.members.values()]
    writer.write(CareTeamMember, ("care_team_id", "user_id"), memberships)
    return teams


def user_row(
    pk: int,
    username: str,
    full_name: str,
    role: Role,
    organisation: Organisation,
    password: str,
    language: str = "en",
) -> tuple:
    staff = role not in (Role.PATIENT, Role.CAREGIVER)
    email = f"{username}@example.org" if staff else ""
    admin = role is Role.ADMIN
    return (
        pk,
        username,
        full_name,
        role.value,
        organisation.pk,
        email,
        password,
        admin,
        admin,
        language,
    )


def clinician_with_caseload(role: Role, at_least: int) -> User | None:
    """The clinician of this role with the smallest caseload (patients of their care teams) of
    at least `at_least` patients; None if nobody has as many."""
    return (
        User.objects.filter(role=role.value)
        .annotate(caseload=Count("care_teams__patients", distinct=True))
        .filter(caseload__gte=at_least)
        .order_by("caseload", "pk")
        .first()
    )
