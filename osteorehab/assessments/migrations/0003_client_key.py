"""The key a patient's own submission is stored under (core.idempotency): assessments keep it,
unique per patient; a questionnaire's draft carries the key its assessment will have. A draft
begun before this migration gets a key of its own (one default for every row would make two
drafts of one patient the same submission)."""

import uuid

from django.db import migrations, models


def key_each_draft(apps, schema_editor):
    Draft = apps.get_model("assessments", "Draft")
    for draft in Draft.objects.only("pk"):
        Draft.objects.filter(pk=draft.pk).update(client_key=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0002_impact_decision"),
        ("patients", "0004_caregiver_email_and_join_code"),
    ]

    operations = [
        migrations.AddField(
            model_name="assessment",
            name="client_key",
            field=models.UUIDField(blank=True, editable=False, null=True),
        ),
        migrations.AddConstraint(
            model_name="assessment",
            constraint=models.UniqueConstraint(
                fields=("patient", "client_key"), name="assessment_client_key_once"
            ),
        ),
        migrations.AddField(
            model_name="draft",
            name="client_key",
            field=models.UUIDField(default=uuid.uuid4, editable=False, null=True),
        ),
        # going back, the column is dropped: nothing to undo
        migrations.RunPython(key_each_draft, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="draft",
            name="client_key",
            field=models.UUIDField(default=uuid.uuid4, editable=False),
        ),
    ]
