"""The console entry point, run as a user would, against its own SQLite file."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from app.cli import main
from app.settings import get_settings

TOKEN = re.compile(r"\bpc_[A-Za-z0-9_-]{43}\b")


@pytest.fixture
def cli_database(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_migrate_seed_and_tokens(cli_database):
    run("migrate")

    first = run("seed-demo")
    second = run("seed-demo")

    assert "created demo partner" in first
    assert "created demo partner" not in second
    assert "revoked 12 earlier demo tokens" in second
    assert len(TOKEN.findall(first)) == len(TOKEN.findall(second)) == 12
    assert not set(TOKEN.findall(first)) & set(TOKEN.findall(second))


def test_create_token_variants(cli_database):
    run("migrate")
    run("seed-demo")

    for args in (
        ["--partner-id", "1", "--role", "FINANCE"],
        ["--partner-id", "2", "--role", "ADMIN"],
        ["--customer-id", "1"],
        ["--platform"],
    ):
        assert TOKEN.fullmatch(run("create-token", *args).strip())


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--partner-id", "1"],
        ["--partner-id", "999", "--role", "ADMIN"],
        ["--customer-id", "999"],
        ["--platform", "--partner-id", "1", "--role", "ADMIN"],
    ],
)
def test_create_token_refuses_bad_combinations(cli_database, args):
    run("migrate")

    result = CliRunner().invoke(main, ["create-token", *args])

    assert result.exit_code == 2
    assert "Error" in result.output


def test_export_schema_prints_the_sdl():
    output = run("export-schema")

    assert "type Query" in output
    assert "interface Node" in output


def test_jobs_run_due(cli_database):
    run("migrate")

    output = run("jobs", "run-due")

    assert "resources.expire:" in output


def test_funds_verify_passes_on_demo_data_and_catches_tampering(cli_database, tmp_path):
    import sqlite3

    run("migrate")
    run("seed-demo")

    assert "ledger verified" in run("funds", "verify")

    with sqlite3.connect(tmp_path / "cli.db") as connection:
        connection.execute("UPDATE customer_accounts SET balance = balance + 1 WHERE rowid = 1")
    result = CliRunner().invoke(main, ["funds", "verify"])
    assert result.exit_code == 1
    assert "balance" in result.output
