"""Markdown options priced over the rest of the season. No Django imports.

At the checkpoint each option (no markdown, the seed's rule, a grid of depths) is priced on
the chain's remaining stock:

- demand D over the remaining weeks: the plan in force times (1 + lift), the lift being
  `lift_per_point` x the markdown (the price response the plan assumes), taken as gamma with
  variance m + (sd x m)^2, count noise plus the level's uncertainty (`level_sd`, log scale);
- expected units sold E[min(D, S)] with S the stock at the stores and the DC. For a gamma of
  shape k and scale t, E[D 1{D < S}] = m F(S; k + 1, t), so
  E[min(D, S)] = m F(S; k + 1, t) + S (1 - F(S; k, t)), F the gamma CDF (scipy.stats);
- revenue = units x price x (1 - markdown); leftover = S - units, sold for its salvage value;
- margin = revenue + salvage x leftover - cost x S: the gross margin the remaining stock
  earns (its cost is the same under every option, so the ranking is that of revenue plus
  salvage).

The recommended option is the one with the highest expected margin. Stock is pooled: where
the units sit is replenishment's question, not the markdown's.
"""

from __future__ import annotations

from dataclasses import dataclass

from scipy.stats import gamma

GRID = (0.10, 0.20, 0.30, 0.40, 0.50)


@dataclass(frozen=True)
class MarkdownOption:
    label: str
    markdown_pct: float
    expected_lift: float
    units: float  # expected units sold over the remaining weeks
    revenue: float
    margin: float
    leftover: float  # expected units left at the end of the season


def expected_sales(mean: float, stock: float, sd: float) -> float:
    """E[min(D, stock)] for gamma demand of `mean` and variance mean + (sd x mean)^2."""
    if mean <= 0 or stock <= 0:
        return 0.0
    variance = mean + (sd * mean) ** 2
    shape, scale = mean**2 / variance, variance / mean
    below = mean * gamma.cdf(stock, shape + 1, scale=scale)
    return float(below + stock * gamma.sf(stock, shape, scale=scale))


@dataclass(frozen=True)
class PricingInputs:
    """What the options are priced from, kept with the decision so any depth a person types
    is priced the same way."""

    stock: int  # at the stores and the DC after the checkpoint week
    remaining_units: float  # the plan in force over the remaining weeks, before any markdown
    level_sd: float  # the level's uncertainty, log scale
    price: float
    unit_cost: float
    salvage_value: float
    lift_per_point: float  # the demand lift per point of markdown

    def option(self, label: str, markdown_pct: float) -> MarkdownOption:
        """One markdown depth priced as the module docstring says."""
        if not 0 <= markdown_pct < 1:
            raise ValueError(f"a markdown is 0-99 % of the price, got {markdown_pct:.0%}")
        lift = round(self.lift_per_point * markdown_pct, 10)
        units = expected_sales(self.remaining_units * (1 + lift), self.stock, self.level_sd)
        revenue = units * self.price * (1 - markdown_pct)
        leftover = self.stock - units
        return MarkdownOption(
            label=label,
            markdown_pct=markdown_pct,
            expected_lift=lift,
            units=units,
            revenue=revenue,
            margin=revenue + self.salvage_value * leftover - self.unit_cost * self.stock,
            leftover=leftover,
        )


def price_options(
    inputs: PricingInputs, *, seed_pct: float, grid: tuple[float, ...] = GRID
) -> tuple[MarkdownOption, ...]:
    """No markdown, the seed's rule and the grid, each priced; the seed's depth is listed once
    even when the grid holds it too."""
    depths = [("no markdown", 0.0)]
    if seed_pct > 0:
        depths.append((f"the seed's rule ({seed_pct:.0%})", seed_pct))
    depths += [(f"{pct:.0%}", pct) for pct in grid if abs(pct - seed_pct) > 1e-9]
    return tuple(inputs.option(label, pct) for label, pct in depths)


def best_option(options: tuple[MarkdownOption, ...]) -> MarkdownOption:
    """The highest expected margin; on a tie, the shallower markdown."""
    return max(options, key=lambda o: (round(o.margin, 2), -o.markdown_pct))
