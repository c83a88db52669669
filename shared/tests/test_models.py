"""The checks the shared models make on their own values."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from shared.models import Category

pytestmark = pytest.mark.django_db


def test_a_category_refuses_a_cost_above_the_price_or_salvage_above_cost() -> None:
    category = Category(slug="x", name="X", price=Decimal("10"), unit_cost=Decimal("12"))
    with pytest.raises(ValidationError, match="unit cost must be below the price"):
        category.full_clean()
    category = Category(slug="x", name="X", unit_cost=Decimal("5"), salvage_value=Decimal("5"))
    with pytest.raises(ValidationError, match="salvage value must be below the cost"):
        category.full_clean()
