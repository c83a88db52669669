"""Members by name: the ensemble's weights and each week's member units become mappings, so
members can be added or dropped without a column each. Stored Prophet/ARIMA values
are carried over; the weighting note gets room for every member's backtest error."""

from django.db import migrations, models

FORMER = ("prophet", "arima")


def carry_over(apps, schema_editor):
    Forecast = apps.get_model("forecasting", "Forecast")
    ForecastWeek = apps.get_model("forecasting", "ForecastWeek")
    for forecast in Forecast.objects.all().iterator():
        forecast.weights = {
            name: getattr(forecast, f"{name}_weight") for name in FORMER if getattr(forecast, f"{name}_weight")
        }
        forecast.save(update_fields=["weights"])
    for week in ForecastWeek.objects.all().iterator():
        week.members = {
            name: getattr(week, f"{name}_units")
            for name in FORMER
            if getattr(week, f"{name}_units") is not None
        }
        week.save(update_fields=["members"])


class Migration(migrations.Migration):
    dependencies = [
        ("forecasting", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="forecast",
            name="weights",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text='Ensemble weight of each member, summing to 1 (e.g. {"arima": 0.33, ...}).',
            ),
        ),
        migrations.AddField(
            model_name="forecastweek",
            name="members",
            field=models.JSONField(
                blank=True, default=dict, help_text="Each member's units for this week."
            ),
        ),
        migrations.RunPython(carry_over, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="forecast",
            name="weighting_note",
            field=models.CharField(
                blank=True,
                help_text="Why these weights (e.g. equal: short history).",
                max_length=400,
            ),
        ),
        migrations.AlterField(
            model_name="forecast",
            name="method",
            field=models.CharField(
                choices=[
                    ("ensemble", "Ensemble of ARIMA, MSTL and last year x trend"),
                    ("bayesian_update", "Bayesian level update of a previous forecast"),
                    ("markdown_lift", "Previous forecast with the approved markdown's lift"),
                ],
                max_length=20,
            ),
        ),
        migrations.RemoveConstraint(model_name="forecast", name="forecast_weights_fractions"),
        migrations.RemoveField(model_name="forecast", name="arima_weight"),
        migrations.RemoveField(model_name="forecast", name="prophet_weight"),
        migrations.RemoveField(model_name="forecastweek", name="arima_units"),
        migrations.RemoveField(model_name="forecastweek", name="prophet_units"),
    ]
