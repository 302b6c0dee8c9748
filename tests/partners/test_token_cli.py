"""The console's token commands: `create-token --expires-in/--label` and `revoke-token`, run as
an operator would against a seeded file of the test's own; both audited."""

from __future__ import annotations

import re
import sqlite3

import pytest
from click.testing import CliRunner

from app.cli import main
from app.globalid import to_global_id
from app.services.partners.tokens import hash_token
from tests.cli_databases import run

TOKEN = re.compile(r"pc_[A-Za-z0-9_-]{43}")


def _row(path, raw: str) -> tuple:
    with sqlite3.connect(path) as connection:
        found = connection.execute(
            "SELECT id, label, expires_at, revoked_at FROM api_tokens WHERE token_hash = ?",
            (hash_token(raw),),
        ).fetchone()
    connection.close()
    return found


def _audited(path, action: str, object_id: int) -> int:
    with sqlite3.connect(path) as connection:
        (count,) = connection.execute(
            "SELECT count(*) FROM audit_events WHERE action = ? AND object_id = ?",
            (action, object_id),
        ).fetchone()
    connection.close()
    return count


def _refused(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 2, result.output
    return result.output


def test_create_with_expiry_and_label_then_revoke_by_token(seeded_cli_database):
    # given a token that expires in 30 days
    raw = run(
        "create-token",
        "--partner-id",
        "1",
        "--role",
        "VIEWER",
        "--label",
        "bi",
        "--expires-in",
        "30",
    ).strip()
    assert TOKEN.fullmatch(raw)
    token_id, label, expires_at, revoked_at = _row(seeded_cli_database.path, raw)
    assert label == "bi" and expires_at is not None and revoked_at is None
    assert _audited(seeded_cli_database.path, "api_token.create", token_id) == 1

    # when it is revoked by the token itself
    output = run("revoke-token", "--token", raw)

    # then
    assert output.strip() == f"revoked token {token_id}"
    assert _row(seeded_cli_database.path, raw)[3] is not None
    assert _audited(seeded_cli_database.path, "api_token.revoke", token_id) == 1
    assert "already revoked" in _refused("revoke-token", "--token", raw)


@pytest.mark.parametrize("as_global_id", [True, False])
def test_revoke_by_id(seeded_cli_database, as_global_id):
    raw = run("create-token", "--platform").strip()
    token_id = _row(seeded_cli_database.path, raw)[0]
    given = to_global_id("ApiToken", token_id) if as_global_id else str(token_id)

    run("revoke-token", "--id", given)

    assert _row(seeded_cli_database.path, raw)[3] is not None


@pytest.mark.parametrize(
    "args, message",
    [
        ([], "exactly one"),
        (["--id", "1", "--token", "pc_x"], "exactly one"),
        (["--id", "999999"], "No such token"),
        (["--token", "pc_" + "n" * 43], "No such token"),
        (["--id", to_global_id("Customer", 1)], "not a token id"),
        (["--id", "garbage!"], "not a token id"),
    ],
)
def test_revoke_refuses_bad_arguments(seeded_cli_database, args, message):
    assert message in _refused("revoke-token", *args)


@pytest.mark.parametrize("days", ["0", "-1", "367"])
def test_create_refuses_an_expiry_out_of_bounds(migrated_cli_database, days):
    output = _refused("create-token", "--platform", "--expires-in", days)

    assert "--expires-in" in output
