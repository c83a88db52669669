"""The in-season demand level, re-estimated every week. No Django imports.

The unknown is theta = log(true demand / planned demand), shared by the season's weeks. Each
observed week gives y_w = log(evidence_w / plan_w). The estimate is a robust, shrunk mean:

- Each week is winsorised to within `CLIP_LOG` of the median of the *other* observed weeks
  and the plan (0), which votes like one more week. One odd week therefore counts as at most
  a `CLIP_LOG` surprise, while weeks that agree with each other count in full: a single +30 %
  spike moves the plan by under a third of it, a steady -30 % is followed within a few weeks.
  (A Student-t likelihood behaves the same way; the winsorised mean says it in one line.)
- Recent weeks weigh more (`RECENCY` per week back), so the level can drift within a season.
- The plan is a prior worth `kappa` weeks of evidence: kappa = noise^2 / prior^2 from the
  backtest's weekly and level errors, with floors because a backtest on history never saw the
  shocks a season meets (weather, a competitor, a viral item), bounded to 1/4..1 week.
- Censored weeks are handled by the caller (`evidence` counts a store that sold out as at
  least its plan), and `lower_bound` weeks only ever pull the level up.

Two kinds of week start a new segment, whose level is estimated from its own weeks:

- A markdown (`breaks`, known to the caller). Its weeks are planned with the lift the
  markdown was expected to bring; what they show against that is the lift's error. From the
  markdown on the level is theirs alone (no prior weight, no vote for the level before it,
  which stays the reference the realised lift is measured from), so a markdown that did
  nothing leaves the plan within two weeks. A prior worth even a tenth of a week kept part
  of a lift that never came (docs/level.md).
- A regime change: `SHIFT_WEEKS` consecutive weeks beyond the band of the level before them
  (`SHIFT_Z` standard deviations of a week around it), in one direction. One week beyond the
  band is an outlier and is clipped; two in a row are a new level, estimated from them alone.
  The season has then shown that its level moves: the estimate after a shift keeps the
  pre-season level uncertainty (`prior_sd`) on top of its own, so the bands and the
  replenishment targets widen with it.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from forecasting.engine.types import Z_80, Z_95, ForecastWeek

MIN_PRIOR_SD = 0.15
MIN_NOISE_SD = 0.08
CLIP_LOG = 0.10
RECENCY = 0.85
KAPPA_RANGE = (0.25, 1.0)
SHIFT_WEEKS = 2
SHIFT_Z = Z_95


@dataclass(frozen=True)
class LevelObservation:
    """One observed week: y = log(evidence / planned units); a lower bound when most of the
    planned demand sat in stores that sold out (the week can only say "at least")."""

    log_ratio: float
    lower_bound: bool = False


@dataclass(frozen=True)
class LevelEstimate:
    """The demand level after the observed weeks."""

    observed_weeks: int
    prior_sd: float
    noise_sd: float
    posterior_mean: float  # log scale
    posterior_sd: float
    prior_weight: float  # share of the estimate owed to the plan (the prior, centred on 0)
    likelihood_weight: float  # share owed to the observed weeks
    adjustment_factor: float  # exp(posterior mean): remaining weeks are scaled by it
    segment_start: int = 0  # index of the first week of the segment the level comes from
    segment_shift: float = 0.0  # log change from the level before it (0 without a segment)
    shifts: tuple[int, ...] = ()  # indices where a regime change was detected
    markdown_segment: bool = False  # the segment is a markdown's: its shift is the lift's error

    @property
    def demand_factor(self) -> float:
        """The level with a markdown's lift error taken out: the season's full-price demand
        against the pre-season plan."""
        if self.markdown_segment:
            return math.exp(self.posterior_mean - self.segment_shift)
        return self.adjustment_factor

    def realised_lift(self, assumed: float) -> float:
        """The lift the markdown of the current segment brought, against the `assumed` one."""
        if not self.markdown_segment:
            return assumed
        return (1 + assumed) * math.exp(self.segment_shift) - 1


def observation(evidence: float, planned: float, *, lower_bound: bool = False) -> LevelObservation:
    """y = log(evidence / planned), both floored at half a unit so empty weeks stay finite."""
    return LevelObservation(math.log(max(evidence, 0.5) / max(planned, 0.5)), lower_bound)


def _winsorised(values: Sequence[float], centre_votes: bool) -> list[float]:
    anchor = [0.0] if centre_votes else []
    clipped = []
    for index, value in enumerate(values):
        others = [*anchor, *(v for j, v in enumerate(values) if j != index)]
        if not others:
            clipped.append(value)
            continue
        centre = statistics.median(others)
        clipped.append(min(max(value, centre - CLIP_LOG), centre + CLIP_LOG))
    return clipped


@dataclass(frozen=True)
class _Segment:
    """Weeks `start..` of the season, with the level they start from and its weight."""

    start: int
    centre: float  # the prior level (log scale)
    kappa: float  # its weight, in weeks of evidence
    centre_votes: bool  # whether the prior votes in the winsorising (the plan does)


def _fit(
    observations: Sequence[LevelObservation], segment: _Segment, end: int
) -> tuple[float, float]:
    """(level, evidence weight) of weeks `segment.start..end - 1`, robust and shrunk to the
    segment's prior; weeks back from `end` weigh `RECENCY` each."""

    def mean_of(used: list[int]) -> tuple[float, float]:
        values = _winsorised(
            [observations[i].log_ratio - segment.centre for i in used], segment.centre_votes
        )
        weights = [RECENCY ** (end - 1 - i) for i in used]
        evidence = math.fsum(weights)
        deviation = math.fsum(w * v for w, v in zip(weights, values, strict=True)) / (
            evidence + segment.kappa
        )
        return segment.centre + deviation, evidence

    weeks = range(segment.start, end)
    exact = [i for i in weeks if not observations[i].lower_bound]
    mean, evidence = mean_of(exact) if exact else (segment.centre, 0.0)
    # A lower bound above the estimate is evidence of more demand; below it, it says nothing.
    raised = [i for i in weeks if observations[i].lower_bound and observations[i].log_ratio > mean]
    if raised:
        mean, evidence = mean_of(sorted(exact + raised))
    return mean, evidence


