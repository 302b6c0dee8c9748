"""The console entry point, run as a user would, against its own SQLite file (a copy of a
migrated or seeded template built once per session through the console itself)."""

from __future__ import annotations

import re
import sqlite3

import pytest
from click.testing import CliRunner

from app.cli import main
from tests.cli_databases import run

TOKEN = re.compile(r"\bpc_[A-Za-z0-9_-]{43}\b")


def test_migrate_seed_and_tokens(seeded_cli_database):
    # `migrate` and the first `seed-demo` ran once, on the session's template, through the
    # console (tests/cli_databases.py); this file is a copy of it
    first = seeded_cli_database.seed_output
    second = run("seed-demo")

    assert "created demo partner" in first
    assert "created demo partner" not in second
    assert "revoked 12 earlier demo tokens" in second
    assert len(TOKEN.findall(first)) == len(TOKEN.findall(second)) == 12
    assert not set(TOKEN.findall(first)) & set(TOKEN.findall(second))


def test_create_token_variants(seeded_cli_database):
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
def test_create_token_refuses_bad_combinations(migrated_cli_database, args):
    result = CliRunner().invoke(main, ["create-token", *args])

    assert result.exit_code == 2
    assert "Error" in result.output


def test_export_schema_prints_the_sdl():
    output = run("export-schema")

    assert "type Query" in output
    assert "interface Node" in output


def test_jobs_run_due(migrated_cli_database):
    output = run("jobs", "run-due")

    assert "resources.expire:" in output


def test_funds_verify_passes_on_demo_data_and_catches_tampering(seeded_cli_database):
    assert "ledger verified" in run("funds", "verify")

    with sqlite3.connect(seeded_cli_database.path) as connection:
        connection.execute("UPDATE customer_accounts SET balance = balance + 1 WHERE rowid = 1")
    result = CliRunner().invoke(main, ["funds", "verify"])
    assert result.exit_code == 1
    assert "balance" in result.output
