"""The backup and restore of README.md, tried: scripts/backup.sh dumps the database and the
uploaded files, scripts/restore.sh puts them into a new database and folder, and every table
has as many rows as before, every file the same bytes."""

import os
import subprocess
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from tests.feedback.factories import PhotoFactory
from tests.study.factories import ActivityFactory, RegistrationFactory, StudyEntryFactory

from ..factories import NoticeFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent.parent


def url_of(name: str) -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def row_counts(database_url: str) -> dict[str, int]:
    with psycopg.connect(database_url, autocommit=True) as db:
        tables = [
            row[0]
            for row in db.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        return {
            table: db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608
            for table in tables
        }


def files_under(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def run(script: str, *args: str, database_url: str, media_root: Path) -> str:
    environment = os.environ | {"DATABASE_URL": database_url, "MEDIA_ROOT": str(media_root)}
    result = subprocess.run(
        [str(ROOT / "scripts" / script), *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout.strip().splitlines()[-1]


@pytest.fixture
def restored_database(transactional_db):
    name = f"{connection.settings_dict['NAME']}_restored"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield url_of(name)
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restores_into_a_new_database_with_every_row_and_file(
    restored_database, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    entry = StudyEntryFactory(approved=True)
    RegistrationFactory(activity=ActivityFactory(), person=entry.person)
    PhotoFactory.create_batch(2, suggestion__author=UserFactory())
    NoticeFactory(recipient=entry.person)
    source = url_of(connection.settings_dict["NAME"])
    before = row_counts(source)
    assert before["members_user"] >= 3 and before["feedback_photo"] == 2

    backup = run(
        "backup.sh", str(tmp_path / "backups"), database_url=source, media_root=tmp_path / "media"
    )
    assert (Path(backup) / "database.dump").stat().st_size > 0
    run("restore.sh", backup, database_url=restored_database, media_root=tmp_path / "restored")

    assert row_counts(restored_database) == before
    originals = files_under(tmp_path / "media")
    assert len(originals) == 2
    assert files_under(tmp_path / "restored") == originals
