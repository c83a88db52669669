"""The in-season loop: one function, `run_week`, that the product, the replay and the simulator
all run. No Django imports.

A season starts from the approved order (`SeasonSetup`) and moves one week at a time:
`run_week(state, week, policy) -> WeekOutcome` takes the week's sales (or, in a replay, its
demand), receives the shipments approved for the week, updates the ledger, grades the week
against its plan of record, re-estimates the demand level, records a revision when the
re-forecast rule fires, handles the markdown checkpoint and proposes the next replenishment.
Approved shipments and decided markdowns come in as facts (`WeekInput`); the state never
re-decides them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from allocation.engine.ledger import StoreWeek, store_week
from allocation.engine.replenishment import (
    cadence_weeks,
    order_up_to,
    period_weeks,
    plan_replenishment,
    rationed_targets,
)
from allocation.engine.types import ReplenishmentPlan, ShipmentLine
from forecasting.engine.level import (
    LevelEstimate,
    LevelObservation,
    apply_lift,
    estimate_level,
    level_curve,
    observation,
)
from forecasting.engine.types import ForecastWeek
from forecasting.engine.variance import VarianceCheck, check_variance
from markdowns.engine.markdown import (
    MarkdownFact,
    MarkdownRecommendation,
    recommend_markdown,
    sell_through,
    with_options,
)
from markdowns.engine.pricing import PricingInputs
from planner.engine.money import SeasonMoney, season_money
from planner.engine.report import SeasonReport, StockoutCauses, season_report
from shared.economics import Economics

# A week whose stores that sold out held more than this share of its planned demand says
# only "demand was at least this" about the level.
CENSORED_SHARE_LOWER_BOUND = 0.5
# A store's week around its share of the plan (log scale) until the season has shown it
# (`store_spread`): ten store-weeks that did not sell out.
DEFAULT_STORE_SPREAD = 0.15
MIN_STORE_WEEKS = 10
# The planned store shares count as this many weeks of the stores' own shares of the chain's
# weeks (`learned_shares`).
SHARE_PRIOR_WEEKS = 4.0


@dataclass(frozen=True)
class SeasonPolicy:
    """The season's parameters and the planning settings the weekly loop follows."""

    horizon_weeks: int
    strategy: str
    safety_stock_pct: float
    variance_threshold: float
    elasticity: float
    markdown_cap: float
    lift_per_point: float
    markdown_checkpoint_week: int | None = None
    markdown_threshold: float | None = None
    allow_transfers: bool = False
    auto_approve_replenishment: bool = False
    auto_approve_markdown: bool = False
    # Stores are stocked up to this quantile of their demand until the next shipment while
    # the chain holds more than the season still needs, else the DC rations (`_dc_allowance`).
    store_service_level: float = 0.999
    # Prices the markdown options at the checkpoint and recommends the highest expected
    # margin (`markdowns.engine.pricing`); None: the seed's rule alone.
    economics: Economics | None = None


@dataclass(frozen=True)
class SeasonSetup:
    """What a season starts from: the pre-season plan and the approved order's split."""

    base_weeks: tuple[ForecastWeek, ...]  # the pre-season curve (version 1)
    prior_sd: float  # backtest level error, log scale
    noise_sd: float  # backtest weekly error, log scale
    shares: Mapping[str, float]  # store -> planned share of the season's store demand
    initial_units: Mapping[str, int]  # store -> units of the initial allocation
    dc_units: int  # the DC holdback

    @property
    def manufactured(self) -> int:
        return self.dc_units + sum(self.initial_units.values())


@dataclass(frozen=True)
class WeekInput:
    """One week's facts. `sales` are what stores reported (product); `demand` is what
    customers wanted (replay, simulator), served from stock. `arrivals` are the shipments
    approved to arrive at the week's opening; None lets the policy decide (auto-approval).
    `markdown` is the decision at this checkpoint week, if one was made."""

    week_number: int
    sales: Mapping[str, int] | None = None
    demand: Mapping[str, int] | None = None
    arrivals: tuple[ShipmentLine, ...] | None = None
    markdown: MarkdownFact | None = None
    revision_reason: str = ""  # a re-forecast asked for by hand


