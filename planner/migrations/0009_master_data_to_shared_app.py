"""Store, Category and HistoricalSale leave planner's state for the shared app's; no table
changes. Their content types follow them, so admin history and any permissions keep pointing
at the same rows."""

import django.db.models.deletion
from django.db import migrations, models


MOVED = ("store", "category", "historicalsale")


def _relabel(apps, old: str, new: str) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    taken = set(content_type.objects.filter(app_label=new, model__in=MOVED).values_list("model", flat=True))
    content_type.objects.filter(app_label=old, model__in=set(MOVED) - taken).update(app_label=new)


def content_types_move(apps, schema_editor):
    _relabel(apps, "planner", "shared")


def content_types_back(apps, schema_editor):
    _relabel(apps, "shared", "planner")


class Migration(migrations.Migration):

    dependencies = [
        ('allocation', '0005_stores_in_shared_app'),
        ('forecasting', '0004_categories_in_shared_app'),
        ('planner', '0008_category_economics'),
        ('shared', '0001_initial'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='workflow',
                    name='category',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='workflows', to='shared.category'),
                ),
                migrations.RemoveField(
                    model_name='historicalsale',
                    name='category',
                ),
                migrations.RemoveField(
                    model_name='historicalsale',
                    name='store',
                ),
                migrations.AlterField(
                    model_name='weeklyactual',
                    name='store',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='weekly_actuals', to='shared.store'),
                ),
                migrations.DeleteModel(
                    name='Category',
                ),
                migrations.DeleteModel(
                    name='HistoricalSale',
                ),
                migrations.DeleteModel(
                    name='Store',
                ),
            ],
        ),
        migrations.RunPython(content_types_move, content_types_back),
    ]
