"""Load the built-in exercise library into the database."""

from django.db import migrations


def load(apps, schema_editor):
    from osteorehab.plans.builtin import load_builtin

    load_builtin(apps.get_model("plans", "Exercise"))


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