@dataclass(frozen=True)
class SeasonState:
    """Everything the weekly loop knows after `week` weeks."""

    setup: SeasonSetup
    week: int
    plan: tuple[ForecastWeek, ...]  # the plan in force
    lifts: tuple[tuple[int, float], ...]  # (from week, lift) of decided markdowns
    observations: tuple[LevelObservation, ...]
    level: LevelEstimate | None
    plans_of_record: tuple[float, ...]  # units planned for each observed week when observed
    sold_by_week: tuple[int, ...]
    on_hand: Mapping[str, int]
    dc_on_hand: int
    received_by_stores: int  # the initial allocation and DC shipments that arrived
    proposal: ReplenishmentPlan | None  # for week + 1, until approved or superseded
    revision_weeks: tuple[int, ...]
    markdowns: tuple[MarkdownFact, ...]
    ledger: tuple[StoreWeek, ...]
    demand_known: bool = True  # every week came as demand, so lost sales are known
    # The store weeks' squared log deviations from their share of the week's plan beyond the
    # chain's miss, summed, and how many (`store_deviations`, `store_spread`).
    store_deviation_ss: float = 0.0
    store_deviations: int = 0
    # Each store's share of each observed week's demand evidence, summed over the weeks
    # (`week_shares`, `learned_shares`).
    store_share_sums: Mapping[str, float] = field(default_factory=dict)
    store_share_weeks: int = 0
    dc_by_week: tuple[int, ...] = ()  # the DC's stock after each week
    rationed_weeks: tuple[int, ...] = ()  # weeks whose shipments the DC rationed

    @property
    def stores(self) -> tuple[str, ...]:
        return tuple(sorted(self.setup.shares))

    @property
    def units_sold(self) -> int:
        return sum(self.sold_by_week)

    @property
    def lost_units(self) -> int:
        return sum(entry.lost for entry in self.ledger)

    @property
    def excess_units(self) -> int:
        return sum(entry.excess for entry in self.ledger)

    @property
    def stockout_store_weeks(self) -> int:
        return sum(1 for entry in self.ledger if entry.stockout)

    @property
    def shipped_from_dc(self) -> int:
        return self.setup.dc_units - self.dc_on_hand

    def lifted_base(self) -> tuple[ForecastWeek, ...]:
        """The pre-season curve with every decided markdown's lift: what the level scales."""
        weeks = self.setup.base_weeks
        for from_week, lift in self.lifts:
            weeks = apply_lift(weeks, from_week=from_week, lift=lift)
        return weeks


@dataclass(frozen=True)
class WeekOutcome:
    """What one week did; `state` is the season after it."""

    state: SeasonState
    week_number: int
    plan_of_record: float
    units_sold: int
    lost_units: int
    stockouts: int
    flags: tuple[str, ...]  # sales beyond recorded stock, by store
    variance: VarianceCheck
    revision: bool
    revision_reason: str
    arrivals: tuple[ShipmentLine, ...]
    superseded: tuple[ShipmentLine, ...]  # last week's proposal, not approved in time
    markdown: MarkdownRecommendation | None  # at the checkpoint
    markdown_decided: MarkdownFact | None
    proposal: ReplenishmentPlan | None
    report: SeasonReport | None = None
    store_weeks: tuple[StoreWeek, ...] = field(default=())
    rationed: bool = False  # the week's shipments were rationed: the DC kept stock back

    @property
    def stockouts_beside_dc_stock(self) -> int:
        """Store stockouts while the DC still held stock it had not rationed."""
        return 0 if self.rationed or not self.state.dc_on_hand else self.stockouts

    @property
    def markdown_pending(self) -> bool:
        return self.markdown is not None and self.markdown_decided is None


def season_start(setup: SeasonSetup) -> SeasonState:
    """The season before week 1: the initial allocation arrives with week 1."""
    return SeasonState(
        setup=setup,
        week=0,
        plan=setup.base_weeks,
        lifts=(),
        observations=(),
        level=None,
        plans_of_record=(),
        sold_by_week=(),
        on_hand={store: 0 for store in setup.shares},
        dc_on_hand=setup.dc_units,
        received_by_stores=0,
        proposal=None,
        revision_weeks=(),
        markdowns=(),
        ledger=(),
    )


