"""`consumption ingest | verify | close-cycle | rate-p95`, run as an operator would."""

from __future__ import annotations

import json
import sqlite3

from click.testing import CliRunner

from app.cli import main
from tests.cli_databases import run


def test_demo_consumption_verifies_and_tampering_is_caught(seeded_cli_database):
    assert "consumption verified" in run("consumption", "verify")
    assert "ledger verified" in run("funds", "verify")

    with sqlite3.connect(seeded_cli_database.path) as connection:
        connection.execute("UPDATE consumption_rollups SET amount_due = amount_due + 1")
    result = CliRunner().invoke(main, ["consumption", "verify"])
    assert result.exit_code == 1
    assert "rollup" in result.output


def test_ingest_a_file_twice_changes_nothing(seeded_cli_database, tmp_path):
    # given the demo data and a file of usage with one bad record
    with sqlite3.connect(seeded_cli_database.path) as connection:
        resource_id, service, region, unit = connection.execute(
            "SELECT r.id, r.service_type, r.region, p.unit FROM resources r "
            "JOIN products p ON p.id = r.product_id "
            "WHERE r.billing_mode = 'ON_DEMAND' AND p.unit = 'hour' ORDER BY r.id LIMIT 1"
        ).fetchone()
    lines = [
        {
            "sourceId": f"file-{h}",
            "resourceId": resource_id,
            "serviceType": service,
            "region": region,
            "startAt": f"2026-06-02T{h:02d}:00:00+08:00",
            "endAt": f"2026-06-02T{h + 1:02d}:00:00+08:00",
            "quantity": "1",
            "unit": unit,
        }
        for h in range(5)
    ]
    lines.append({"sourceId": "bad", "resourceId": resource_id, "quantity": "x"})
    path = tmp_path / "usage.ndjson"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")

    # when
    first = run("consumption", "ingest", str(path))
    again = run("consumption", "ingest", str(path))

    # then
    assert "read 6, inserted 5, duplicates 0, rejected 1" in first
    assert "read 6, inserted 0, duplicates 5, rejected 1" in again
    rejects = (tmp_path / "usage.ndjson.rejects").read_text().splitlines()
    assert json.loads(rejects[0])["sourceId"] == "bad"
    assert "consumption verified" in run("consumption", "verify")


def test_close_cycle_and_rate_p95_commands(migrated_cli_database):
    assert "0 percentile bills" in run("consumption", "rate-p95", "2026-01")
    assert "closed" in run("consumption", "close-cycle", "2026-01")
    result = CliRunner().invoke(main, ["consumption", "close-cycle", "2026-01"])
    assert result.exit_code == 1
    assert "already closed" in result.output
