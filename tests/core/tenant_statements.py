"""Which tenant tables a SQL statement reaches without naming their partner.

Once the database is distributed by `partner_id`, a statement on a TENANT table is routed to
one shard only when it says which partner it is about. `unpinned(sql, tenant_tables)` parses a
statement (PostgreSQL, with `$1` or `%(name)s` binds as asyncpg and SQLAlchemy emit them) and
returns the tenant tables it references without such a predicate, in the order they appear.

A reference (a table or its alias, in any SELECT scope, subquery, CTE, JOIN, UPDATE or DELETE
target, `UPDATE ... FROM`, `DELETE ... USING`) is *pinned* when a condition of its own scope
(the WHERE and every JOIN ON), AND-ed at the top level, is one of

- `ref.partner_id = <bind, literal or scalar subquery>`, `ref.partner_id = ANY(<...>)`;
- `ref.partner_id IN (<binds, literals or a subquery>)`, or a row value
  `(ref.partner_id, ...) IN (...)`;
- `ref.partner_id = other.partner_id` where `other` is pinned: in the same scope, or an outer
  scope the subquery is correlated to (transitively).

An OR pins only what every branch pins. A CTE or derived table counts as pinned (for the
equalities above) when its own body reaches no tenant table unpinned. A condition that is never
true (`WHERE false`, the `1 != 1` of an empty IN) pins every reference of its scope: the
statement reaches no partner's rows. An INSERT into a tenant table is pinned when `partner_id`
is among its columns; its SELECT or VALUES subqueries are checked like any other. What cannot
be parsed is reported as a whole (`<unparsed>`), so a statement the tool doesn't understand
fails loudly rather than passing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache

import sqlglot
from sqlglot import exp

COLUMN = "partner_id"
UNPARSED = "<unparsed>"
STATEMENTS = frozenset({"SELECT", "WITH", "INSERT", "UPDATE", "DELETE", "VALUES"})

QUERY_TYPES = exp.Select | exp.SetOperation
CONSTANTS = exp.Literal | exp.Placeholder | exp.Parameter | exp.Null | exp.Array


@dataclass(eq=False)
class Source:
    """One table reference of a scope: a tenant table, or a CTE/derived table/other table."""

    name: str  # the table (or CTE) name
    alias: str
    tenant: bool
    pinned_body: bool = False  # a CTE or derived table whose body reaches nothing unpinned


@dataclass(eq=False)
class Scope:
    sources: list[Source] = field(default_factory=list)
    parent: Scope | None = None
    pinned: frozenset[Source] = frozenset()

    def resolve(self, qualifier: str) -> Source | None:
        """The source a column's qualifier names: this scope first, then the outer ones."""
        scope: Scope | None = self
        while scope is not None:
            if not qualifier:
                # unqualified: only unambiguous in a scope of one source
                return scope.sources[0] if len(scope.sources) == 1 else None
            for source in scope.sources:
                if source.alias == qualifier:
                    return source
            scope = scope.parent
        return None


@cache
def unpinned(sql: str, tenant_tables: frozenset[str]) -> tuple[str, ...]:
    """The tenant tables `sql` references without a partner predicate (cached by text)."""
    head = sql.lstrip(" \n\t(").split(None, 1)[0].upper() if sql.strip(" \n\t(") else ""
    if head not in STATEMENTS or not any(name in sql for name in tenant_tables):
        return ()  # SAVEPOINT, BEGIN, SET, DDL...; or no tenant table named at all
    try:
        statements = sqlglot.parse(sql, read="postgres")
    except sqlglot.errors.SqlglotError:
        return (UNPARSED,)
    found: list[str] = []
    for statement in statements:
        if statement is not None:
            _Walker(tenant_tables, found).statement(statement)
    return tuple(found)