def _arrivals(
    state: SeasonState, week: WeekInput, policy: SeasonPolicy
) -> tuple[tuple[ShipmentLine, ...], tuple[ShipmentLine, ...]]:
    """(arriving, superseded): the approved shipments, and the proposal lines nobody approved."""
    proposal = state.proposal
    proposed = (*proposal.lines, *proposal.transfers) if proposal else ()
    if week.arrivals is not None:
        arriving = tuple(line for line in week.arrivals if line.units)
    elif policy.auto_approve_replenishment:
        arriving = tuple(line for line in proposed if line.units)
    else:
        arriving = ()
    superseded = () if arriving else tuple(line for line in proposed if line.units)
    from_dc = sum(line.units for line in arriving if line.from_store is None)
    if from_dc > state.dc_on_hand:
        raise ValueError(
            f"week {week.week_number}: {from_dc:,} units approved from the DC, which holds "
            f"{state.dc_on_hand:,}"
        )
    return arriving, superseded


def _evidence(
    entries: Sequence[StoreWeek], planned: float, shares: Mapping[str, float]
) -> tuple[float, bool]:
    """The week's demand evidence: a store that sold out counts as at least its planned
    demand (its sales were capped by stock, not by customers); the week is a lower bound
    when such stores held most of the planned demand."""
    evidence = 0.0
    censored_share = 0.0
    for entry in entries:
        expected = planned * shares[entry.store_id]
        if entry.stockout:
            evidence += max(entry.sold, expected)
            censored_share += shares[entry.store_id]
        else:
            evidence += entry.sold
    return evidence, censored_share > CENSORED_SHARE_LOWER_BOUND


def _dc_allowance(remaining: Sequence[float], period: int, dc_units: int, store_units: int) -> int:
    """The units the DC gives the stores this period: all it holds while the chain (DC and
    stores) holds at least what the rest of the season is expected to sell, a unit then
    being worth as much on a shelf as at the DC; when the chain is short, the DC's stock
    spread over the remaining weeks in proportion to the plan, so the weeks still to come
    keep their part of it for the stores whose demand shows up."""
    rest = math.fsum(remaining)
    if dc_units + store_units >= rest or rest <= 0:
        return dc_units
    return min(dc_units, math.ceil(dc_units * math.fsum(remaining[:period]) / rest))


def store_deviations(
    entries: Sequence[StoreWeek], planned: float, shares: Mapping[str, float]
) -> tuple[float, int]:
    """One week's evidence of how far a store's week lands from its share of the plan,
    beyond the chain's own miss that week: the sum of squared log deviations of the stores
    that did not sell out (a sold-out store's demand is unknown), and how many."""
    pairs = [
        (entry.sold, planned * shares.get(entry.store_id, 0.0))
        for entry in entries
        if not entry.stockout and planned * shares.get(entry.store_id, 0.0) > 0
    ]
    sold = sum(s for s, _ in pairs)
    if sold <= 0:
        return 0.0, 0
    ratio = math.log(sold / math.fsum(e for _, e in pairs))
    squares = math.fsum((math.log((s + 0.5) / (e + 0.5)) - ratio) ** 2 for s, e in pairs)
    return squares, len(pairs)


def week_shares(
    entries: Sequence[StoreWeek], planned: float, shares: Mapping[str, float]
) -> dict[str, float]:
    """Each store's share of the week's demand evidence: its sales, or at least its planned
    share of the week where it sold out (its demand is then unknown but not smaller)."""
    evidence = {
        e.store_id: max(e.sold, planned * shares.get(e.store_id, 0.0)) if e.stockout else e.sold
        for e in entries
    }
    total = math.fsum(evidence.values())
    return {store: units / total for store, units in evidence.items()} if total > 0 else {}


