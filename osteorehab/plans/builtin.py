"""The built-in exercise library (`library/`) written into the database, where staff can add to
it and edit it: by the migration that creates the table, and by the demo where a test flushed
the tables."""

from dataclasses import asdict
from typing import Any

from .library import EXERCISES


def load_builtin(model: Any) -> None:
    """Create or update every built-in exercise and its links; `model` is the Exercise model
    (the migration's historical one, or the app's)."""
    rows = {}
    for code, exercise in EXERCISES.items():
        rows[code], _created = model.objects.update_or_create(
            code=code,
            defaults={
                "category": exercise.category.value,
                "name_en": exercise.name_en,
                "name_zh": exercise.name_zh,
                "instructions_en": exercise.instructions_en,
                "instructions_zh": exercise.instructions_zh,
                **asdict(exercise.dose),
                "source": exercise.source,
                "equipment": list(exercise.equipment),
                "muscle_groups": list(exercise.muscle_groups),
                "impact": exercise.impact,
                "intensity": exercise.intensity.value,
                "high_intensity": exercise.high_intensity,
                "spinal_flexion": exercise.spinal_flexion,
                "floor_lift": exercise.floor_lift,
                "supported": exercise.supported,
                "otago_level": exercise.otago_level,
                "contraindications": sorted(c.value for c in exercise.contraindications),
                "builtin": True,
            },
        )
    for code, exercise in EXERCISES.items():
        row = rows[code]
        row.progression = rows.get(exercise.progression or "")
        row.regression = rows.get(exercise.regression or "")
        row.save(update_fields=["progression", "regression"])
        row.alternatives.set([rows[a] for a in exercise.alternatives if a in rows])
