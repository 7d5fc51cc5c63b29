"""Outcomes: a measure's baseline and its readings at 3, 6 and 12 months, the statistics of change
over a cohort, rates of falls and re-fractures, shares with their confidence intervals, and the
fracture-liaison indicators. Pure Python (no Django, no clock): the days and the data are
passed in.

The statistics come from SciPy and statsmodels, never from formulas written here:
- the mean change from baseline with its 95 % confidence interval: the paired t interval
  (`scipy.stats.t.interval` on the changes' mean and SD, the interval `ttest_rel` gives), so
  that it can be found from a database's sums over many episodes as well as from the pairs;
- the effect size: the standardized response mean, SRM = mean change / SD of the changes, which
  for paired data is the same number as Cohen's d_z (Cohen 1988); its sign is the raw change's;
- a share (reaching the minimal important change, retained, follow-ups done, an indicator met):
  the Wilson score interval (`scipy.stats.binomtest(...).proportion_ci(method="wilson")`);
- a rate (falls per 1,000 patient-days, re-fractures per 100 patient-years): the exact Poisson
  (Garwood) interval (`statsmodels.stats.rates.confint_poisson`, method "exact-c").
Both libraries are imported in the functions that use them: together they take a second or two
to load, which every process would otherwise pay on its first request, whatever the page.

Clinical facts: which way a measure is better and its minimal clinically important difference
(MCID) are its instrument's, with the MCID's own source (e.g. PHQ-9 5 points, Löwe et al. 2004
[clinical-reference 1.1]); a measure whose instrument has no MCID gets no "reached the minimal
important change" share: none is invented. Adherence to medicines is the proportion of days
covered, PDC >= 0.80 adherent [clinical-reference 5] (`osteorehab.patients.domain.pdc`).

The clinical reference holds no definition of the fracture-liaison indicators (FLS-DB or IOF
Capture the Fracture): none was found in it. The indicators are therefore the program's own,
in the words of issue #7, each a LOCAL PROGRAM CHOICE until checked against FLS-DB / Capture the
Fracture: bone density within 12 weeks of enrolment, a falls assessment done, strength and
balance exercise started within 16 weeks, anti-osteoporosis treatment started by 16 weeks and
still taken at 52 weeks.

LOCAL PROGRAM CHOICES, not from the reference:
- enrolment is the day of referral, the program episode's first day;
- baseline: a measure's last reading from enrolment to the day the episode became active (the
  baseline assessment precedes the start of the program);
- "at 3, 6 and 12 months": the reading nearest to that many calendar months after the episode
  became active, inside the full reassessment's window of the follow-up schedule (two weeks
  either side; `osteorehab.followup.domain`), so that the figures read the schedule's own
  reassessments; a reading after discharge still counts (follow-up), one of a later episode
  does not;
- retained at N months: not withdrawn by then (a discharge counts as retained);
- time in the program (patient-days) runs from enrolment to the end of the episode (discharge
  or withdrawal) or to today; 365.25 days make a patient-year;
- the indicators' windows count from enrolment: 12 weeks = 84 days, 16 weeks = 112 days, 52
  weeks = 364 days; an episode counts in an indicator once its window has passed (or once it
  is met, if earlier), so that a patient enrolled last week is not counted as a failure. A
  falls assessment is waited for as long as bone density (12 weeks). "Treatment by 16 weeks"
  is a medicine started by then and not stopped before; "still taken at 52 weeks" is such a
  medicine not stopped before week 52 and, where refills on at least two days are recorded,
  adherent by PDC from its start (or enrolment, if later) to week 52;
- adherence is shown in bins of 20 percentage points, with no line drawn: the reference gives
  no cut-off for exercise adherence;
- the analysis data set gives age in 5-year bands, pooling under 50 and 90 and over, so that
  rare ages do not single anyone out.
"""

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from itertools import pairwise

from osteorehab.assessments.instruments.base import Better, gettext_noop
from osteorehab.followup.domain import REASSESSMENT_MONTHS, WINDOWS, Kind, add_months
from osteorehab.patients.domain import Fill, pdc