def learned_shares(
    shares: Mapping[str, float], share_sums: Mapping[str, float], weeks: int
) -> dict[str, float]:
    """The stores' shares as the season has shown them: the planned share worth
    `SHARE_PRIOR_WEEKS` weeks, each observed week's share one week, normalised. A store
    that keeps selling above its planned share is then stocked for what it sells, not for
    what the plan gave it."""
    blended = {
        s: (SHARE_PRIOR_WEEKS * share + share_sums.get(s, 0.0)) / (SHARE_PRIOR_WEEKS + weeks)
        for s, share in shares.items()
    }
    total = math.fsum(blended.values())
    return {s: value / total for s, value in blended.items()} if total > 0 else dict(shares)


def _store_expectations(
    shares: Mapping[str, float], demand: float, entries: Sequence[StoreWeek], period: int
) -> dict[str, float]:
    """Each store's expected demand over the coming period: its share of the plan, and at
    least what it sold this week in every week of the period when it sold out (its demand
    was more than that; a share learned from censored weeks only catches up slowly)."""
    expected = {store: share * demand for store, share in shares.items()}
    for entry in entries:
        if entry.stockout and entry.store_id in expected:
            expected[entry.store_id] = max(expected[entry.store_id], entry.sold * period)
    return expected


def store_spread(squares: float, count: int) -> float:
    """The root mean square of the store weeks' deviations so far (log scale);
    `DEFAULT_STORE_SPREAD` until there are `MIN_STORE_WEEKS` of them."""
    if count < MIN_STORE_WEEKS:
        return DEFAULT_STORE_SPREAD
    return math.sqrt(squares / count)


@dataclass(frozen=True)
class Received:
    """Step 1 of a week: what arrived at the stores and the ledger of every store."""

    arriving: tuple[ShipmentLine, ...]
    superseded: tuple[ShipmentLine, ...]  # last week's proposal lines nobody approved
    rationed: bool  # the arrivals were rationed: the DC kept stock back
    entries: tuple[StoreWeek, ...]
    sold: int
    dc_shipped: int
    received_by_stores: int  # the season's receipts at the stores so far


def receive(state: SeasonState, week: WeekInput, policy: SeasonPolicy) -> Received:
    """Receipts (the initial allocation in week 1, approved shipments and transfers), then each
    store's ledger of opening stock, receipts and sales (or demand served from stock)."""
    number = week.week_number
    setup = state.setup
    arriving, superseded = _arrivals(state, week, policy)
    rationed = bool(arriving) and state.proposal is not None and state.proposal.rationed
    received = {
        store: setup.initial_units.get(store, 0) if number == 1 else 0 for store in setup.shares
    }
    for line in arriving:
        received[line.store_id] += line.units
        if line.from_store is not None:
            received[line.from_store] -= line.units
    entries = tuple(
        store_week(
            store_id=store,
            week_number=number,
            opening=state.on_hand[store],
            received=received[store],
            sales=None if week.sales is None else int(week.sales.get(store, 0)),
            demand=None if week.demand is None else int(week.demand.get(store, 0)),
        )
        for store in state.stores
    )
    dc_shipped = sum(line.units for line in arriving if line.from_store is None)
    # Transfers move units between stores; only the initial drop and the DC add to them.
    initial = sum(setup.initial_units.values()) if number == 1 else 0
    return Received(
        arriving=arriving,
        superseded=superseded,
        rationed=rationed,
        entries=entries,
        sold=sum(entry.sold for entry in entries),
        dc_shipped=dc_shipped,
        received_by_stores=state.received_by_stores + initial + dc_shipped,
    )


@dataclass(frozen=True)
class Graded:
    """Step 2: the week against its plan of record, and whether the plan's shape is revised."""

    plan_of_record: float
    plans_of_record: tuple[float, ...]
    sold_by_week: tuple[int, ...]
    check: VarianceCheck
    revision: bool
    revision_reason: str


