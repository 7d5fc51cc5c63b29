from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from osteorehab.accounts.access import (
    parts_for,
    patient_for,
    program_consent_subquery,
    require_role,
    visible_patients,
)
from osteorehab.accounts.domain import CLINICAL_ROLES, Action, Part, Role, may
from osteorehab.accounts.models import CareTeam, User
from osteorehab.alerts.models import Alert
from osteorehab.audit.services import note_access
from osteorehab.core.forms import run_service
from osteorehab.core.numbers import id_from
from osteorehab.core.types import AuthedRequest
from osteorehab.family.services import encouragements_shown
from osteorehab.followup.selectors import follow_ups

from . import services
from .domain import OPEN, EpisodeStatus, join_code_shown
from .forms import (
    AcceptInviteForm,
    CaregiverForm,
    CareTeamForm,
    ConsentForm,
    EditPatientForm,
    EpisodeMoveForm,
    EpisodeOpenForm,
    FractureForm,
    LoginDetailsForm,
    MedicationForm,
    MedicationStopForm,
    RefillForm,
    RefillRetractForm,
    RegisterForm,
    RetractForm,
    ShareForm,
)
from .models import (
    STATUS_LABELS,
    Caregiver,
    Episode,
    EpisodeStatusChange,
    Medication,
    Patient,
)
from .selectors import MedicationRow, medication_rows

CASELOAD_ROLES = (*CLINICAL_ROLES, Role.LEAD)
PAGE_SIZE = 25
SORTS = {
    "name": ("family_name", "given_name"),
    "-name": ("-family_name", "-given_name"),
    "dob": ("date_of_birth",),
    "-dob": ("-date_of_birth",),
    "status": ("current_status", "family_name"),
    "updated": ("-updated_at",),
}


def _care_teams_for(user: User) -> QuerySet[CareTeam]:
    teams = CareTeam.objects.filter(site__organisation_id=user.organisation_id)
    if user.role_enum is not Role.LEAD:
        teams = teams.filter(memberships__user=user)
    return teams.order_by("name")


def _current_episode() -> QuerySet[Episode]:
    return Episode.objects.filter(patient=OuterRef("pk")).order_by("-referred_on", "-id")


@login_required
def caseload(request: AuthedRequest) -> HttpResponse:
    require_role(request.user, *CASELOAD_ROLES)
    patients = (
        visible_patients(request.user)
        .select_related("care_team")
        .annotate(
            current_status=Subquery(_current_episode().values("status")[:1]),
            program_consent=program_consent_subquery(),
            open_alert=Exists(Alert.objects.open().filter(patient=OuterRef("pk"))),
        )
    )
    # no stored name holds a NUL character, and PostgreSQL refuses one in a query: dropped
    query = request.GET.get("q", "").replace("\x00", "").strip()
    if query:
        patients = patients.filter(
            Q(family_name__icontains=query)
            | Q(given_name__icontains=query)
            | Q(record_number__iexact=query)
            | Q(phone__contains=query)
        )
    status = request.GET.get("status", "")
    if status in EpisodeStatus.__members__.values():
        patients = patients.filter(current_status=status)
    team = request.GET.get("team", "")
    team_id = id_from(team)
    if team_id is not None:
        patients = patients.filter(care_team_id=team_id)
    sort = request.GET.get("sort", "name")
    patients = patients.order_by(*SORTS.get(sort, SORTS["name"]), "pk")
    page = Paginator(patients, PAGE_SIZE).get_page(request.GET.get("page"))
    note_access([p.pk for p in page], view_name="patients:caseload", listed=True)
    listed = follow_ups([p.pk for p in page], timezone.localdate())
    context = {
        "page": page,
        "rows": [(p, listed.get(p.pk)) for p in page],
        "query": query,
        "status": status,
        "team": team,
        "sort": sort,
        "statuses": STATUS_LABELS.items(),
        "teams": _care_teams_for(request.user),
        "can_register": request.user.role_enum in CLINICAL_ROLES,
    }
    template = "patients/caseload.html#results" if request.htmx else "patients/caseload.html"
    return render(request, template, context)