def _shifted(
    observations: Sequence[LevelObservation], segment: _Segment, end: int, noise_sd: float
) -> bool:
    """Whether the `SHIFT_WEEKS` weeks before `end` all lie beyond the band of the level
    estimated before them, on the same side (a lower bound only counts upwards)."""
    first = end - SHIFT_WEEKS
    # A later segment already starts at its own break: a shift there is the break itself.
    if first < segment.start or 0 < segment.start == first:
        return False
    level, evidence = _fit(observations, segment, first)
    band = SHIFT_Z * math.hypot(noise_sd, noise_sd / math.sqrt(evidence + segment.kappa))
    sides = set()
    for o in observations[first:end]:
        gap = o.log_ratio - level
        if gap > band:
            sides.add(1)
        elif gap < -band and not o.lower_bound:
            sides.add(-1)
        else:
            return False
    return len(sides) == 1


def estimate_level(
    observations: Sequence[LevelObservation],
    *,
    prior_sd: float,
    noise_sd: float,
    breaks: Sequence[int] = (),
) -> LevelEstimate:
    """The robust, shrunk level of the module docstring; `breaks` are the indices of the
    weeks a markdown started in."""
    prior_sd = max(prior_sd, MIN_PRIOR_SD)
    noise_sd = max(noise_sd, MIN_NOISE_SD)
    low, high = KAPPA_RANGE
    kappa = min(max(noise_sd**2 / prior_sd**2, low), high)
    segment = _Segment(0, 0.0, kappa, True)
    shifts: list[int] = []
    markdown = False
    for end in range(1, len(observations) + 1):
        if end - 1 in breaks and end - 1 > segment.start:
            level, _ = _fit(observations, segment, end - 1)
            segment = _Segment(end - 1, level, 0.0, False)
            markdown = True
        if _shifted(observations, segment, end, noise_sd):
            level, _ = _fit(observations, segment, end - SHIFT_WEEKS)
            segment = _Segment(end - SHIFT_WEEKS, level, 0.0, False)
            shifts.append(end - SHIFT_WEEKS)
            markdown = False
    mean, evidence = _fit(observations, segment, len(observations))
    weight = evidence + segment.kappa
    posterior_sd = noise_sd / math.sqrt(weight) if weight > 0 else prior_sd
    if shifts:
        posterior_sd = math.hypot(posterior_sd, prior_sd)
    return LevelEstimate(
        observed_weeks=len(observations),
        prior_sd=prior_sd,
        noise_sd=noise_sd,
        posterior_mean=mean,
        posterior_sd=posterior_sd,
        prior_weight=segment.kappa / weight if weight > 0 else 1.0,
        likelihood_weight=evidence / weight if weight > 0 else 0.0,
        adjustment_factor=math.exp(mean),
        segment_start=segment.start,
        segment_shift=mean - segment.centre if segment.start else 0.0,
        shifts=tuple(shifts),
        markdown_segment=markdown and segment.start > 0,
    )