def grade(state: SeasonState, week: WeekInput, sold: int, policy: SeasonPolicy) -> Graded:
    """The week's and the cumulative variance against the plans of record; a revision when the
    variance rule calls for one or a person asked for it."""
    plan_of_record = state.plan[week.week_number - 1].units
    plans_of_record = (*state.plans_of_record, plan_of_record)
    sold_by_week = (*state.sold_by_week, sold)
    last_revision = state.revision_weeks[-1] if state.revision_weeks else 0
    check = check_variance(
        plan=plans_of_record,
        actuals=sold_by_week,
        plan_first_week=last_revision + 1,
        horizon_weeks=policy.horizon_weeks,
        threshold=policy.variance_threshold,
    )
    return Graded(
        plan_of_record=plan_of_record,
        plans_of_record=plans_of_record,
        sold_by_week=sold_by_week,
        check=check,
        revision=check.reforecast or bool(week.revision_reason),
        revision_reason=(
            f"re-forecast asked for: {week.revision_reason}"
            if week.revision_reason
            else check.reason
        ),
    )


@dataclass(frozen=True)
class Levelled:
    """Step 3: the demand level after the week and the plan it gives."""

    observations: tuple[LevelObservation, ...]
    level: LevelEstimate
    plan: tuple[ForecastWeek, ...]


def level_week(
    state: SeasonState, entries: Sequence[StoreWeek], sold_by_week: Sequence[int]
) -> Levelled:
    """The week's evidence (a sold-out store counts at least its planned share) joins the
    observations; the level is estimated again and the plan in force follows it."""
    setup = state.setup
    number = len(sold_by_week)
    base = state.lifted_base()
    evidence, lower_bound = _evidence(entries, base[number - 1].units, setup.shares)
    observations = (
        *state.observations,
        observation(evidence, base[number - 1].units, lower_bound=lower_bound),
    )
    level = estimate_level(
        observations,
        prior_sd=setup.prior_sd,
        noise_sd=setup.noise_sd,
        breaks=tuple(start - 1 for start, _ in state.lifts),
    )
    return Levelled(
        observations=observations,
        level=level,
        plan=level_curve(plan_weeks=base, actuals=sold_by_week, level=level),
    )


@dataclass(frozen=True)
class Checkpoint:
    """Step 4: the markdown recommended at the checkpoint, its decision if made, and the plan
    with the decided markdown's lift."""

    recommendation: MarkdownRecommendation | None
    decided: MarkdownFact | None
    markdowns: tuple[MarkdownFact, ...]
    lifts: tuple[tuple[int, float], ...]
    plan: tuple[ForecastWeek, ...]


def markdown_checkpoint(
    state: SeasonState,
    week: WeekInput,
    policy: SeasonPolicy,
    received: Received,
    levelled: Levelled,
) -> Checkpoint:
    """At the checkpoint week, below the sell-through target: the seed's rule, then the priced
    options (with economics); decided by a person (`week.markdown`), by the policy, or at once
    when no markdown is needed. Any other week passes the plan through."""
    number = week.week_number
    horizon = policy.horizon_weeks
    plan = levelled.plan
    unchanged = Checkpoint(None, None, state.markdowns, state.lifts, plan)
    if number != policy.markdown_checkpoint_week or policy.markdown_threshold is None:
        return unchanged
    recommendation = recommend_markdown(
        sell_through=sell_through(state.units_sold + received.sold, received.received_by_stores),
        target=policy.markdown_threshold,
        elasticity=policy.elasticity,
        cap=policy.markdown_cap,
        lift_per_point=policy.lift_per_point,
    )
    # A decision is asked for when the seed's rule calls for a markdown; its options are
    # then priced, and the recommendation may be any of them (no markdown included).
    needed = recommendation.markdown_pct > 0
    economics = policy.economics
    if needed and economics is not None and number < horizon:
        recommendation = with_options(
            recommendation,
            PricingInputs(
                stock=sum(e.closing for e in received.entries)
                + state.dc_on_hand
                - received.dc_shipped,
                remaining_units=math.fsum(w.units for w in plan[number:]),
                level_sd=levelled.level.posterior_sd,
                price=economics.price,
                unit_cost=economics.unit_cost,
                salvage_value=economics.salvage_value,
                lift_per_point=policy.lift_per_point,
            ),
        )
    decided = None
    if week.markdown is not None:
        decided = week.markdown
    elif policy.auto_approve_markdown or not needed:
        decided = MarkdownFact(
            number,
            recommendation.markdown_pct,
            recommendation.expected_lift,
            recommendation.elasticity,
        )
    if decided is None:
        return Checkpoint(recommendation, None, state.markdowns, state.lifts, plan)
    lifts = state.lifts
    if decided.markdown_pct > 0 and number < horizon:
        lifts = (*lifts, (number + 1, decided.expected_lift))
        plan = apply_lift(plan, from_week=number + 1, lift=decided.expected_lift)
    return Checkpoint(recommendation, decided, (*state.markdowns, decided), lifts, plan)


