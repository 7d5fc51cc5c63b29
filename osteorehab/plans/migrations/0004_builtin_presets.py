"""Load the built-in program presets (`plans/presets.py`) from the built-in exercise library."""

from django.db import migrations


def load(apps, schema_editor):
    from osteorehab.plans.presets import PRESETS

    Exercise = apps.get_model("plans", "Exercise")
    Preset = apps.get_model("plans", "Preset")
    PresetItem = apps.get_model("plans", "PresetItem")
    exercises = {e.code: e for e in Exercise.objects.all()}
    for data in PRESETS:
        preset, _created = Preset.objects.update_or_create(
            name_en=data.name_en,
            created_by=None,
            defaults={
                "name_zh": data.name_zh,
                "description_en": data.description_en,
                "description_zh": data.description_zh,
            },
        )
        preset.items.all().delete()
        PresetItem.objects.bulk_create(
            PresetItem(
                preset=preset,
                exercise=exercises[item.exercise],
                days=list(item.days),
                sets=item.sets,
                reps=item.reps,
                hold_seconds=item.hold_seconds,
                minutes=item.minutes,
            )
            for item in data.items
        )


class Migration(migrations.Migration):
    dependencies = [("plans", "0003_preset")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