def scaled_curve(
    *,
    plan_weeks: Sequence[ForecastWeek],
    actuals: Sequence[float],
    factor: float,
    log_sd: Callable[[int], float],
) -> tuple[ForecastWeek, ...]:
    """A plan after a level update: observed weeks are the actuals (zero-width bounds), the
    rest the plan times `factor`, with log-normal 80/95 % bounds of `log_sd(weeks ahead)`."""
    weeks: list[ForecastWeek] = []
    for index, week in enumerate(plan_weeks):
        if index < len(actuals):
            value = float(actuals[index])
            low80 = high80 = low95 = high95 = value
            is_actual = True
        else:
            value = week.units * factor
            sd = log_sd(index - len(actuals) + 1)
            low80, high80 = value * math.exp(-Z_80 * sd), value * math.exp(Z_80 * sd)
            low95, high95 = value * math.exp(-Z_95 * sd), value * math.exp(Z_95 * sd)
            is_actual = False
        weeks.append(
            ForecastWeek(
                week_number=week.week_number,
                week_start=week.week_start,
                units=value,
                lower_80=low80,
                upper_80=high80,
                lower_95=low95,
                upper_95=high95,
                members=week.members,
                is_actual=is_actual,
            )
        )
    return tuple(weeks)


def level_curve(
    *, plan_weeks: Sequence[ForecastWeek], actuals: Sequence[float], level: LevelEstimate
) -> tuple[ForecastWeek, ...]:
    """The plan in force: the pre-season plan times the level, with log-sd
    sqrt(posterior^2 + noise^2) on every remaining week."""
    sd = math.hypot(level.posterior_sd, level.noise_sd)
    return scaled_curve(
        plan_weeks=plan_weeks,
        actuals=actuals,
        factor=level.adjustment_factor,
        log_sd=lambda ahead: sd,
    )


def apply_lift(
    weeks: Sequence[ForecastWeek], *, from_week: int, lift: float
) -> tuple[ForecastWeek, ...]:
    """The plan after a markdown: weeks from `from_week` on are scaled by (1 + lift)."""
    factor = 1.0 + lift
    return tuple(
        week
        if week.week_number < from_week or week.is_actual
        else ForecastWeek(
            week_number=week.week_number,
            week_start=week.week_start,
            units=week.units * factor,
            lower_80=week.lower_80 * factor,
            upper_80=week.upper_80 * factor,
            lower_95=week.lower_95 * factor,
            upper_95=week.upper_95 * factor,
            members=week.members,
        )
        for week in weeks
    )