@dataclass(frozen=True)
class StoreEvidence:
    """What the season's weeks so far say about the stores: how far a store's week lands from
    its share of the plan (squared log deviations and their count) and the shares they sold."""

    deviation_ss: float
    deviations: int
    share_sums: Mapping[str, float]
    weeks_shared: int


def store_evidence(
    state: SeasonState, entries: Sequence[StoreWeek], plan_of_record: float
) -> StoreEvidence:
    """The season's store evidence with this week's."""
    shares = state.setup.shares
    squares, count = store_deviations(entries, plan_of_record, shares)
    this_week = week_shares(entries, plan_of_record, shares)
    return StoreEvidence(
        deviation_ss=state.store_deviation_ss + squares,
        deviations=state.store_deviations + count,
        share_sums={
            store: state.store_share_sums.get(store, 0.0) + this_week.get(store, 0.0)
            for store in shares
        },
        weeks_shared=state.store_share_weeks + (1 if this_week else 0),
    )


def propose(
    *,
    state: SeasonState,
    policy: SeasonPolicy,
    week_number: int,
    entries: Sequence[StoreWeek],
    plan: Sequence[ForecastWeek],
    level: LevelEstimate,
    stores: StoreEvidence,
    dc_on_hand: int,
) -> ReplenishmentPlan | None:
    """Step 5: the replenishment for the next cadence period, order-up-to each store's
    quantile of demand until the shipment after it while the chain has enough, rationed over
    the weeks left when it does not; None off the cadence or with an empty DC."""
    horizon = policy.horizon_weeks
    following = week_number + 1
    if following not in cadence_weeks(policy.strategy, horizon) or dc_on_hand <= 0:
        return None
    on_hand = {entry.store_id: entry.closing for entry in entries}
    period = period_weeks(policy.strategy, following, horizon)
    demand = math.fsum(w.units for w in plan[following - 1 : following - 1 + period])
    expected = _store_expectations(
        learned_shares(state.setup.shares, stores.share_sums, stores.weeks_shared),
        demand,
        entries,
        period,
    )
    spread = math.hypot(level.posterior_sd, store_spread(stores.deviation_ss, stores.deviations))
    allowance = _dc_allowance(
        [w.units for w in plan[following - 1 :]], period, dc_on_hand, sum(on_hand.values())
    )
    targets, service_level = rationed_targets(
        expected,
        on_hand,
        units=allowance,
        service_level=policy.store_service_level,
        spread=spread,
    )
    requested = (
        order_up_to(expected, service_level=policy.store_service_level, spread=spread)
        if service_level < policy.store_service_level
        else None
    )
    return plan_replenishment(
        week_number=following,
        period=period,
        expected_demand=expected,
        on_hand=on_hand,
        dc_available=dc_on_hand,
        safety_stock_pct=policy.safety_stock_pct,
        targets=targets,
        allow_transfers=policy.allow_transfers,
        requested=requested,
    )


