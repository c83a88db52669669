"""The category reference points at shared.Category: the state only, the column does not change."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('forecasting', '0003_ensemble_with_autoarima'),
        ('shared', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='forecast',
                    name='category',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='forecasts', to='shared.category'),
                ),
            ],
        ),
    ]