@login_required
def record(request: AuthedRequest, patient_id: int) -> HttpResponse:
    patient = patient_for(request, patient_id)
    user = request.user
    parts = parts_for(user, patient)
    role = user.role_enum
    context: dict[str, Any] = {
        "patient": patient,
        "parts": {part.value for part in parts},
        # the buttons shown follow the same permission table the access helper enforces
        "can_edit": may(role, Action.EDIT),
        "can_enrol": may(role, Action.ENROL),
        "can_share": may(role, Action.SHARE),
        "can_give_login": may(role, Action.LOGIN),
        "is_staff_view": role in CASELOAD_ROLES,
    }
    if Part.PROGRAM in parts:
        episodes = list(
            patient.episodes.prefetch_related(
                Prefetch("changes", queryset=EpisodeStatusChange.objects.select_related("by"))
            )
        )
        context["episodes"] = episodes
        context["has_open_episode"] = any(episode.is_open for episode in episodes)
        context["team_members"] = patient.care_team.members.order_by("role", "full_name")
        context["care_team"] = patient.care_team
    if Part.MEDICAL in parts:
        context["fractures"] = patient.fractures.valid()
        context["medications"] = medication_rows(patient)
    if context["is_staff_view"] or user.role == Role.PATIENT:
        context["consents"] = patient.consents.select_related("taken_by")
        context["caregivers"] = patient.caregivers.all()
        context["family_sharing"] = services.family_sharing_in_force(patient)
    return render(request, "patients/record.html", context)


def _form_page(
    request: HttpRequest,
    form: BaseForm,
    *,
    title: str,
    patient: Patient | None,
    submit: str,
    template: str = "core/form_page.html",
    **extra: Any,
) -> HttpResponse:
    return render(
        request,
        template,
        {"form": form, "title": title, "patient": patient, "submit": submit, **extra},
        status=400 if form.is_bound and form.errors else 200,
    )