def run_week(state: SeasonState, week: WeekInput, policy: SeasonPolicy) -> WeekOutcome:
    """Week `state.week + 1` of the season: receive, grade, level, the markdown checkpoint,
    propose; the season report after the last week."""
    number = state.week + 1
    horizon = policy.horizon_weeks
    if week.week_number != number:
        raise ValueError(f"the season is at week {state.week}: week {number} comes next")
    if number > horizon:
        raise ValueError(f"the season has {horizon} weeks")
    reported = week.sales if week.sales is not None else week.demand or {}
    unknown = sorted(set(reported) - set(state.setup.shares))
    if unknown:
        raise ValueError(f"week {number}: stores {', '.join(unknown[:5])} are not in the order")

    received = receive(state, week, policy)
    graded = grade(state, week, received.sold, policy)
    levelled = level_week(state, received.entries, graded.sold_by_week)
    checkpoint = markdown_checkpoint(state, week, policy, received, levelled)
    stores = store_evidence(state, received.entries, graded.plan_of_record)
    dc_on_hand = state.dc_on_hand - received.dc_shipped
    proposal = propose(
        state=state,
        policy=policy,
        week_number=number,
        entries=received.entries,
        plan=checkpoint.plan,
        level=levelled.level,
        stores=stores,
        dc_on_hand=dc_on_hand,
    )
    entries = received.entries
    after = SeasonState(
        setup=state.setup,
        week=number,
        plan=checkpoint.plan,
        lifts=checkpoint.lifts,
        observations=levelled.observations,
        level=levelled.level,
        plans_of_record=graded.plans_of_record,
        sold_by_week=graded.sold_by_week,
        on_hand={entry.store_id: entry.closing for entry in entries},
        dc_on_hand=dc_on_hand,
        received_by_stores=received.received_by_stores,
        proposal=proposal,
        revision_weeks=(
            (*state.revision_weeks, number) if graded.revision else state.revision_weeks
        ),
        markdowns=checkpoint.markdowns,
        ledger=(*state.ledger, *entries),
        demand_known=state.demand_known and week.demand is not None,
        store_deviation_ss=stores.deviation_ss,
        store_deviations=stores.deviations,
        store_share_sums=stores.share_sums,
        store_share_weeks=stores.weeks_shared,
        dc_by_week=(*state.dc_by_week, dc_on_hand),
        rationed_weeks=(
            (*state.rationed_weeks, number) if received.rationed else state.rationed_weeks
        ),
    )
    return WeekOutcome(
        state=after,
        week_number=number,
        plan_of_record=graded.plan_of_record,
        units_sold=received.sold,
        lost_units=sum(entry.lost for entry in entries),
        stockouts=sum(1 for entry in entries if entry.stockout),
        flags=tuple(entry.flag for entry in entries if entry.excess),
        variance=graded.check,
        revision=graded.revision,
        revision_reason=graded.revision_reason,
        arrivals=received.arriving,
        superseded=received.superseded,
        markdown=checkpoint.recommendation,
        markdown_decided=checkpoint.decided,
        proposal=proposal,
        report=season_report_of(after, policy) if number == horizon else None,
        store_weeks=entries,
        rationed=received.rationed,
    )


def stockout_causes(state: SeasonState) -> StockoutCauses:
    """The season's sold-out store-weeks by cause: beside DC stock that was not rationed, or
    with the DC empty or rationing; lost units as served demand says, else estimated as the
    store's planned share of the week beyond what it sold."""
    shares = state.setup.shares
    starved = [0, 0]
    chain_out = [0, 0]
    for entry in state.ledger:
        if not entry.stockout:
            continue
        week = entry.week_number
        if state.demand_known:
            lost = entry.lost
        else:
            planned = state.plans_of_record[week - 1] * shares.get(entry.store_id, 0.0)
            lost = max(0, round(planned) - entry.sold)
        beside = state.dc_by_week[week - 1] > 0 and week not in state.rationed_weeks
        tally = starved if beside else chain_out
        tally[0] += 1
        tally[1] += lost
    return StockoutCauses(
        starved_store_weeks=starved[0],
        starved_units=starved[1],
        chain_out_store_weeks=chain_out[0],
        chain_out_units=chain_out[1],
        estimated=not state.demand_known,
    )