class _Walker:
    def __init__(self, tenant_tables: frozenset[str], found: list[str]) -> None:
        self.tenant_tables = tenant_tables
        self.found = found

    # --- statements -------------------------------------------------------------------------

    def statement(self, node: exp.Expression) -> None:
        if isinstance(node, QUERY_TYPES | exp.Subquery):
            self.query(node, None, {})
        elif isinstance(node, exp.Insert):
            self.insert(node)
        elif isinstance(node, exp.Update | exp.Delete):
            self.update_or_delete(node)
        # anything else (SET, SAVEPOINT, BEGIN, DDL, SHOW...) touches no tenant row

    def insert(self, node: exp.Insert) -> None:
        ctes = self.ctes(node, None, {})
        target = node.this
        columns: list[str] = []
        if isinstance(target, exp.Schema):
            columns = [c.name for c in target.expressions]
            target = target.this
        tenant = isinstance(target, exp.Table) and target.name in self.tenant_tables
        if tenant and COLUMN not in columns:
            self.found.append(target.name)
        scope = Scope()
        for key in ("expression", "conflict", "returning"):
            child = node.args.get(key)
            if child is not None:
                if isinstance(child, QUERY_TYPES | exp.Subquery):
                    self.query(child, None, ctes)
                else:
                    self.nested(child, scope, ctes)

    def update_or_delete(self, node: exp.Update | exp.Delete) -> None:
        ctes = self.ctes(node, None, {})
        scope = Scope()
        sources = [node.this]
        if node.args.get("from_") is not None:
            sources.append(node.args["from_"].this)
        sources += node.args.get("using") or []
        sources += [j.this for j in node.args.get("joins") or []]
        for source in sources:
            self.add_source(scope, source, ctes)
        conditions = [node.args["where"].this] if node.args.get("where") is not None else []
        conditions += [j.args["on"] for j in node.args.get("joins") or [] if j.args.get("on")]
        self.settle(scope, conditions)
        for key, child in node.args.items():
            if key in ("this", "from_", "using", "with_", "with"):
                continue
            for part in child if isinstance(child, list) else [child]:
                if isinstance(part, exp.Expression):
                    self.nested(part, scope, ctes)

    # --- queries ----------------------------------------------------------------------------

    def query(self, node: exp.Expression, parent: Scope | None, ctes: dict[str, bool]) -> bool:
        """Check one query (SELECT, set operation, parenthesized); True when all pinned."""
        before = len(self.found)
        while isinstance(node, exp.Subquery | exp.Paren):
            ctes = self.ctes(node, parent, ctes)
            node = node.this
        ctes = self.ctes(node, parent, ctes)
        if isinstance(node, exp.SetOperation):
            self.query(node.this, parent, ctes)
            self.query(node.expression, parent, ctes)
        elif isinstance(node, exp.Select):
            self.select(node, parent, ctes)
        return len(self.found) == before

    def select(self, node: exp.Select, parent: Scope | None, ctes: dict[str, bool]) -> None:
        scope = Scope(parent=parent)
        joins = node.args.get("joins") or []
        if node.args.get("from_") is not None:
            self.add_source(scope, node.args["from_"].this, ctes)
        for join in joins:
            self.add_source(scope, join.this, ctes)
        conditions = [node.args["where"].this] if node.args.get("where") is not None else []
        conditions += [j.args["on"] for j in joins if j.args.get("on") is not None]
        self.settle(scope, conditions)
        for key, child in node.args.items():
            if key in ("from_", "with_", "with"):
                continue
            for part in child if isinstance(child, list) else [child]:
                if isinstance(part, exp.Join):
                    if part.args.get("on") is not None:
                        self.nested(part.args["on"], scope, ctes)
                elif isinstance(part, exp.Expression):
                    self.nested(part, scope, ctes)

    def ctes(
        self, node: exp.Expression, parent: Scope | None, ctes: dict[str, bool]
    ) -> dict[str, bool]:
        """Check the WITH clause of `node`; the CTE names it adds (name -> body pinned)."""
        with_ = node.args.get("with_") or node.args.get("with")
        if with_ is None:
            return ctes
        ctes = dict(ctes)
        for cte in with_.expressions:
            ctes[cte.alias_or_name] = self.query(cte.this, parent, ctes)
        return ctes

    def add_source(self, scope: Scope, node: exp.Expression, ctes: dict[str, bool]) -> None:
        if isinstance(node, exp.Table) and isinstance(node.this, exp.Identifier):
            name = node.name
            alias = node.alias_or_name
            if name in ctes and not node.db:
                scope.sources.append(Source(name, alias, False, ctes[name]))
            else:
                scope.sources.append(Source(name, alias, name in self.tenant_tables))
        elif isinstance(node, exp.Subquery | QUERY_TYPES):
            pinned = self.query(node, scope.parent, ctes)
            scope.sources.append(Source("", node.alias_or_name, False, pinned))
        elif isinstance(node, exp.Expression):
            # a table function (unnest, generate_series, LATERAL ...): check what it holds
            scope.sources.append(Source("", node.alias_or_name, False, True))
            self.nested(node, scope, ctes)

    def nested(self, node: exp.Expression, scope: Scope, ctes: dict[str, bool]) -> None:
        """Check every query nested in `node` (not descending into them) as a child scope."""
        for query in _queries_in(node):
            self.query(query, scope, ctes)

    # --- pinning ----------------------------------------------------------------------------

    def settle(self, scope: Scope, conditions: list[exp.Expression]) -> None:
        """Work out which sources are pinned, and record the tenant ones that are not."""
        known = _outer_pinned(scope.parent) | {
            s for s in scope.sources if not s.tenant and s.pinned_body
        }
        for condition in conditions:
            known = _pins(condition, scope, known)
        changed = True
        while changed:  # JOIN ON may pin through the WHERE and the other way round
            before = known
            for condition in conditions:
                known = _pins(condition, scope, known)
            changed = known != before
        scope.pinned = frozenset(known)
        self.found += [s.name for s in scope.sources if s.tenant and s not in known]


