"""The instruments: one pure module each, collected here by code."""

from typing import Any

from .balance import FOUR_STAGE
from .base import Instrument
from .berg import BERG
from .bone_density import BONE_DENSITY
from .chair_stand import CHAIR_STAND
from .falls_wfg import FALLS_RISK_WFG
from .fes_i import FES_I, SHORT_FES_I
from .frax import FRAX
from .gad7 import GAD7
from .gait_speed import GAIT_SPEED
from .garvan import GARVAN
from .gas import GAS
from .gds15 import GDS15
from .grip_strength import GRIP_STRENGTH
from .licensed import ABC, BORG, HADS
from .phq9 import PHQ9
from .ratings import CONFIDENCE, EFFORT, PAIN_NRS
from .self_efficacy import GSE, SEE
from .sit_to_stand import FIVE_TIMES_SIT_TO_STAND
from .sppb import SPPB
from .steadi import STAY_INDEPENDENT, STEADI_KEY_QUESTIONS
from .tsk import TSK11, TSK17
from .tug import TUG
from .walk_tests import SIX_MINUTE_WALK, TWO_MINUTE_WALK

INSTRUMENTS: dict[str, Instrument] = {
    instrument.code: instrument
    for instrument in (
        # psychological questionnaires and ratings (clinical-reference 1)
        PHQ9, GAD7, GDS15, GSE, SEE, TSK17, TSK11, FES_I, SHORT_FES_I,
        PAIN_NRS, EFFORT, CONFIDENCE, GAS,
        # licensed: a score entered from a licensed paper form, never the items (8)
        HADS, ABC, BORG,
        # physical function (2)
        TUG, CHAIR_STAND, FOUR_STAGE, BERG, SPPB, GAIT_SPEED, GRIP_STRENGTH,
        SIX_MINUTE_WALK, TWO_MINUTE_WALK, FIVE_TIMES_SIT_TO_STAND,
        # bone and falls (3)
        BONE_DENSITY, STAY_INDEPENDENT, STEADI_KEY_QUESTIONS, FALLS_RISK_WFG, GARVAN, FRAX,
    )
}  # fmt: skip

# One answer set per instrument, scored in docs/instruments.md to show its output.
EXAMPLES: dict[str, dict[str, Any]] = {
    "phq9": {"items": [2, 2, 2, 2, 2, 1, 1, 1, 1]},
    "gad7": {"items": [2, 1, 2, 1, 1, 1, 2]},
    "gds15": {
        "items": [
            "no",
            "yes",
            "no",
            "yes",
            "yes",
            "no",
            "yes",
            "no",
            "yes",
            "no",
            "yes",
            "no",
            "no",
            "no",
            "no",
        ]
    },
    "gse": {"items": [3, 3, 2, 3, 4, 3, 2, 3, 3, 3]},
    "see": {"items": [5, 6, 4, 7, 5, 6, 3, 4, 5]},
    "tsk17": {"items": [3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3]},
    "tsk11": {"items": [3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3]},
    "fes_i": {"items": [1, 2, 2, 1, 2, 3, 2, 1, 2, 2, 3, 2, 1, 2, 3, 2]},
    "short_fes_i": {"items": [2, 2, 1, 3, 2, 2, 1]},
    "pain_nrs": {"items": [6]},
    "effort": {"items": [5]},
    "confidence": {"items": [4]},
    "gas": {
        "goals": [
            {"attained": 0, "weight": 1},
            {"attained": 1, "weight": 2},
            {"attained": -1, "weight": 1},
        ]
    },
    "hads": {"anxiety": 9, "depression": 6},
    "abc": {"mean_percent": 62.5},
    "borg": {"rpe": 13},
    "tug": {"seconds": 13.5},
    "chair_stand_30s": {"stands": 10, "age": 72, "sex": "female"},
    "four_stage_balance": {"stage1_seconds": 10, "stage2_seconds": 10, "stage3_seconds": 6.5},
    "berg": {"items": [4, 4, 4, 4, 4, 3, 3, 3, 3, 3, 3, 2, 2, 2], "fall_history": True},
    "sppb": {
        "balance_score": 3,
        "gait_course_m": 4,
        "gait_trial1_seconds": 5.2,
        "chair_stands_seconds": 14.1,
    },
    "gait_speed": {"distance_m": 4, "seconds": 5.2},
    "grip_strength": {"kg": 15.5, "sex": "female"},
    "six_minute_walk": {
        "distance_m": 400,
        "age": 70,
        "sex": "male",
        "height_cm": 175,
        "weight_kg": 80,
    },
    "two_minute_walk": {"distance_m": 150, "age": 72, "sex": "female"},
    "five_times_sit_to_stand": {"seconds": 13.1, "age": 74},
    "bone_density": {
        "site": "femoral_neck",
        "sex": "female",
        "age": 67,
        "bmd_g_cm2": 0.558,
        "fragility_fracture": False,
        "postmenopausal": True,
    },
    "stay_independent": {
        "items": ["yes", "no", "yes", "no", "no", "yes", "no", "no", "no", "no", "no", "no"]
    },
    "steadi_key_questions": {"items": ["no", "yes", "no"]},
    "falls_risk_wfg": {
        "falls_12m": 1,
        "fall_injury": False,
        "unable_to_get_up": False,
        "lying_long": False,
        "loss_of_consciousness": False,
        "frailty": False,
        "gait_speed_m_s": 0.72,
    },
    "garvan": {
        "sex": "female",
        "age": 60,
        "t_score": -2.5,
        "fractures_since_50": 1,
        "falls_12m": 1,
    },
    "frax": {"major_osteoporotic_10y_percent": 18.5, "hip_10y_percent": 4.2, "with_bmd": True},
}
