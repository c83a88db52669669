"""The three role groups of planner.access: viewers, planners, approvers."""

from django.db import migrations

ROLES = ("viewers", "planners", "approvers")


def groups_create(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def groups_delete(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("planner", "0003_week_review_and_observed_weeks"),
    ]

    operations = [migrations.RunPython(groups_create, groups_delete)]
