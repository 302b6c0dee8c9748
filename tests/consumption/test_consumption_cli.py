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


def _rows(path, cycle):
    with sqlite3.connect(path) as connection:
        return (
            connection.execute(
                "SELECT count(*) FROM consumption_details WHERE bill_cycle = ?", (cycle,)
            ).fetchone()[0],
            connection.execute(
                "SELECT count(*) FROM usage_records WHERE detail_id IN "
                "(SELECT id FROM consumption_details WHERE bill_cycle = ?)",
                (cycle,),
            ).fetchone()[0],
            connection.execute(
                "SELECT bill_cycle, sum(lines), sum(amount_due) FROM consumption_rollups "
                "GROUP BY bill_cycle ORDER BY bill_cycle"
            ).fetchall(),
        )


def test_purge_dry_run_then_purge_in_batches(seeded_cli_database, frozen_clock):
    # given the demo's closed cycle, 18 months after it ended
    from app import clock
    from app.services.consumption.calendar import cycle_end

    with sqlite3.connect(seeded_cli_database.path) as connection:
        [closed] = [r[0] for r in connection.execute("SELECT cycle FROM bill_cycles")]
        later = connection.execute(
            "SELECT min(bill_cycle) FROM consumption_details WHERE bill_cycle > ?", (closed,)
        ).fetchone()[0]
    frozen_clock.set(clock.add_months(cycle_end(closed), 18))
    details, records, rollups = _rows(seeded_cli_database.path, closed)
    assert details and records and later

    # when the dry run counts
    dry = run("consumption", "purge", "--dry-run")

    # then it says what would go and nothing went
    assert f"would purge {closed}: {details} details, {records} usage records" in dry
    assert _rows(seeded_cli_database.path, closed) == (details, records, rollups)

    # when purged in batches of 50
    purged = run("consumption", "purge", "--batch-size", "50")

    # then the cycle's details and records are gone, the rollups (and later cycles) stay
    assert f"purged {closed}: {details} details, {records} usage records" in purged
    assert _rows(seeded_cli_database.path, closed) == (0, 0, rollups)
    assert _rows(seeded_cli_database.path, later)[0] > 0
    assert run("consumption", "purge", "--dry-run").strip() == "nothing to purge"
    with sqlite3.connect(seeded_cli_database.path) as connection:
        events = connection.execute(
            "SELECT count(*), sum(json_extract(after, '$.rows')) FROM audit_events "
            "WHERE action = 'consumption.purge'"
        ).fetchone()
    assert events[0] >= (details + records) // 50 and events[1] == details + records
