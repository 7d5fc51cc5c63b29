from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from huey.contrib.djhuey import task

from .models import Alert


@task(retries=5, retry_delay=60)
def notify_alert(alert_id: int) -> None:
    """E-mail the care-team members who must act. The e-mail names no patient (e-mail is not a
    safe place for health data): it links to the alert, behind login."""
    alert = Alert.objects.select_related("patient").get(pk=alert_id)
    if alert.acknowledged_at:
        return
    recipients = list(
        alert.patient.care_team.members.filter(role__in=alert.roles, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    link = settings.SITE_URL.rstrip("/") + reverse("alerts:list")
    send_mail(
        "OsteoRehab: urgent alert / 紧急警报",
        f"A patient in your care team needs you now.\n您照护团队的一位患者现在需要您。\n\n{link}\n",
        None,
        recipients,
    )
