from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from huey.contrib.djhuey import task

from .models import Caregiver


@task(retries=5, retry_delay=60)
def caregiver_invitation_send(caregiver_id: int) -> None:
    """E-mail the invitation link to the address the patient gave for a family member.

    The e-mail names the patient by given name only, and nothing about their health or what
    they share: inviting is the patient's own choice, and the person invited needs to know who
    asks before trusting a link, but an address can be mistyped and e-mail is not a safe place
    for health data (the alerts' e-mails name no patient at all). Sent in English and Chinese,
    as the caregiver's language is not known yet. Nothing is sent for an invitation taken up
    or withdrawn meanwhile."""
    caregiver = Caregiver.objects.select_related("patient").filter(pk=caregiver_id).first()
    if (
        caregiver is None
        or not caregiver.email
        or caregiver.invite_token is None
        or caregiver.user_id is not None
        or caregiver.revoked_at is not None
    ):
        return
    site = settings.SITE_URL.rstrip("/")
    link = site + reverse("patients:invite-accept", kwargs={"token": caregiver.invite_token})
    join = site + reverse("family:join")
    who, to = caregiver.patient.given_name, caregiver.name
    send_mail(
        f"OsteoRehab: {who} invites you / {who} 邀请您",
        f"Hello {to},\n\n"
        f"{who} has invited you to follow and support them in OsteoRehab.\n\n"
        "Open this link to choose your user name and password. It works only once:\n"
        f"{link}\n\n"
        f"If the link does not open, ask {who} for the joining code and type it here: {join}\n\n"
        "If you did not expect this e-mail, you can ignore it.\n\n"
        "----\n\n"
        f"{to}，您好：\n\n"
        f"{who} 邀请您在 OsteoRehab 上关注和支持其康复。\n\n"
        "请打开下面的链接，设置您的用户名和密码。此链接只能使用一次：\n"
        f"{link}\n\n"
        f"如果链接打不开，请向 {who} 索取加入码，并在这里输入：{join}\n\n"
        "如果您没有预料到会收到这封邮件，请忽略它。\n",
        None,
        [caregiver.email],
    )
