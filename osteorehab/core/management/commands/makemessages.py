"""makemessages that also extracts the templates of the scoring engine's reasons.

The pure instrument modules cannot import Django's gettext; they write each reason the clinician
reads as `Reason("template with {values}", ...)`, and this marks `Reason` as a keyword for xgettext
(Django's documented way to extend makemessages), so the templates reach the catalogue.
"""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=Reason"]
