"""Numbers for people: fractions shown as percentages."""

from django import template

from shared.numbers import round_half_up

register = template.Library()


@register.filter
def percent(value: float | None, digits: int = 1) -> str:
    """0.4523 -> '45.2 %' (half up); None -> 'n/a'."""
    if value is None:
        return "n/a"
    rounded = round_half_up(100 * float(value), 10.0 ** -int(digits)) + 0.0  # no "-0.0"
    return f"{rounded:,.{int(digits)}f} %"


@register.filter
def signed_percent(value: float | None, digits: int = 1) -> str:
    """-0.217 -> '-21.7 %', 0.05 -> '+5.0 %'."""
    if value is None:
        return "n/a"
    text = percent(value, digits)
    if text.startswith("-") or float(text.rstrip(" %").replace(",", "")) == 0:
        return text
    return f"+{text}"


@register.filter
def words(value: object) -> str:
    """An internal name in words: 'value_conscious' -> 'value conscious'."""
    return str(value).replace("_", " ")


@register.filter
def money(value: float | None) -> str:
    """12345.6 -> '12,346' (whole currency units, half up); None -> 'n/a'."""
    if value is None:
        return "n/a"
    return f"{round_half_up(float(value), 1.0) + 0.0:,.0f}"