def _outer_pinned(scope: Scope | None) -> frozenset[Source]:
    pinned: frozenset[Source] = frozenset()
    while scope is not None:
        pinned |= scope.pinned
        scope = scope.parent
    return pinned


def _queries_in(node: exp.Expression) -> Iterator[exp.Expression]:
    if isinstance(node, QUERY_TYPES):
        yield node
        return
    if isinstance(node, exp.Subquery):
        yield node
        return
    for child in node.iter_expressions():
        yield from _queries_in(child)


def _partner_column(node: exp.Expression, scope: Scope) -> Source | None:
    while isinstance(node, exp.Paren | exp.Cast):
        node = node.this
    if isinstance(node, exp.Column) and node.name == COLUMN:
        return scope.resolve(node.table)
    return None


def _constant(node: exp.Expression) -> bool:
    while isinstance(node, exp.Paren | exp.Cast | exp.Neg):
        node = node.this
    if isinstance(node, exp.Any):
        return _constant(node.this)
    return isinstance(node, CONSTANTS | exp.Subquery | exp.Select)


def _never(node: exp.Expression) -> bool:
    if isinstance(node, exp.Boolean):
        return node.this is False
    if isinstance(node, exp.NEQ) and isinstance(node.this, exp.Literal):
        return node.this == node.expression
    return False


def _pins(node: exp.Expression, scope: Scope, known: frozenset[Source]) -> frozenset[Source]:
    """`known` plus the sources `node` pins when it holds (given that `known` are pinned)."""
    if isinstance(node, exp.Paren):
        return _pins(node.this, scope, known)
    if _never(node):  # `WHERE false`, an empty IN's `1 != 1`: no row of any partner
        return known | set(scope.sources)
    if isinstance(node, exp.And):
        changed = True
        while changed:
            before = known
            known = _pins(node.this, scope, _pins(node.expression, scope, known))
            changed = known != before
        return known
    if isinstance(node, exp.Or):
        return _pins(node.this, scope, known) & _pins(node.expression, scope, known)
    if isinstance(node, exp.EQ):
        left, right = _partner_column(node.this, scope), _partner_column(node.expression, scope)
        if left is not None and right is not None:
            if left in known or right in known:
                return known | {left, right}
            return known
        if left is not None and _constant(node.expression):
            return known | {left}
        if right is not None and _constant(node.this):
            return known | {right}
        return known
    if isinstance(node, exp.In) and not node.args.get("is_global"):
        target = node.this
        while isinstance(target, exp.Paren):
            target = target.this
        columns = target.expressions if isinstance(target, exp.Tuple) else [target]
        pinned = {s for c in columns if (s := _partner_column(c, scope)) is not None}
        return known | pinned
    return known
