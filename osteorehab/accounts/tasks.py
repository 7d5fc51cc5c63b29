from django.core.mail import send_mail
from huey.contrib.djhuey import task


@task(retries=3, retry_delay=60)
def send_email(subject: str, body: str, to: str) -> None:
    send_mail(subject, body, None, [to])
