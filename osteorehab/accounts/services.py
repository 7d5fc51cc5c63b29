"""The write path for API tokens: an administrator creates and revokes them, each with one audit
event. Accounts, sites and care teams themselves are written in the Django admin."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from osteorehab.audit.models import AuditAction
from osteorehab.audit.services import audit_event

from .domain import Role
from .models import ApiToken, User
from .tokens import API_ROLES, SHOWN_CHARS, key_hash, new_key


def _check_admin(by: User, user: User) -> None:
    if by.role != Role.ADMIN or not by.is_active:
        raise ValidationError(_("Only a system administrator manages API tokens."))
    if by.organisation_id != user.organisation_id:
        raise ValidationError(_("This user belongs to another organisation."))


@transaction.atomic
def api_token_create(
    *, by: User, user: User, name: str, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """A new token acting as `user`, and its key: returned this once, only its hash is kept."""
    _check_admin(by, user)
    if not user.is_active or user.role not in API_ROLES:
        raise ValidationError(
            {"user": _("A token acts as an active clinician or program lead of the organisation.")}
        )
    if not name.strip():
        raise ValidationError({"name": _("Name the token after what uses it.")})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("The expiry is in the past.")})
    key = new_key()
    token = ApiToken.objects.create(
        name=name.strip(),
        user=user,
        key_hash=key_hash(key),
        prefix=key[:SHOWN_CHARS],
        created_by=by,
        expires_at=expires_at,
    )
    audit_event(
        by=by,
        action=AuditAction.CREATE,
        target=ApiToken._meta.label,
        object_id=token.pk,
        changes={
            "name": token.name,
            "user": user.username,
            "prefix": token.prefix,
            "expires_at": expires_at,
        },
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, by: User, token: ApiToken) -> ApiToken:
    """Revoke a token: it stops working at once; the row stays for the record."""
    locked = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
    _check_admin(by, locked.user)
    if locked.revoked_at is not None:
        raise ValidationError(_("This token is already revoked."))
    locked.revoked_at, locked.revoked_by = timezone.now(), by
    locked.save(update_fields=["revoked_at", "revoked_by"])
    audit_event(
        by=by,
        action=AuditAction.UPDATE,
        target=ApiToken._meta.label,
        object_id=locked.pk,
        changes={"revoked_at": [None, locked.revoked_at]},
    )
    return locked
