"""The store references point at shared.Store: the state only, the columns do not change."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('allocation', '0004_shipment_proposed_units'),
        ('shared', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='shipment',
                    name='from_store',
                    field=models.ForeignKey(blank=True, help_text='Source store of a transfer; empty when units come from the DC.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='shared.store'),
                ),
                migrations.AlterField(
                    model_name='shipment',
                    name='store',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='shared.store'),
                ),
                migrations.AlterField(
                    model_name='storeallocation',
                    name='store',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='shared.store'),
                ),
                migrations.AlterField(
                    model_name='storecluster',
                    name='stores',
                    field=models.ManyToManyField(related_name='clusters', to='shared.store'),
                ),
            ],
        ),
    ]
