"""seed-demo places orders in every state through the services; the ledger still verifies."""

from __future__ import annotations

import sqlite3

from tests.test_cli import cli_database, run  # noqa: F401 (fixture)


def test_demo_orders(cli_database, tmp_path):  # noqa: F811
    run("migrate")
    assert "created demo orders" in run("seed-demo")
    assert "created demo orders" not in run("seed-demo")
    assert "ledger verified" in run("funds", "verify")
    with sqlite3.connect(tmp_path / "cli.db") as connection:
        rows = connection.execute(
            "SELECT kind, status, source, partner_payment_status, refund_amount FROM orders"
        ).fetchall()
        provisioned = connection.execute(
            "SELECT count(*) FROM resources WHERE order_id IS NOT NULL"
        ).fetchone()[0]
        refunds = connection.execute("SELECT count(*) FROM order_refunds").fetchone()[0]
    statuses = {status for _, status, *_ in rows}
    assert {"COMPLETED", "PENDING_PAYMENT", "CANCELLED"} <= statuses
    assert {kind for kind, *_ in rows} == {"NEW", "RENEW", "CHANGE_SPEC", "UNSUBSCRIBE"}
    assert any(r[2] == "CUSTOMER" and r[3] == "REQUESTED" for r in rows)
    assert provisioned > 0 and refunds > 0