CONFIDENCE = 0.95
TIME_POINTS = REASSESSMENT_MONTHS  # 3, 6 and 12 months: the full reassessments
DAYS_PER_YEAR = 365.25
PER_1000_DAYS = 1000.0
PER_100_YEARS = 100 * DAYS_PER_YEAR
BONE_DENSITY_DAYS = 12 * 7  # LOCAL PROGRAM CHOICE (module docstring)
EXERCISE_DAYS = 16 * 7
TREATMENT_DAYS = 16 * 7
PERSISTENCE_DAYS = 52 * 7
ADHERENCE_BINS = (0, 20, 40, 60, 80)  # lower edges, percent (LOCAL PROGRAM CHOICE)
AGE_BAND_YEARS, AGE_BANDS_FROM, AGE_BANDS_TO = 5, 50, 90  # LOCAL PROGRAM CHOICE


# ---- A measure over an episode ----


@dataclass(frozen=True)
class Reading:
    day: date
    value: float


def baseline_of(
    readings: Sequence[Reading], *, enrolled_on: date, started_on: date
) -> Reading | None:
    """The last reading from enrolment to the day the program started (readings oldest first)."""
    before = [r for r in readings if enrolled_on <= r.day <= started_on]
    return before[-1] if before else None


def reading_at(
    readings: Sequence[Reading], *, started_on: date, months: int, until: date
) -> Reading | None:
    """The reading nearest to `months` calendar months after the start, inside the full
    reassessment's window and no later than `until` (the day before a later episode, or
    today); the earlier of two equally near."""
    due = add_months(started_on, months)
    opens, closes = WINDOWS[Kind.REASSESSMENT].around(due)
    last = min(closes, until)
    inside = [r for r in readings if opens <= r.day <= last]
    return min(inside, key=lambda r: (abs((r.day - due).days), r.day), default=None)


def improvement(before: float, after: float, better: Better) -> float:
    """How far the measure moved the better way (negative: the worse way)."""
    return after - before if better == Better.HIGHER else before - after


def reached_mcid(before: float, after: float, better: Better, mcid: float) -> bool:
    """Improved by at least the MCID; compared at 9 decimals, so that 0.85 - 0.80 counts as the
    0.05 m/s it is and not as 0.04999."""
    return round(improvement(before, after, better), 9) >= mcid


# ---- Statistics ----


@dataclass(frozen=True)
class Interval:
    low: float
    high: float

    def __contains__(self, value: float) -> bool:
        return self.low <= value <= self.high


@dataclass(frozen=True)
class Share:
    count: int
    total: int
    ci: Interval  # Wilson score interval, 95 %

    @property
    def value(self) -> float:
        return self.count / self.total

    @property
    def percent(self) -> Interval:
        """The share and its interval in percent: (low, high) with the share itself between."""
        return Interval(100 * self.ci.low, 100 * self.ci.high)

    @property
    def value_percent(self) -> float:
        return 100 * self.value


def share(count: int, total: int) -> Share | None:
    """count of total with its 95 % Wilson interval; None when nobody counts."""
    if total == 0:
        return None
    if not 0 <= count <= total:
        raise ValueError(f"{count} of {total} is not a share")
    from scipy import stats  # where used: see the module's docstring

    ci = stats.binomtest(count, total).proportion_ci(confidence_level=CONFIDENCE, method="wilson")
    return Share(count, total, Interval(float(ci.low), float(ci.high)))


@dataclass(frozen=True)
class PairedChange:
    """Change from baseline over the patients measured at both: follow-up minus baseline, in the
    measure's own units, with the paired t interval and the SRM (= Cohen's d_z)."""

    n: int
    baseline_mean: float
    follow_up_mean: float
    mean_change: float
    ci: Interval | None  # None with one patient
    srm: float | None  # None with one patient, or when every change is the same
    reached: Share | None  # improved by at least the MCID; None without an MCID

    @property
    def improved(self) -> bool | None:
        """Whether the whole interval lies on the better side of no change (None: unknown)."""
        return None if self.ci is None else (self.ci.low > 0 or self.ci.high < 0)


