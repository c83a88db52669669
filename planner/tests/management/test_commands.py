"""Operator commands: seed (idempotent), generate_sample_data, backup_db."""

import re
import sqlite3
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from planner.data.sample_data import HISTORY_FILE
from shared.models import Category, HistoricalSale, Store

pytestmark = pytest.mark.django_db(transaction=True)


def _counts() -> tuple[int, int, int]:
    return Store.objects.count(), Category.objects.count(), HistoricalSale.objects.count()


def test_seed_twice_leaves_identical_row_counts(sample_dir: Path, monkeypatch) -> None:
    monkeypatch.setattr("planner.management.commands.seed.SAMPLE_DIR", sample_dir)
    out = StringIO()

    call_command("seed", stdout=out)
    first = _counts()
    call_command("seed", stdout=out)

    assert first == (50, 3, 164_400)
    assert _counts() == first
    assert "164,400 rows: 0 created, 0 updated, 164,400 unchanged" in out.getvalue()
    assert "history: 100,000 rows read and checked" in out.getvalue()
    assert "history: 25,000 of 164,400 rows compared with the database" in out.getvalue()


def test_seed_generates_the_sample_files_when_missing(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("planner.management.commands.seed.SAMPLE_DIR", tmp_path)
    out = StringIO()

    call_command("seed", stdout=out)

    assert (tmp_path / HISTORY_FILE).exists()
    assert "Generating sample data" in out.getvalue()


def test_generate_sample_data_lists_what_it_wrote(tmp_path: Path) -> None:
    out = StringIO()

    call_command("generate_sample_data", "--output", str(tmp_path), stdout=out)

    assert f"{HISTORY_FILE}: 164,400 rows" in out.getvalue()
    assert "scenarios/accessories/normal.csv: 600 rows" in out.getvalue()


sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="backup_db copies SQLite; PostgreSQL uses pg_dump"
)


@sqlite_only
def test_backup_is_a_consistent_copy_of_the_database(tmp_path: Path) -> None:
    Store.objects.create(id="S001", name="One")
    target = tmp_path / "backup.sqlite3"

    call_command("backup_db", "--output", str(target), stdout=StringIO())

    with sqlite3.connect(target) as copy:
        rows = copy.execute("SELECT id, name FROM planner_store").fetchall()
    assert rows == [("S001", "One")]
    assert connection.vendor == "sqlite"


@sqlite_only
def test_backup_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "exists.sqlite3"
    target.write_bytes(b"")

    with pytest.raises(CommandError, match="exists; choose another --output"):
        call_command("backup_db", "--output", str(target))


@pytest.mark.skipif(connection.vendor == "sqlite", reason="the PostgreSQL answer")
def test_backup_on_postgresql_explains_pg_dump(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="For PostgreSQL run pg_dump"):
        call_command("backup_db", "--output", str(tmp_path / "copy"))


@pytest.mark.django_db
def test_set_roles_sets_exactly_the_roles_named_and_none_clears_them() -> None:
    from django.contrib.auth.models import User

    User.objects.create_user("bob", password="pw")
    out = StringIO()

    call_command("set_roles", "bob", "viewers", "approvers", stdout=out)
    assert sorted(User.objects.get(username="bob").groups.values_list("name", flat=True)) == [
        "approvers",
        "viewers",
    ]
    call_command("set_roles", "bob", stdout=out)

    assert not User.objects.get(username="bob").groups.exists()
    assert out.getvalue().splitlines()[-1] == "bob: no roles"
    with pytest.raises(CommandError, match="Unknown role 'admins'; choose from viewers, planners"):
        call_command("set_roles", "bob", "admins")


@pytest.mark.django_db
def test_the_first_login_is_printed_last_in_a_box_with_how_to_reset_it() -> None:
    out = StringIO()

    call_command("create_demo_user", "--url", "http://127.0.0.1:8123/", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0].startswith("+-") and lines[-1] == lines[0]
    box = "\n".join(lines)
    assert "Season Planner on http://127.0.0.1:8123/" in box
    assert re.search(r"password (\S+)", box)
    assert "manage.py changepassword planner" in box
    assert all(len(line) == len(lines[0]) for line in lines)
