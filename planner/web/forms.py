from decimal import Decimal

from django import forms

from allocation.engine.allocation import SAFETY_STOCK_RANGE
from markdowns.engine.markdown import ELASTICITY_RANGE, MAX_MARKDOWN_PCT
from planner.choices import ReplenishmentStrategy
from planner.season.parameters import SeasonParametersSerializer
from season_agents.extraction.categories import categories_named
from season_agents.extraction.types import MAX_INPUT_CHARS, MIN_INPUT_CHARS, STRATEGIES
from shared.models import Category


class DescribeSeasonForm(forms.Form):
    category = forms.ModelChoiceField(
        queryset=Category.objects.order_by("name"),
        required=False,
        empty_label="The one named in the text",
    )
    description = forms.CharField(
        min_length=MIN_INPUT_CHARS,
        max_length=MAX_INPUT_CHARS,
        widget=forms.Textarea(
            attrs={"rows": 4, "maxlength": MAX_INPUT_CHARS, "data-counter": "description-count"}
        ),
        help_text="For example: 12-week spring season starting March 1st, weekly replenishment, "
        "45% DC holdback, markdown at week 6 below 60% sell-through.",
    )
    named_in_text = False

    def clean(self) -> dict:
        """Without a category chosen, the one the description names (a question when it
        names two or none)."""
        data = super().clean() or {}
        if data.get("category") or not data.get("description"):
            return data
        categories = list(Category.objects.order_by("name"))
        named = categories_named(data["description"], [c.name for c in categories])
        if len(named) == 1:
            data["category"] = next(c for c in categories if c.name == named[0])
            self.named_in_text = True
        elif named:
            self.add_error(
                "category",
                f"The text names {', '.join(named[:-1])} and {named[-1]}: which one is it?",
            )
        else:
            self.add_error(
                "category",
                "Which category? The text names none of "
                f"{', '.join(c.name for c in categories) or 'the loaded categories'}.",
            )
        return data


class ParametersForm(forms.Form):
    """The extracted parameters, editable before the workflow starts. Percentages in %."""

    category = forms.ModelChoiceField(queryset=Category.objects.all(), widget=forms.HiddenInput)
    extraction_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    forecast_horizon_weeks = forms.IntegerField(min_value=4, max_value=52, label="Season weeks")
    season_start_date = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}), label="Season start"
    )
    replenishment_strategy = forms.ChoiceField(
        choices=[(s, s) for s in STRATEGIES], label="Replenishment"
    )
    dc_holdback_percent = forms.FloatField(min_value=0, max_value=100, label="DC holdback (%)")
    markdown_checkpoint_week = forms.IntegerField(
        min_value=1, max_value=52, required=False, label="Markdown checkpoint week"
    )
    markdown_threshold_percent = forms.FloatField(
        min_value=0, max_value=100, required=False, label="Sell-through target (%)"
    )

    # A season parameter -> this form's field that shows it (errors, defaulted fields).
    FIELDS = {
        "forecast_horizon_weeks": "forecast_horizon_weeks",
        "season_start_date": "season_start_date",
        "replenishment_strategy": "replenishment_strategy",
        "dc_holdback_percentage": "dc_holdback_percent",
        "markdown_checkpoint_week": "markdown_checkpoint_week",
        "markdown_threshold": "markdown_threshold_percent",
    }

    def clean(self) -> dict:
        """The same check as the API's (`SeasonParametersSerializer`), on the form's values
        turned from percentages into fractions; `cleaned_data["parameters"]` holds its answer."""
        data = super().clean() or {}
        if self.errors:
            return data
        threshold = data.get("markdown_threshold_percent")
        check = SeasonParametersSerializer(
            data={
                "forecast_horizon_weeks": data["forecast_horizon_weeks"],
                "season_start_date": data["season_start_date"],
                "replenishment_strategy": data["replenishment_strategy"],
                "dc_holdback_percentage": data["dc_holdback_percent"] / 100,
                "markdown_checkpoint_week": data.get("markdown_checkpoint_week"),
                "markdown_threshold": None if threshold is None else threshold / 100,
                "extraction_confidence": "high",
                "extraction_reasoning": "confirmed in the browser",
            }
        )
        if not check.is_valid():
            for field, problems in check.errors.items():
                for problem in problems:
                    self.add_error(self.FIELDS.get(field), str(problem))
            return data
        data["parameters"] = check.validated_data
        return data


class ManufacturingForm(forms.Form):
    low, high = SAFETY_STOCK_RANGE
    safety_stock_percent = forms.FloatField(
        min_value=low * 100, max_value=high * 100, required=False, label="Safety stock (%)"
    )
    dc_holdback_percent = forms.FloatField(
        min_value=0, max_value=100, required=False, label="DC holdback (%)"
    )
    replenishment_strategy = forms.ChoiceField(
        choices=ReplenishmentStrategy.choices, required=False, label="Replenishment"
    )
    # Empty: no markdown this season (only offered when the season has a checkpoint week).
    markdown_threshold_percent = forms.FloatField(
        min_value=0, max_value=100, required=False, label="Markdown below sell-through (%)"
    )
    action = forms.ChoiceField(choices=[("accept", "accept"), ("modify", "modify")])


class EconomicsForm(forms.Form):
    """A category's economics per unit; empty: the default (history revenue / units and the
    PLANNING_* shares)."""

    price = forms.DecimalField(
        min_value=Decimal("0.01"), max_digits=10, decimal_places=2, required=False
    )
    unit_cost = forms.DecimalField(
        min_value=Decimal("0"), max_digits=10, decimal_places=2, required=False
    )
    salvage_value = forms.DecimalField(
        min_value=Decimal("0"), max_digits=10, decimal_places=2, required=False
    )
    shipment_cost = forms.DecimalField(
        min_value=Decimal("0"), max_digits=10, decimal_places=2, required=False
    )


class MarkdownForm(forms.Form):
    """The checkpoint's decision: an option picked (`option`, a fraction) or a depth typed in
    percent (`markdown_percent`, which wins), declined, or the seed's rule at another
    elasticity."""

    elasticity = forms.FloatField(
        min_value=ELASTICITY_RANGE[0], max_value=ELASTICITY_RANGE[1], required=False
    )
    action = forms.ChoiceField(
        choices=[("accept", "accept"), ("modify", "modify"), ("decline", "decline")]
    )
    option = forms.FloatField(min_value=0, max_value=MAX_MARKDOWN_PCT, required=False)
    markdown_percent = forms.FloatField(
        min_value=0, max_value=100 * MAX_MARKDOWN_PCT, required=False
    )

    def markdown_pct(self) -> float | None:
        """The depth chosen, as a fraction; None: the recommendation."""
        typed = self.cleaned_data.get("markdown_percent")
        if typed is not None:
            return typed / 100
        return self.cleaned_data.get("option")


class WeeklyUploadForm(forms.Form):
    week_number = forms.IntegerField(min_value=1, max_value=52)
    file = forms.FileField(
        help_text="store_id,week_number,units_sold or date,store_id,quantity_sold"
    )
    replace = forms.BooleanField(required=False, label="Replace this week if uploaded")


class DataUploadForm(forms.Form):
    kind = forms.ChoiceField(choices=[("stores", "Store attributes"), ("history", "Sales history")])
    file = forms.FileField()