def paired_change(
    pairs: Sequence[tuple[float, float]], *, better: Better, mcid: float | None
) -> PairedChange | None:
    """(baseline, follow-up) pairs of one measure; None when there are none."""
    if not pairs:
        return None
    before = [float(b) for b, _a in pairs]
    after = [float(a) for _b, a in pairs]
    changes = [a - b for b, a in zip(before, after, strict=True)]
    return paired_change_of(
        n=len(pairs),
        baseline_mean=statistics.fmean(before),
        follow_up_mean=statistics.fmean(after),
        mean_change=statistics.fmean(changes),
        sd=statistics.stdev(changes) if len(pairs) > 1 else None,
        reached=None
        if mcid is None
        else sum(reached_mcid(b, a, better, mcid) for b, a in zip(before, after, strict=True)),
    )


def paired_change_of(
    *,
    n: int,
    baseline_mean: float,
    follow_up_mean: float,
    mean_change: float,
    sd: float | None,
    reached: int | None,
) -> PairedChange:
    """The change from its summary figures, as `paired_change` finds them or a database sums
    them up: the number of pairs, the means, the SD of the changes (None with one pair; 0 when
    every change is the same) and how many reached the MCID (None without an MCID). The paired
    t interval is the mean change ± t(0.975, n - 1) · SD / √n (`scipy.stats.t.interval`, the
    interval `ttest_rel` gives)."""
    ci = srm = None
    if n > 1 and sd is not None:
        if sd == 0:  # every change the same: the interval is that change; no SRM
            ci = Interval(mean_change, mean_change)
        else:
            from scipy import stats  # where used: see the module's docstring

            low, high = stats.t.interval(
                CONFIDENCE, n - 1, loc=mean_change, scale=sd / math.sqrt(n)
            )
            ci = Interval(float(low), float(high))
            srm = mean_change / sd
    return PairedChange(
        n=n,
        baseline_mean=baseline_mean,
        follow_up_mean=follow_up_mean,
        mean_change=mean_change,
        ci=ci,
        srm=srm,
        reached=None if reached is None else share(reached, n),
    )


@dataclass(frozen=True)
class Rate:
    events: int
    exposure_days: int
    per_days: float  # the rate is per this many patient-days
    rate: float
    ci: Interval  # exact Poisson, 95 %


def event_rate(events: int, exposure_days: int, *, per_days: float) -> Rate | None:
    """Events per `per_days` patient-days with the exact Poisson interval; None without time."""
    if exposure_days <= 0:
        return None
    if events < 0:
        raise ValueError("a count of events is never negative")
    exposure = exposure_days / per_days
    from statsmodels.stats.rates import confint_poisson  # where used: module docstring

    low, high = confint_poisson(events, exposure, method="exact-c", alpha=1 - CONFIDENCE)
    ci = Interval(float(low), float(high))
    return Rate(events, exposure_days, per_days, events / exposure, ci)


@dataclass(frozen=True)
class Spread:
    """How values (percentages) are spread: median, quartiles and counts per bin."""

    n: int
    median: float
    q1: float
    q3: float
    bins: tuple[tuple[int, int, int], ...]  # (from %, to %, how many)


def spread(percentages: Iterable[float]) -> Spread | None:
    values = sorted(float(v) for v in percentages)
    if not values:
        return None
    q1, median, q3 = (
        statistics.quantiles(values, n=4, method="inclusive") if len(values) > 1 else values * 3
    )
    edges = (*ADHERENCE_BINS, 100)
    bins = []
    for low, high in pairwise(edges):
        last = high == 100
        count = sum(1 for v in values if low <= v < high or (last and v == high))
        bins.append((low, high if last else high - 1, count))
    return Spread(len(values), median, q1, q3, tuple(bins))


# ---- Episodes ----


def retained_at(
    started_on: date, withdrawn_on: date | None, months: int, today: date
) -> bool | None:
    """Whether an episode that started on `started_on` was still in the program (or had been
    discharged) `months` months later; None while that day is still to come."""
    mark = add_months(started_on, months)
    if mark > today:
        return None
    return withdrawn_on is None or withdrawn_on > mark


def exposure_days(enrolled_on: date, ended_on: date | None, today: date) -> int:
    """Days in the program, both ends counted: from enrolment to its end, or to today."""
    last = min(ended_on or today, today)
    return max(0, (last - enrolled_on).days + 1)


def inside(day: date, enrolled_on: date, ended_on: date | None, today: date) -> bool:
    return enrolled_on <= day <= min(ended_on or today, today)


