"""SQLite files for the console tests: migrated (and seeded) once per session, copied per test.

Migrating a fresh file and running `seed-demo` took most of each CLI test's time. A session
builds two templates through the console itself — `migrate`, then `seed-demo` on a copy — and
each test gets its own copy (`shutil.copy`), so tests stay isolated from each other and still
run the commands they are about against a file of their own. The seeded template keeps what its
`seed-demo` printed (`seed_output`), so a test about seeding twice takes the template's run as
the first and seeds its copy once more. A test that needs a database without even the schema
asks for `empty_cli_database`.

The console tests always use SQLite files (the commands are run as an operator would, against
a file of their own), whatever `TEST_DATABASE_URL` says.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from app.cli import main
from app.settings import get_settings


def run(*args: str) -> str:
    """Run a console command as a user would; it must succeed."""
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def _url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def _close_journal(path: Path) -> None:
    """Fold the WAL into the main file so that a plain file copy holds every row."""
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA journal_mode=DELETE")
    connection.close()


@dataclass(frozen=True)
class Templates:
    migrated: Path
    seeded: Path
    seed_output: str  # what the template's one `seed-demo` printed


@pytest.fixture(scope="session")
def cli_templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    folder = tmp_path_factory.mktemp("cli-templates")
    migrated, seeded = folder / "migrated.db", folder / "seeded.db"
    settings = get_settings()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(settings, "database_url", _url(migrated))
        run("migrate")
        _close_journal(migrated)
        shutil.copy(migrated, seeded)
        patch.setattr(settings, "database_url", _url(seeded))
        seed_output = run("seed-demo")
        _close_journal(seeded)
    yield Templates(migrated=migrated, seeded=seeded, seed_output=seed_output)


@dataclass(frozen=True)
class CliDatabase:
    path: Path
    seed_output: str = ""  # what `seed-demo` printed when this file's data was seeded

    @property
    def url(self) -> str:
        return _url(self.path)


def _use(path: Path, monkeypatch: pytest.MonkeyPatch, seed_output: str = "") -> CliDatabase:
    """Point the process's settings at `path` for one test (the cached settings object is
    patched, not replaced, so later tests still share the session's settings)."""
    monkeypatch.setattr(get_settings(), "database_url", _url(path))
    return CliDatabase(path, seed_output)


@pytest.fixture
def empty_cli_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliDatabase:
    """A file of this test's own with nothing in it, not even the schema."""
    return _use(tmp_path / "cli.db", monkeypatch)


@pytest.fixture
def migrated_cli_database(
    cli_templates: Templates, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> CliDatabase:
    """A copy of a file on which `migrate` has run."""
    path = tmp_path / "cli.db"
    shutil.copy(cli_templates.migrated, path)
    return _use(path, monkeypatch)


@pytest.fixture
def seeded_cli_database(
    cli_templates: Templates, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> CliDatabase:
    """A copy of a file on which `migrate` and then `seed-demo` have run (what that
    `seed-demo` printed is its `seed_output`)."""
    path = tmp_path / "cli.db"
    shutil.copy(cli_templates.seeded, path)
    return _use(path, monkeypatch, cli_templates.seed_output)
