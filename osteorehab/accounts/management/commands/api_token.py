"""API tokens for integrations, managed by a system administrator:

    manage.py api_token create --user dxa-feed --name "Hospital DXA results" --by admin
    manage.py api_token list
    manage.py api_token revoke 3 --by admin

`create` prints the key once; only its hash is kept. `--by` names the administrator the audit
trail records as creating or revoking the token.
"""

from datetime import date, datetime, time
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from osteorehab.accounts.models import ApiToken, User
from osteorehab.accounts.services import api_token_create, api_token_revoke


def _user(username: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"no user {username!r}")
    return user


def _refusal(error: ValidationError) -> CommandError:
    return CommandError("; ".join(str(message) for message in error.messages))


class Command(BaseCommand):
    help = "Create, list and revoke the API tokens integrations use (FHIR, JSON API)."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True)
        create = commands.add_parser("create", help="create a token; prints its key once")
        create.add_argument("--user", required=True, help="the service user it acts as")
        create.add_argument("--name", required=True, help="what uses it")
        create.add_argument("--by", required=True, help="the administrator creating it")
        create.add_argument(
            "--expires", type=date.fromisoformat, help="last day it works (YYYY-MM-DD)"
        )
        commands.add_parser("list", help="every token, newest first")
        revoke = commands.add_parser("revoke", help="stop a token working, at once")
        revoke.add_argument("id", type=int)
        revoke.add_argument("--by", required=True, help="the administrator revoking it")

    def handle(self, *args: Any, **options: Any) -> None:
        command = options["command"]
        if command == "create":
            expires = options["expires"]
            try:
                token, key = api_token_create(
                    by=_user(options["by"]),
                    user=_user(options["user"]),
                    name=options["name"],
                    expires_at=timezone.make_aware(datetime.combine(expires, time.max))
                    if expires
                    else None,
                )
            except ValidationError as error:
                raise _refusal(error) from error
            self.stdout.write(f"Token {token.pk} created. Its key, shown this once:\n{key}")
        elif command == "revoke":
            chosen = ApiToken.objects.filter(pk=options["id"]).first()
            if chosen is None:
                raise CommandError(f"no token {options['id']}")
            try:
                api_token_revoke(by=_user(options["by"]), token=chosen)
            except ValidationError as error:
                raise _refusal(error) from error
            self.stdout.write(f"Token {chosen.pk} revoked.")
        else:
            for token in ApiToken.objects.select_related("user"):
                state = f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "active"
                self.stdout.write(
                    f"{token.pk}\t{token.prefix}…\t{token.name}\t{token.user.username}\t{state}"
                    f"\tlast used {token.last_used_at or 'never'}"
                    f"\texpires {token.expires_at or 'never'}"
                )
