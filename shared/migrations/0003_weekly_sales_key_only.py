"""The weekly totals keep their key's index only: the reads filter a category, which leads
the key, and the second index cost the import more than it saved the reads."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('shared', '0002_weekly_sales'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='weeklysale',
            name='weekly_category_week',
        ),
    ]
