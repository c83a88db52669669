"""A category's economics: the checks that they hold together and the defaults."""

import pytest

from shared.economics import Economics, economics_with_defaults


def test_economics_refuse_a_price_not_above_cost_or_salvage_above_cost() -> None:
    with pytest.raises(ValueError, match=r"price 5\.00 must be above the unit cost 5\.00"):
        Economics(price=5.0, unit_cost=5.0, salvage_value=0.0)
    with pytest.raises(ValueError, match=r"salvage value 6\.00 must be below the unit cost 5\.00"):
        Economics(price=10.0, unit_cost=5.0, salvage_value=6.0)


def test_defaults_are_money_in_cents_rounded_half_up() -> None:
    # 0.3 x 24.75 = 7.425: every page, the command and the API show 7.43, and it is what the
    # simulator uses.
    economics = economics_with_defaults(
        price=None,
        unit_cost=None,
        salvage_value=None,
        shipment_cost=0.0,
        history_revenue=1_000_000.0,
        history_units=18_181.0,
        default_price=50.0,
        cost_share=0.45,
        salvage_share=0.3,
    )

    assert economics.price == 55.0  # 1,000,000 / 18,181 = 55.0025...
    assert (economics.unit_cost, economics.salvage_value) == (24.75, 7.43)
