"""GDS-15, Geriatric Depression Scale short form (Sheikh & Yesavage 1986, Clin Gerontol 5:165).
Depressive symptoms over the past week; fifteen yes/no items, one point per depressive answer,
total 0-15. Items 1, 5, 7, 11 and 13 are reverse-keyed: "no" scores 1.
Source: clinical-reference 1.3 (GDS-15). Licence: public domain (8).
"""

from collections.abc import Mapping
from typing import Any

from .base import (
    Band,
    Banding,
    Better,
    Instrument,
    Item,
    Kind,
    Licence,
    MissingRule,
    Result,
    Source,
    gettext_noop,
    summed_result,
)

SHEIKH_1986 = Source("Sheikh & Yesavage 1986, Clin Gerontol 5:165", "1.3")
# The bands as the Stanford GDS site and LOINC 48545-8 give them; LOINC's "8-11 moderate"
# overlaps "5-8 mild" at 8, a typo: moderate is 9-11 (clinical-reference 1.3 and 7.4).
STANFORD = Source("Stanford GDS site; LOINC 48545-8 description", "1.3")
NACC = Source("NACC Uniform Data Set, form B6 (naccdata/nacc-attribute-deriver)", "1.3")

YES_NO = ("yes", "no")
REVERSE = {1, 5, 7, 11, 13}  # CamCOPS gds.py SCORE_IF_NO (clinical-reference 1.3)

ITEMS = tuple(
    Item(f"q{n}", label, YES_NO, reverse=n in REVERSE)
    for n, label in enumerate(
        [
            gettext_noop("Satisfied with life"),
            gettext_noop("Dropped activities and interests"),
            gettext_noop("Life feels empty"),
            gettext_noop("Often bored"),
            gettext_noop("In good spirits most of the time"),
            gettext_noop("Afraid something bad will happen"),
            gettext_noop("Happy most of the time"),
            gettext_noop("Often feels helpless"),
            gettext_noop("Prefers staying at home"),
            gettext_noop("More memory problems than most"),
            gettext_noop("Wonderful to be alive"),
            gettext_noop("Feels worthless"),
            gettext_noop("Full of energy"),
            gettext_noop("Situation feels hopeless"),
            gettext_noop("Others are better off"),
        ],
        start=1,
    )
)

SEVERITY = Banding(
    "severity",
    STANFORD,
    (
        # "normal", depending on age, education and complaints
        Band("normal", gettext_noop("normal"), min=0, max=4),
        Band("mild", gettext_noop("mild depression"), min=5, max=8),
        Band("moderate", gettext_noop("moderate depression"), min=9, max=11),
        Band("severe", gettext_noop("severe depression"), min=12, max=15),
    ),
)
# The screening operator varies between sources (clinical-reference 1.3 and 7.7): most say
# ">= 5" (recommended, shown as "screen"); some teaching sheets (UTMB, Hartford "Try This") say
# "> 5". Both are shipped so that a clinic can choose; ">= 10" almost always means depression.
SCREEN = Banding(
    "screen",
    Source("Stanford GDS site and most sources", "1.3"),
    (
        Band("negative", gettext_noop("below the screening cut-off"), below=5),
        Band("positive", gettext_noop("suggests depression"), min=5),
    ),
)
SCREEN_ABOVE_5 = Banding(
    "screen_above_5",
    Source("UTMB and Hartford 'Try This' teaching sheets", "1.3"),
    (
        Band("negative", gettext_noop("at or under the screening cut-off"), max=5),
        Band("positive", gettext_noop("suggests depression"), above=5),
    ),
)
ALMOST_ALWAYS = Banding(
    "screen_10",
    STANFORD,
    (
        Band("negative", gettext_noop("below 10"), below=10),
        Band("positive", gettext_noop("almost always depression"), min=10),
    ),
)


def score(data: Mapping[str, Any]) -> Result:
    return summed_result(GDS15, data)


GDS15 = Instrument(
    code="gds15",
    name=gettext_noop("GDS-15"),
    version="GDS short form (Sheikh & Yesavage 1986); scorer 1",
    kind=Kind.QUESTIONNAIRE,
    better=Better.LOWER,
    licence=Licence.FREE,
    source=SHEIKH_1986,
    score=score,
    items=ITEMS,
    bandings=(SEVERITY, SCREEN, SCREEN_ABOVE_5, ALMOST_ALWAYS),
    # NACC: up to 3 unanswered, answered score + its mean per answered item x unanswered,
    # rounded half up; more than 3, not computed. UTHSCSA GDS-S instructions agree.
    missing_rule=MissingRule(3, NACC),
    mcid=None,  # not established in the reachable sources (clinical-reference 1.3)
    # 48544-1 is the 30-item GDS total, not this one (clinical-reference 1.3).
    loinc={"panel": "48543-3", "total": "48545-8"},
    range=(0, 15),
)
