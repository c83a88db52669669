"""The stores, categories and sales history, moved from planner: the state only. Their tables
(planner_store, planner_category, planner_historicalsale) stay as they are, with their rows."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Category',
                    fields=[
                        ('slug', models.SlugField(max_length=80, primary_key=True, serialize=False)),
                        ('name', models.CharField(max_length=120, unique=True)),
                        ('history_row_count', models.PositiveIntegerField(default=0, help_text='Rows of historical sales held for this category.')),
                        ('price', models.DecimalField(blank=True, decimal_places=2, help_text='Selling price per unit. Empty: history revenue / units, else PLANNING_DEFAULT_PRICE.', max_digits=10, null=True)),
                        ('unit_cost', models.DecimalField(blank=True, decimal_places=2, help_text='Cost of goods per unit. Empty: PLANNING_COST_SHARE of the price.', max_digits=10, null=True)),
                        ('salvage_value', models.DecimalField(blank=True, decimal_places=2, help_text="What a unit left over at the season's end fetches. Empty: PLANNING_SALVAGE_SHARE of the cost.", max_digits=10, null=True)),
                        ('shipment_cost', models.DecimalField(decimal_places=2, default=0, help_text='Cost of one shipment to a store.', max_digits=10)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                    ],
                    options={
                        'verbose_name_plural': 'categories',
                        'db_table': 'planner_category',
                        'ordering': ['name'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('price__isnull', True), ('price__gt', 0), _connector='OR'), name='category_price_positive'), models.CheckConstraint(condition=models.Q(('unit_cost__isnull', True), ('unit_cost__gte', 0), _connector='OR'), name='category_unit_cost_not_negative'), models.CheckConstraint(condition=models.Q(('salvage_value__isnull', True), ('salvage_value__gte', 0), _connector='OR'), name='category_salvage_not_negative'), models.CheckConstraint(condition=models.Q(('shipment_cost__gte', 0)), name='category_shipment_cost_not_negative')],
                    },
                ),
                migrations.CreateModel(
                    name='Store',
                    fields=[
                        ('id', models.CharField(help_text='For example S001.', max_length=20, primary_key=True, serialize=False)),
                        ('name', models.CharField(max_length=120)),
                        ('size_sqft', models.PositiveIntegerField(blank=True, null=True)),
                        ('median_income', models.PositiveIntegerField(blank=True, help_text='USD a year.', null=True)),
                        ('location_tier', models.CharField(blank=True, choices=[('A', 'A'), ('B', 'B'), ('C', 'C')], max_length=1)),
                        ('fashion_tier', models.CharField(blank=True, choices=[('Premium', 'Premium'), ('Mainstream', 'Mainstream'), ('Value', 'Value')], max_length=10)),
                        ('store_format', models.CharField(blank=True, default='', max_length=40)),
                        ('region', models.CharField(blank=True, default='', max_length=60)),
                        ('avg_weekly_sales_12mo', models.DecimalField(blank=True, decimal_places=2, help_text='USD a week.', max_digits=12, null=True)),
                        ('foot_traffic', models.PositiveIntegerField(blank=True, help_text='Visitors a week.', null=True)),
                        ('competitor_density', models.FloatField(blank=True, help_text='Competing stores within 5 km.', null=True)),
                        ('online_penetration', models.FloatField(blank=True, help_text="Share of the area's apparel bought online (0-1).", null=True)),
                        ('population_density', models.PositiveIntegerField(blank=True, help_text='People per square km.', null=True)),
                        ('mall_location', models.BooleanField(blank=True, null=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                    ],
                    options={
                        'db_table': 'planner_store',
                        'ordering': ['id'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('location_tier__in', ['A', 'B', 'C', ''])), name='store_location_tier_valid'), models.CheckConstraint(condition=models.Q(('fashion_tier__in', ['Premium', 'Mainstream', 'Value', ''])), name='store_fashion_tier_valid'), models.CheckConstraint(condition=models.Q(models.Q(('online_penetration__gte', 0), ('online_penetration__lte', 1)), ('online_penetration__isnull', True), _connector='OR'), name='store_online_penetration_fraction'), models.CheckConstraint(condition=models.Q(('competitor_density__gte', 0), ('competitor_density__isnull', True), _connector='OR'), name='store_competitor_density_non_negative'), models.CheckConstraint(condition=models.Q(('avg_weekly_sales_12mo__gte', 0), ('avg_weekly_sales_12mo__isnull', True), _connector='OR'), name='store_avg_weekly_sales_non_negative')],
                    },
                ),
                migrations.CreateModel(
                    name='HistoricalSale',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('date', models.DateField()),
                        ('quantity_sold', models.PositiveIntegerField()),
                        ('revenue', models.DecimalField(blank=True, decimal_places=2, help_text='Empty when the history file held units only.', max_digits=12, null=True)),
                        ('category', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='historical_sales', to='shared.category')),
                        ('store', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='historical_sales', to='shared.store')),
                    ],
                    options={
                        'db_table': 'planner_historicalsale',
                        'ordering': ['category', 'date', 'store'],
                        'indexes': [models.Index(fields=['category', 'date'], name='hist_category_date'), models.Index(fields=['store', 'category'], name='hist_store_category')],
                        'constraints': [models.UniqueConstraint(fields=('date', 'store', 'category'), name='historical_sale_unique_day'), models.CheckConstraint(condition=models.Q(('revenue__gte', 0)), name='historical_sale_revenue_non_negative')],
                    },
                ),
            ],
        ),
    ]