def age_band(age: int) -> str:
    """5-year bands from 50 to 89; under 50 and 90 and over pooled."""
    if age < AGE_BANDS_FROM:
        return f"<{AGE_BANDS_FROM}"
    if age >= AGE_BANDS_TO:
        return f"{AGE_BANDS_TO}+"
    low = age - age % AGE_BAND_YEARS
    return f"{low}-{low + AGE_BAND_YEARS - 1}"


# ---- Fracture-liaison indicators ----


class Indicator(StrEnum):
    BONE_DENSITY_12_WEEKS = "bone_density_12_weeks"
    FALLS_ASSESSED = "falls_assessed"
    EXERCISE_16_WEEKS = "exercise_16_weeks"
    TREATMENT_16_WEEKS = "treatment_16_weeks"
    TREATMENT_52_WEEKS = "treatment_52_weeks"


INDICATOR_WORDS = {
    Indicator.BONE_DENSITY_12_WEEKS: gettext_noop("Bone density measured within 12 weeks"),
    Indicator.FALLS_ASSESSED: gettext_noop("Falls assessment done"),
    Indicator.EXERCISE_16_WEEKS: gettext_noop("Strength and balance exercise started by 16 weeks"),
    Indicator.TREATMENT_16_WEEKS: gettext_noop("Anti-osteoporosis treatment started by 16 weeks"),
    Indicator.TREATMENT_52_WEEKS: gettext_noop("Treatment still taken at 52 weeks"),
}


@dataclass(frozen=True)
class Treatment:
    started_on: date
    stopped_on: date | None
    fills: tuple[Fill, ...] = ()


@dataclass(frozen=True)
class EpisodeFacts:
    enrolled_on: date
    bone_density_on: tuple[date, ...] = ()
    falls_assessed_on: tuple[date, ...] = ()
    exercise_started_on: date | None = None  # first day at or after enrolment
    treatments: tuple[Treatment, ...] = ()


def _on_treatment_at(treatment: Treatment, day: date) -> bool:
    return treatment.started_on <= day and (
        treatment.stopped_on is None or treatment.stopped_on >= day
    )


def _still_taken(treatment: Treatment, enrolled_on: date) -> bool:
    week_52 = enrolled_on + timedelta(days=PERSISTENCE_DAYS)
    if not _on_treatment_at(treatment, week_52):
        return False
    if len({fill.dispensed_on for fill in treatment.fills}) < 2:  # no PDC to judge by
        return True
    start = max(enrolled_on, treatment.started_on)
    return pdc(treatment.fills, start=start, end=week_52).adherent


def indicator_met(indicator: Indicator, facts: EpisodeFacts, today: date) -> bool | None:
    """Whether the episode meets the indicator; None while its window is still open and it is
    not yet met (it does not count yet)."""
    enrolled = facts.enrolled_on

    def by(days: int, met: bool) -> bool | None:
        return True if met else (False if today >= enrolled + timedelta(days=days) else None)

    def within(days: int, found: Iterable[date]) -> bool:
        return any(enrolled <= day <= enrolled + timedelta(days=days) for day in found)

    if indicator is Indicator.BONE_DENSITY_12_WEEKS:
        return by(BONE_DENSITY_DAYS, within(BONE_DENSITY_DAYS, facts.bone_density_on))
    if indicator is Indicator.FALLS_ASSESSED:
        return by(BONE_DENSITY_DAYS, any(day >= enrolled for day in facts.falls_assessed_on))
    if indicator is Indicator.EXERCISE_16_WEEKS:
        started = facts.exercise_started_on
        return by(EXERCISE_DAYS, started is not None and within(EXERCISE_DAYS, [started]))
    week_16 = enrolled + timedelta(days=TREATMENT_DAYS)
    treated = [t for t in facts.treatments if _on_treatment_at(t, week_16)]
    if indicator is Indicator.TREATMENT_16_WEEKS:
        return by(TREATMENT_DAYS, bool(treated))
    if today < enrolled + timedelta(days=PERSISTENCE_DAYS):
        return None
    return any(_still_taken(t, enrolled) for t in treated)


def indicator_share(
    indicator: Indicator, episodes: Iterable[EpisodeFacts], today: date
) -> Share | None:
    verdicts = [indicator_met(indicator, facts, today) for facts in episodes]
    counted = [v for v in verdicts if v is not None]
    return share(sum(counted), len(counted))
