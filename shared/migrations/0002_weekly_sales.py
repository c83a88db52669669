"""Weekly store x category totals, kept by the history import; on PostgreSQL a table
partitioned by category (hash, 16 partitions). Filled from the history already held."""

import django.db.models.deletion
from django.db import migrations, models

PARTITIONS = 16

# The Monday of a row's date, per engine.
MONDAY = {
    "postgresql": "(date - (EXTRACT(ISODOW FROM date)::int - 1))",
    "sqlite": "date(date, '-' || ((CAST(strftime('%w', date) AS INTEGER) + 6) % 7) || ' days')",
}


class CreatePartitionedOnPostgres(migrations.CreateModel):
    """CreateModel, but on PostgreSQL the table is partitioned by hash of category_id."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        model = to_state.apps.get_model(app_label, self.name)
        table = model._meta.db_table
        schema_editor.execute(
            f"""CREATE TABLE {table} (
                category_id varchar(80) NOT NULL,
                store_id varchar(20) NOT NULL,
                week_start date NOT NULL,
                units integer NOT NULL CHECK (units >= 0),
                revenue numeric(14, 2) NULL,
                days smallint NOT NULL CHECK (days >= 0),
                PRIMARY KEY (category_id, store_id, week_start)
            ) PARTITION BY HASH (category_id)"""
        )
        for part in range(PARTITIONS):
            schema_editor.execute(
                f"CREATE TABLE {table}_p{part} PARTITION OF {table} "
                f"FOR VALUES WITH (MODULUS {PARTITIONS}, REMAINDER {part})"
            )
        for index in model._meta.indexes:
            schema_editor.execute(index.create_sql(model, schema_editor))


def weekly_sales_fill(apps, schema_editor):
    monday = MONDAY[schema_editor.connection.vendor]
    schema_editor.execute(
        "INSERT INTO shared_weeklysale (category_id, store_id, week_start, units, revenue, days) "
        f"SELECT category_id, store_id, {monday}, SUM(quantity_sold), SUM(revenue), COUNT(*) "
        f"FROM planner_historicalsale GROUP BY category_id, store_id, {monday}"
    )


class Migration(migrations.Migration):

    dependencies = [
        ('shared', '0001_initial'),
        # The tables of stores and categories were made by planner's first migration.
        ('planner', '0009_master_data_to_shared_app'),
    ]

    operations = [
        CreatePartitionedOnPostgres(
            name='WeeklySale',
            fields=[
                ('pk', models.CompositePrimaryKey('category', 'store', 'week_start', blank=True, editable=False, primary_key=True, serialize=False)),
                ('week_start', models.DateField(help_text="The week's Monday.")),
                ('units', models.PositiveIntegerField()),
                ('revenue', models.DecimalField(blank=True, decimal_places=2, help_text="The sum of the week's known revenue; empty when no row had any.", max_digits=14, null=True)),
                ('days', models.PositiveSmallIntegerField(help_text='Dated rows summed: up to 7 for daily history, 1 for a weekly row.')),
                ('category', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='shared.category')),
                ('store', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='shared.store')),
            ],
            options={
                'ordering': ['category', 'week_start', 'store'],
                'indexes': [models.Index(fields=['category', 'week_start'], name='weekly_category_week')],
            },
        ),
        migrations.RunPython(weekly_sales_fill, migrations.RunPython.noop),
    ]