def season_report_of(state: SeasonState, policy: SeasonPolicy) -> SeasonReport:
    """The season report from the state after the last week."""
    setup = state.setup
    weeks = state.week
    economics = policy.economics
    return season_report(
        actual=state.sold_by_week,
        original_plan=[w.units for w in setup.base_weeks[:weeks]],
        in_season_plan=state.plans_of_record,
        units_received_by_stores=state.received_by_stores,
        manufactured=setup.manufactured,
        stockout_store_weeks=state.stockout_store_weeks,
        store_weeks=len(setup.shares) * weeks,
        leftover_store_units=sum(state.on_hand.values()),
        leftover_dc_units=state.dc_on_hand,
        dc_holdback_units=setup.dc_units,
        reforecast_weeks=state.revision_weeks,
        markdowns=[(m.week_number, m.markdown_pct) for m in state.markdowns if m.markdown_pct],
        lost_units=state.lost_units if state.demand_known else None,
        excess_units=state.excess_units,
        causes=stockout_causes(state),
        unit_margin=None if economics is None else economics.price - economics.unit_cost,
        leftover_loss=None if economics is None else economics.unit_cost - economics.salvage_value,
        money=None if economics is None else money_of(state, economics),
    )


def money_of(state: SeasonState, economics: Economics) -> SeasonMoney:
    """Revenue, margin and markdown cost of the weeks so far; the stock held, at cost."""
    return season_money(
        sold_by_week=state.sold_by_week,
        markdowns=[(m.week_number, m.markdown_pct) for m in state.markdowns],
        economics=economics,
        store_units=sum(state.on_hand.values()),
        dc_units=state.dc_on_hand,
    )


def run_weeks(
    state: SeasonState, weeks: Sequence[WeekInput], policy: SeasonPolicy
) -> list[WeekOutcome]:
    """`run_week` over consecutive weeks from `state`."""
    outcomes = []
    for week in weeks:
        outcome = run_week(state, week, policy)
        outcomes.append(outcome)
        state = outcome.state
    return outcomes


def demand_at_prices(
    lifts: Sequence[tuple[int, float]], week_number: int, demand: Mapping[str, int]
) -> dict[str, int]:
    """Full-price demand of a week as the season's decided markdowns make it: scaled by the
    expected lift of each markdown in force (the assumption the plan makes)."""
    factor = lift_factor(lifts, week_number)
    if factor == 1.0:
        return dict(demand)
    return {store: round(units * factor) for store, units in demand.items()}


def lift_factor(lifts: Sequence[tuple[int, float]], week_number: int) -> float:
    """How much the decided markdowns in force in `week_number` raise its demand."""
    return math.prod(1 + lift for start, lift in lifts if week_number >= start)


def demand_week(
    state: SeasonState,
    number: int,
    full_price: Mapping[str, int],
    *,
    lift_response: float,
    arrivals: tuple[ShipmentLine, ...] | None = None,
) -> WeekInput:
    """Week `number` served from stock against full-price demand, which the season's decided
    markdowns raise by `lift_response` times their expected lift."""
    lifts = tuple((start, lift * lift_response) for start, lift in state.lifts)
    return WeekInput(number, demand=demand_at_prices(lifts, number, full_price), arrivals=arrivals)


def replay_demand(
    setup: SeasonSetup,
    policy: SeasonPolicy,
    demand: Mapping[str, Sequence[int]],
    *,
    lift_response: float = 1.0,
    weeks: int | None = None,
) -> list[WeekOutcome]:
    """The season served from stock against scenario demand (store -> units per week).

    The files hold full-price demand; demand after a decided markdown is scaled by
    `lift_response` times its expected lift: 1 as the plan assumes, 0 when customers do not
    react, 2 when they react twice as much. `weeks` stops early (default: the season).
    """
    state = season_start(setup)
    outcomes = []
    for number in range(1, (weeks or policy.horizon_weeks) + 1):
        full_price = {s: units[number - 1] for s, units in demand.items()}
        week = demand_week(state, number, full_price, lift_response=lift_response)
        outcome = run_week(state, week, policy)
        outcomes.append(outcome)
        state = outcome.state
    return outcomes


def auto_approved(policy: SeasonPolicy) -> SeasonPolicy:
    """The policy with every proposal approved as made: what a replay assumes."""
    return replace(policy, auto_approve_replenishment=True, auto_approve_markdown=True)
