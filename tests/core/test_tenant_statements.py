"""The analyzer behind the PostgreSQL suite's tenant-statement hook: which tenant tables a
statement reaches without naming their partner (tests/core/tenant_statements.py)."""

from __future__ import annotations

import pytest

from tests.core.tenant_statements import UNPARSED, unpinned

TENANT = frozenset({"orders", "order_lines", "customers", "customer_accounts"})

# (sql, the tenant tables left unpinned)
CASES: list[tuple[str, tuple[str, ...]]] = [
    # plain SELECT, with asyncpg and pyformat binds and literals
    ("SELECT orders.id FROM orders WHERE orders.partner_id = $1", ()),
    ("SELECT orders.id FROM orders WHERE orders.partner_id = %(partner_id_1)s", ()),
    ("SELECT orders.id FROM orders WHERE orders.partner_id = 7", ()),
    ("SELECT orders.id FROM orders WHERE orders.partner_id = $1::INTEGER", ()),
    ("SELECT orders.id FROM orders WHERE orders.id = $1", ("orders",)),
    ("SELECT orders.id FROM orders", ("orders",)),
    ("SELECT orders.id FROM orders WHERE orders.partner_id > $1", ("orders",)),
    ("SELECT orders.id FROM orders WHERE orders.partner_id IS NOT NULL", ("orders",)),
    ("SELECT orders.id FROM orders WHERE orders.partner_id != $1", ("orders",)),
    ("SELECT partners.id FROM partners", ()),  # not a tenant table
    # unqualified columns resolve in a scope of one table
    ("SELECT id FROM orders WHERE partner_id = $1", ()),
    # aliases
    ("SELECT o.id FROM orders AS o WHERE o.partner_id = $1", ()),
    ("SELECT o.id FROM orders AS o WHERE orders.partner_id = $1", ("orders",)),
    ("SELECT o.id FROM orders AS o, orders AS p WHERE o.partner_id = $1", ("orders",)),
    # IN: binds, literals, a subquery; NOT IN pins nothing
    ("SELECT orders.id FROM orders WHERE orders.partner_id IN ($1, $2)", ()),
    ("SELECT orders.id FROM orders WHERE orders.partner_id IN (1, 2)", ()),
    ("SELECT orders.id FROM orders WHERE orders.partner_id NOT IN ($1)", ("orders",)),
    ("SELECT orders.id FROM orders WHERE orders.partner_id = ANY($1)", ()),
    (
        "SELECT orders.id FROM orders WHERE orders.partner_id IN "
        "(SELECT customers.partner_id FROM customers WHERE customers.partner_id = $1)",
        (),
    ),
    (  # the subquery is checked in its own right
        "SELECT orders.id FROM orders WHERE orders.partner_id IN "
        "(SELECT customers.partner_id FROM customers WHERE customers.cloud_account_id = $1)",
        ("customers",),
    ),
    # row values
    ("SELECT orders.id FROM orders WHERE (orders.partner_id, orders.id) IN (($1, $2))", ()),
    ("SELECT orders.id FROM orders WHERE (orders.status, orders.id) IN (($1, $2))", ("orders",)),
    # AND at the top level, OR only when every branch pins
    ("SELECT orders.id FROM orders WHERE orders.id = $2 AND orders.partner_id = $1", ()),
    ("SELECT orders.id FROM orders WHERE (orders.id = $2 AND (orders.partner_id = $1))", ()),
    ("SELECT orders.id FROM orders WHERE orders.partner_id = $1 OR orders.id = $2", ("orders",)),
    (
        "SELECT orders.id FROM orders WHERE "
        "(orders.partner_id = $1 AND orders.id = $2) OR (orders.partner_id = $3)",
        (),
    ),
    ("SELECT orders.id FROM orders WHERE NOT (orders.partner_id = $1)", ("orders",)),
    # JOINs: pinned by a bind or by equality with a pinned table, in ON or WHERE
    (
        "SELECT o.id FROM orders AS o JOIN order_lines AS l ON l.order_id = o.id "
        "AND l.partner_id = o.partner_id WHERE o.partner_id = $1",
        (),
    ),
    (
        "SELECT o.id FROM orders AS o JOIN order_lines AS l ON l.order_id = o.id "
        "WHERE o.partner_id = $1",
        ("order_lines",),
    ),
    (
        "SELECT o.id FROM orders AS o LEFT OUTER JOIN order_lines AS l ON l.order_id = o.id "
        "WHERE o.partner_id = $1 AND l.partner_id = o.partner_id",
        (),
    ),
    (  # transitively: lines = orders = customers = $1
        "SELECT o.id FROM orders AS o JOIN order_lines AS l ON l.partner_id = o.partner_id "
        "JOIN customers AS c ON c.partner_id = o.partner_id WHERE c.partner_id = $1",
        (),
    ),
    (  # equal to each other but neither named: both unpinned
        "SELECT o.id FROM orders AS o JOIN order_lines AS l ON l.partner_id = o.partner_id",
        ("orders", "order_lines"),
    ),
    (  # a join to a reference table pins nothing
        "SELECT o.id FROM orders AS o JOIN partners ON partners.id = o.partner_id",
        ("orders",),
    ),
    # subqueries: correlated to a pinned outer table, or pinned themselves
    (
        "SELECT orders.id FROM orders WHERE orders.partner_id = $1 AND EXISTS "
        "(SELECT 1 FROM order_lines WHERE order_lines.partner_id = orders.partner_id)",
        (),
    ),
    (
        "SELECT orders.id FROM orders WHERE orders.partner_id = $1 AND EXISTS "
        "(SELECT 1 FROM order_lines WHERE order_lines.order_id = orders.id)",
        ("order_lines",),
    ),
    (  # two levels down, correlated to the outermost scope
        "SELECT orders.id FROM orders WHERE orders.partner_id = $1 AND EXISTS "
        "(SELECT 1 FROM order_lines WHERE order_lines.partner_id = orders.partner_id AND "
        "EXISTS (SELECT 1 FROM customers WHERE customers.partner_id = orders.partner_id))",
        (),
    ),
    (  # a scalar subquery in the select list
        "SELECT orders.id, (SELECT count(*) FROM order_lines WHERE order_lines.order_id = "
        "orders.id) AS n FROM orders WHERE orders.partner_id = $1",
        ("order_lines",),
    ),
    (  # an unpinned outer table does not pin a correlated inner one
        "SELECT orders.id FROM orders WHERE EXISTS (SELECT 1 FROM order_lines WHERE "
        "order_lines.partner_id = orders.partner_id)",
        ("orders", "order_lines"),
    ),
    # derived tables and CTEs
    ("SELECT a.id FROM (SELECT orders.id FROM orders WHERE orders.partner_id = $1) AS a", ()),
    ("SELECT a.id FROM (SELECT orders.id FROM orders) AS a", ("orders",)),
    (
        "WITH c AS (SELECT customers.id, customers.partner_id FROM customers "
        "WHERE customers.partner_id = $1) SELECT o.id FROM c JOIN orders AS o "
        "ON o.partner_id = c.partner_id",
        (),
    ),
    (
        "WITH c AS (SELECT customers.id, customers.partner_id FROM customers) "
        "SELECT o.id FROM c JOIN orders AS o ON o.partner_id = c.partner_id",
        ("customers", "orders"),
    ),
    ("WITH c AS (SELECT 1 AS x) SELECT orders.id FROM orders, c", ("orders",)),
    # set operations: each side on its own
    (
        "SELECT orders.id FROM orders WHERE orders.partner_id = $1 UNION ALL "
        "SELECT customers.id FROM customers",
        ("customers",),
    ),
    # UPDATE: the target, UPDATE ... FROM, subqueries in SET
    ("UPDATE orders SET status = $1 WHERE orders.partner_id = $2 AND orders.id = $3", ()),
    ("UPDATE orders SET status = $1 WHERE orders.id = $2", ("orders",)),
    ("UPDATE orders SET status = $1", ("orders",)),
    (
        "UPDATE orders SET status = $1 FROM customers WHERE orders.partner_id = $2 "
        "AND customers.partner_id = orders.partner_id AND customers.id = orders.customer_id",
        (),
    ),
    (
        "UPDATE orders SET status = $1 FROM customers WHERE orders.partner_id = $2 "
        "AND customers.id = orders.customer_id",
        ("customers",),
    ),
    (
        "UPDATE orders SET total = (SELECT sum(order_lines.amount) FROM order_lines WHERE "
        "order_lines.partner_id = orders.partner_id) WHERE orders.partner_id = $1",
        (),
    ),
    (
        "UPDATE orders SET total = (SELECT sum(order_lines.amount) FROM order_lines WHERE "
        "order_lines.order_id = orders.id) WHERE orders.partner_id = $1",
        ("order_lines",),
    ),
    # DELETE, DELETE ... USING
    ("DELETE FROM orders WHERE orders.partner_id = $1 AND orders.id = $2", ()),
    ("DELETE FROM orders WHERE orders.id = $1", ("orders",)),
    (
        "DELETE FROM order_lines USING orders WHERE order_lines.partner_id = $1 "
        "AND orders.partner_id = order_lines.partner_id",
        (),
    ),
    ("DELETE FROM order_lines USING orders WHERE order_lines.partner_id = $1", ("orders",)),
    (
        "DELETE FROM orders WHERE orders.partner_id = $1 AND orders.id IN "
        "(SELECT order_lines.order_id FROM order_lines)",
        ("order_lines",),
    ),
    # INSERT: partner_id among the columns; INSERT ... SELECT checks the SELECT
    ("INSERT INTO orders (partner_id, status) VALUES ($1, $2) RETURNING orders.id", ()),
    ("INSERT INTO orders (partner_id, status) VALUES ($1, $2), ($3, $4)", ()),
    ("INSERT INTO orders (status) VALUES ($1)", ("orders",)),
    ("INSERT INTO partners (name) VALUES ($1)", ()),
    (
        "INSERT INTO orders (partner_id, status) SELECT customers.partner_id, $1 "
        "FROM customers WHERE customers.partner_id = $2",
        (),
    ),
    (
        "INSERT INTO orders (partner_id, status) SELECT customers.partner_id, $1 FROM customers",
        ("customers",),
    ),
    (
        "INSERT INTO order_lines (partner_id, order_id) VALUES ($1, "
        "(SELECT orders.id FROM orders WHERE orders.number = $2))",
        ("orders",),
    ),
    # ON CONFLICT: the conflicting row is the inserted one
    (
        "INSERT INTO customer_accounts (partner_id, customer_id, balance) VALUES ($1, $2, $3) "
        "ON CONFLICT (partner_id, customer_id) DO UPDATE SET balance = "
        "customer_accounts.balance + excluded.balance",
        (),
    ),
    (
        "INSERT INTO customer_accounts (customer_id, balance) VALUES ($1, $2) "
        "ON CONFLICT (customer_id) DO NOTHING",
        ("customer_accounts",),
    ),
    # FOR UPDATE, ORDER BY, LIMIT change nothing
    (
        "SELECT orders.id FROM orders WHERE orders.partner_id = $1 ORDER BY orders.id "
        "LIMIT $2 FOR UPDATE SKIP LOCKED",
        (),
    ),
    ("SELECT orders.id FROM orders ORDER BY orders.id LIMIT $1 FOR UPDATE", ("orders",)),
    # a condition never true reaches no partner's rows
    ("SELECT orders.id FROM orders WHERE false", ()),
    ("SELECT orders.id FROM orders WHERE orders.id IN (NULL) AND (1 != 1)", ()),
    ("SELECT orders.id FROM orders WHERE orders.id = $1 OR false", ("orders",)),
    ("SELECT orders.id FROM orders WHERE 1 != 2", ("orders",)),
    # statements that reach no table
    ("SAVEPOINT sa_savepoint_1", ()),
    ("RELEASE SAVEPOINT sa_savepoint_1", ()),
    ("select pg_catalog.version()", ()),
    ("SELECT $1::VARCHAR", ()),
]


@pytest.mark.parametrize(("sql", "expected"), CASES, ids=[c[0][:60] for c in CASES])
def test_unpinned_tables(sql: str, expected: tuple[str, ...]) -> None:
    assert unpinned(sql, TENANT) == expected


def test_a_statement_it_cannot_parse_is_reported_not_passed() -> None:
    assert unpinned("SELECT orders.id FROM orders WHERE ((", TENANT) == (UNPARSED,)


def test_results_are_cached_by_text() -> None:
    sql = "SELECT orders.id FROM orders WHERE orders.partner_id = $1 AND orders.id = 42"
    unpinned(sql, TENANT)
    hits = unpinned.cache_info().hits
    unpinned(sql, TENANT)
    assert unpinned.cache_info().hits == hits + 1


def test_the_tenant_tables_are_the_ones_given() -> None:
    sql = "SELECT orders.id FROM orders"
    assert unpinned(sql, frozenset({"orders"})) == ("orders",)
    assert unpinned(sql, frozenset({"customers"})) == ()
