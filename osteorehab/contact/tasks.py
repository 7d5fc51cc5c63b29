from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone
from huey.contrib.djhuey import task

from osteorehab.accounts.domain import CLINICAL_ROLES, Role
from osteorehab.patients.models import Caregiver

from .models import Message
from .selectors import may_take_part

SUBJECT = "OsteoRehab: new message / 新消息"
BODY = "You have a new message in OsteoRehab.\n您在 OsteoRehab 有一条新消息。\n\n{link}\n"


def _link(name: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name)


@task(retries=5, retry_delay=60)
def notify_message(message_id: int) -> None:
    """Tell the other side of the conversation that there is a new message. A message from the
    patient or a caregiver goes to the care-team members of the role the thread is routed to; a
    reply from the care team goes to the patient and to each caregiver who takes part, if they
    gave an e-mail address. The e-mail names no patient and quotes nothing (e-mail is not a
    safe place for health data): it links to the messages, behind login. Sent once: the
    message keeps when it was notified."""
    message = Message.objects.select_related("thread__patient__care_team", "author").get(
        pk=message_id
    )
    if message.notified_at is not None:
        return
    thread, patient = message.thread, message.thread.patient
    if message.author.role in CLINICAL_ROLES:
        users = [patient.user] if patient.user else []
        users += [
            link.user
            for link in Caregiver.objects.filter(patient=patient, user__isnull=False)
            .select_related("user")
            .order_by("pk")
            if link.user is not None
        ]
        for user in users:
            if user.email and user != message.author and may_take_part(user, patient):
                name = "patients:family" if user.role == Role.CAREGIVER else "contact:my-messages"
                send_mail(SUBJECT, BODY.format(link=_link(name)), None, [user.email])
    else:
        staff = list(
            patient.care_team.members.filter(role=thread.to_role, is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
        if staff:
            send_mail(SUBJECT, BODY.format(link=_link("contact:inbox")), None, staff)
    Message.objects.filter(pk=message.pk).update(notified_at=timezone.now())
