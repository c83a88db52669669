"""The weekly totals' table: on PostgreSQL partitioned by category."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="partitions are PostgreSQL's")
def test_on_postgresql_the_weekly_totals_are_partitioned_by_category() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_partkeydef('shared_weeklysale'::regclass), "
            "(SELECT count(*) FROM pg_inherits WHERE inhparent = 'shared_weeklysale'::regclass)"
        )
        key, partitions = cursor.fetchone()

    assert (key, partitions) == ("HASH (category_id)", 16)