def _saved(request: AuthedRequest, patient: Patient, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("patients:record", patient_id=patient.pk)


@login_required
def register(request: AuthedRequest) -> HttpResponse:
    require_role(request.user, *CLINICAL_ROLES)
    user = request.user
    form = RegisterForm(request.POST or None, care_teams=_care_teams_for(user))
    duplicates: list[Patient] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        duplicates = list(
            services.possible_duplicates(
                organisation_id=user.organisation_id,
                family_name=data["family_name"],
                given_name=data["given_name"],
                date_of_birth=data["date_of_birth"],
            )
        )
        if not duplicates or data["confirm_duplicate"]:
            patient = run_service(
                form,
                lambda d: services.patient_register(
                    by=user,
                    care_team=d["care_team"],
                    data={k: d[k] for k in services.PATIENT_FIELDS},
                    program_consent=d["program_consent"],
                    consent_on=d["consent_on"],
                    referred_on=d["referred_on"],
                    allow_duplicate=bool(duplicates),
                ),
            )
            if patient:
                return _saved(request, patient, _("Patient registered."))
        else:
            form.add_error(
                None,
                _(
                    "A patient with this name and date of birth is already registered. Check the "
                    "record below; if this is a different person, tick the box and save again."
                ),
            )
    # the possible duplicates shown are patient data read, even those of another team
    note_access([d.pk for d in duplicates], view_name="patients:register", listed=True)
    visible = set(
        visible_patients(user)
        .filter(pk__in=[d.pk for d in duplicates])
        .values_list("pk", flat=True)
    )
    return _form_page(
        request,
        form,
        title=_("Register a patient"),
        patient=None,
        submit=_("Register"),
        template="patients/register.html",
        duplicates=[(d, d.pk in visible) for d in duplicates],
    )


@login_required
def edit(request: AuthedRequest, patient_id: int) -> HttpResponse:
    patient = patient_for(request, patient_id, action=Action.EDIT)
    form = EditPatientForm(
        request.POST or None, instance=patient, initial={"version": patient.version}
    )
    if request.method == "POST":
        # the service saves; the form only validates, so work on a copy of the instance
        form.instance = Patient.objects.get(pk=patient.pk)
        saved = run_service(
            form,
            lambda d: services.patient_update(
                patient=patient,
                by=request.user,
                data={k: d[k] for k in services.PATIENT_FIELDS},
                version=d["version"],
            ),
        )
        if saved:
            return _saved(request, patient, _("Details saved."))
    return _form_page(request, form, title=_("Edit details"), patient=patient, submit=_("Save"))


def _patient_form_view(
    action: Action,
    part: Part | None,
    form_class: type[BaseForm],
    service: Any,
    title: Promise,
    done: Promise,
):
    """A page that adds one thing to a patient's record through one service."""

    @login_required
    def view(request: AuthedRequest, patient_id: int) -> HttpResponse:
        patient = patient_for(request, patient_id, action=action, part=part)
        form = form_class(request.POST or None)
        if request.method == "POST" and run_service(
            form, lambda d: service(patient=patient, by=request.user, **d)
        ):
            return _saved(request, patient, str(done))
        return _form_page(request, form, title=str(title), patient=patient, submit=_("Save"))

    return view


def _with_data(service: Any):
    return lambda *, patient, by, **data: service(patient=patient, by=by, data=data)


fracture_new = _patient_form_view(
    Action.EDIT,
    Part.MEDICAL,
    FractureForm,
    _with_data(services.fracture_add),
    gettext_lazy("Add a prior fracture"),
    gettext_lazy("Fracture added."),
)
medication_new = _patient_form_view(
    Action.EDIT,
    Part.MEDICAL,
    MedicationForm,
    _with_data(services.medication_add),
    gettext_lazy("Add a medicine"),
    gettext_lazy("Medicine added."),
)
consent_new = _patient_form_view(
    Action.EDIT,
    None,
    ConsentForm,
    services.consent_record,
    gettext_lazy("Record consent"),
    gettext_lazy("Consent recorded."),
)
episode_open = _patient_form_view(
    Action.ENROL,
    Part.PROGRAM,
    EpisodeOpenForm,
    services.episode_open,
    gettext_lazy("Open a program episode"),
    gettext_lazy("Program episode opened."),
)


@login_required
def medication_stop(request: AuthedRequest, patient_id: int, medication_id: int) -> HttpResponse:
    patient = patient_for(request, patient_id, action=Action.EDIT, part=Part.MEDICAL)
    medication = get_object_or_404(patient.medications.valid(), pk=medication_id)
    form = MedicationStopForm(request.POST or None)
    if request.method == "POST" and run_service(
        form,
        lambda d: services.medication_stop(medication=medication, by=request.user, **d),
    ):
        return _saved(request, patient, _("Medicine recorded as stopped."))
    title = _("Stop %(medicine)s") % {"medicine": medication}
    return _form_page(request, form, title=title, patient=patient, submit=_("Save"))


def _medication_of(
    request: AuthedRequest, patient_id: int, medication_id: int
) -> tuple[Patient, Medication]:
    patient = patient_for(request, patient_id, action=Action.EDIT, part=Part.MEDICAL)
    return patient, get_object_or_404(patient.medications.valid(), pk=medication_id)


@login_required
def medication_refill(request: AuthedRequest, patient_id: int, medication_id: int) -> HttpResponse:
    """Record a refill; the page also lists the refills so far and the PDC they give."""
    patient, medication = _medication_of(request, patient_id, medication_id)
    form = RefillForm(request.POST or None, medication=medication)
    if request.method == "POST" and run_service(
        form,
        lambda d: services.medication_fill_record(medication=medication, by=request.user, **d),
    ):
        return _saved(request, patient, _("Refill recorded."))
    fills = medication.fills.valid().select_related("recorded_by")
    return _form_page(
        request,
        form,
        title=_("Record a refill of %(medicine)s") % {"medicine": medication},
        patient=patient,
        submit=_("Save"),
        template="patients/refill.html",
        medication=medication,
        fills=fills,
        row=MedicationRow.of(medication, fills, today=timezone.localdate()),
    )


@login_required
def medication_fill_retract(
    request: AuthedRequest, patient_id: int, medication_id: int
) -> HttpResponse:
    """Mark one of the medicine's refills as entered in error; its PDC no longer counts it."""
    patient, medication = _medication_of(request, patient_id, medication_id)
    form = RefillRetractForm(request.POST or None, medication=medication)
    if request.method == "POST" and run_service(
        form,
        lambda d: services.entry_retract(entry=d["fill"], by=request.user, reason=d["reason"]),
    ):
        return _saved(request, patient, _("Entry marked as entered in error."))
    title = _("Mark a refill of %(medicine)s as entered in error") % {"medicine": medication}
    return _form_page(request, form, title=title, patient=patient, submit=_("Save"))


def retract_view(related_name: str, id_name: str, part: Part):
    """A page that marks one of the patient's entries (of `related_name`) entered in error."""

    @login_required
    def view(request: AuthedRequest, patient_id: int, **ids: int) -> HttpResponse:
        patient = patient_for(request, patient_id, action=Action.EDIT, part=part)
        entry = get_object_or_404(getattr(patient, related_name).valid(), pk=ids[id_name])
        form = RetractForm(request.POST or None)
        if request.method == "POST" and run_service(
            form, lambda d: services.entry_retract(entry=entry, by=request.user, **d)
        ):
            return _saved(request, patient, _("Entry marked as entered in error."))
        title = _("Mark “%(entry)s” as entered in error") % {"entry": entry}
        return _form_page(request, form, title=title, patient=patient, submit=_("Save"))

    return view


fracture_retract = retract_view("fractures", "fracture_id", Part.MEDICAL)
medication_retract = retract_view("medications", "medication_id", Part.MEDICAL)


@login_required
def episode_move(request: AuthedRequest, patient_id: int, episode_id: int) -> HttpResponse:
    patient = patient_for(request, patient_id, action=Action.ENROL, part=Part.PROGRAM)
    episode = get_object_or_404(patient.episodes.filter(status__in=OPEN), pk=episode_id)
    form = EpisodeMoveForm(request.POST or None, episode=episode)
    if request.method == "POST" and run_service(
        form,
        lambda d: services.episode_move(episode=episode, by=request.user, **d),
    ):
        return _saved(request, patient, _("Program status changed."))
    return _form_page(
        request, form, title=_("Change the program status"), patient=patient, submit=_("Save")
    )


@login_required
def care_team(request: AuthedRequest, patient_id: int) -> HttpResponse:
    patient = patient_for(request, patient_id, action=Action.ENROL, part=Part.PROGRAM)
    form = CareTeamForm(
        request.POST or None,
        care_teams=_care_teams_for(request.user),
        initial={"care_team": patient.care_team_id},
    )
    if request.method == "POST" and run_service(
        form,
        lambda d: services.care_team_assign(patient=patient, by=request.user, **d),
    ):
        return _saved(request, patient, _("Care team changed."))
    return _form_page(
        request, form, title=_("Change the care team"), patient=patient, submit=_("Save")
    )


@login_required
def patient_login(request: AuthedRequest, patient_id: int) -> HttpResponse:
    patient = patient_for(request, patient_id, action=Action.LOGIN)
    form = LoginDetailsForm(
        request.POST or None, initial={"username": patient.user.username if patient.user else ""}
    )
    if request.method == "POST" and run_service(
        form,
        lambda d: services.patient_login_set(patient=patient, by=request.user, **d),
    ):
        return _saved(
            request, patient, _("The patient's login is set. Give them the user name and password.")
        )
    return _form_page(request, form, title=_("Patient login"), patient=patient, submit=_("Save"))


@login_required
def caregiver_invite(request: AuthedRequest, patient_id: int) -> HttpResponse:
    patient = patient_for(request, patient_id, action=Action.SHARE)
    form = CaregiverForm(request.POST or None)
    if request.method == "POST":
        caregiver = run_service(
            form,
            lambda d: services.caregiver_invite(patient=patient, by=request.user, data=dict(d)),
        )
        if caregiver:
            code = services.caregiver_code_issue(caregiver=caregiver, by=request.user)
            return invitation_page(request, patient, caregiver, code)
    sharing = services.family_sharing_in_force(patient)
    return _form_page(
        request,
        form,
        title=_("Invite a family member"),
        patient=patient,
        submit=_("Invite"),
        template="patients/invite.html",
        sharing_withdrawn=sharing is False,
        # who would see again what they were shared, once inviting turns sharing back on
        others=patient.caregivers.filter(revoked_at__isnull=True) if sharing is False else [],
    )


def invitation_page(
    request: AuthedRequest, patient: Patient, caregiver: Caregiver, code: str
) -> HttpResponse:
    """The invitation's link and joining code, shown once to the person who invited."""
    link = request.build_absolute_uri(
        reverse("patients:invite-accept", kwargs={"token": caregiver.invite_token})
    )
    return render(
        request,
        "patients/invite_created.html",
        {
            "patient": patient,
            "caregiver": caregiver,
            "link": link,
            "code": join_code_shown(code),
            "join": request.build_absolute_uri(reverse("family:join")),
        },
    )


def _caregiver_of(
    request: AuthedRequest, patient_id: int, caregiver_id: int
) -> tuple[Patient, Caregiver]:
    patient = patient_for(request, patient_id, action=Action.SHARE)
    caregiver = get_object_or_404(
        patient.caregivers.filter(revoked_at__isnull=True), pk=caregiver_id
    )
    return patient, caregiver


@login_required
def caregiver_share(request: AuthedRequest, patient_id: int, caregiver_id: int) -> HttpResponse:
    patient, caregiver = _caregiver_of(request, patient_id, caregiver_id)
    form = ShareForm(
        request.POST or None,
        initial={
            "shared_parts": caregiver.shared_parts,
            "allowed_actions": caregiver.allowed_actions,
        },
    )
    if request.method == "POST" and run_service(
        form,
        lambda d: services.caregiver_share(
            caregiver=caregiver,
            by=request.user,
            parts=d["shared_parts"],
            actions=d["allowed_actions"],
        ),
    ):
        return _saved(request, patient, _("Sharing changed."))
    return _form_page(
        request,
        form,
        title=_("What %(name)s may see") % {"name": caregiver.name},
        patient=patient,
        submit=_("Save"),
    )


@login_required
def caregiver_revoke(request: AuthedRequest, patient_id: int, caregiver_id: int) -> HttpResponse:
    """Asks first, then stops all sharing with this caregiver at once."""
    patient, caregiver = _caregiver_of(request, patient_id, caregiver_id)
    if request.method != "POST":
        return _form_page(
            request,
            forms.Form(),
            title=_("Stop sharing with %(name)s?") % {"name": caregiver.name},
            patient=patient,
            submit=_("Stop sharing"),
            template="patients/revoke.html",
            caregiver=caregiver,
            submit_class="danger",
        )
    services.caregiver_revoke(caregiver=caregiver, by=request.user)
    return _saved(
        request, patient, _("Sharing with %(name)s has stopped.") % {"name": caregiver.name}
    )


def invite_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The one page a caregiver opens before having a login: the invitation link."""
    if not Caregiver.objects.filter(
        invite_token=token, revoked_at__isnull=True, user__isnull=True
    ).exists():
        raise Http404
    form = AcceptInviteForm(request.POST or None)
    if request.method == "POST" and run_service(
        form,
        lambda d: services.caregiver_accept(
            token=token, username=d["username"], password=d["password"]
        ),
    ):
        messages.success(
            request, _("Your login is ready. Log in with your new user name and password.")
        )
        return redirect("accounts:login")
    return _form_page(
        request, form, title=_("Accept the invitation"), patient=None, submit=_("Create my login")
    )


@login_required
def me(request: AuthedRequest) -> HttpResponse:
    """The patient's home page: large type, phone first."""
    require_role(request.user, Role.PATIENT)
    patient = visible_patients(request.user).select_related("care_team").first()
    if patient is None:
        raise Http404
    note_access([patient.pk], view_name="patients:me")
    episode = patient.episodes.first()
    team = patient.care_team.members.order_by("role", "full_name")
    return render(
        request,
        "patients/me.html",
        {
            "patient": patient,
            "episode": episode,
            "team": team,
            "encouragements": encouragements_shown(patient=patient, by=request.user),
        },
    )


@login_required
def family(request: AuthedRequest) -> HttpResponse:
    """The caregiver's home page: the people who share their rehabilitation with them."""
    require_role(request.user, Role.CAREGIVER)
    patients = list(visible_patients(request.user).order_by("family_name"))
    note_access([p.pk for p in patients], view_name="patients:family", listed=True)
    return render(request, "patients/family.html", {"patients": patients})
