"""Every table has a place on a database distributed by partner (app/models/core/distribution.py).

The primary-key and foreign-key rules of a distributed schema (keys that include partner_id,
co-located foreign keys) are the next step and are not checked here yet.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import Index, MetaData, PrimaryKeyConstraint, Table, UniqueConstraint

from app.models import Base
from app.models.core.distribution import (
    DISTRIBUTION_COLUMN,
    TABLES,
    Placement,
    citus_statements,
    tables_of,
)

OPERATIONS = Path(__file__).resolve().parents[2] / "docs" / "operations.md"


def unclassified(metadata: MetaData) -> list[str]:
    return sorted(set(metadata.tables) - set(TABLES))


def unique_rules(table: Table) -> list[tuple[str, list[str]]]:
    """Every unique constraint and unique index of `table` but its primary key."""
    rules = [
        (c.name, [col.name for col in c.columns])
        for c in table.constraints
        if isinstance(c, UniqueConstraint) and not isinstance(c, PrimaryKeyConstraint)
    ]
    rules += [(i.name, [col.name for col in i.columns]) for i in table.indexes if i.unique]
    return rules


def tenant_problems(metadata: MetaData) -> list[str]:
    problems = []
    for name in tables_of(Placement.TENANT, metadata):
        table = metadata.tables[name]
        column = table.c.get(DISTRIBUTION_COLUMN)
        if column is None:
            problems.append(f"{name}: no {DISTRIBUTION_COLUMN}")
            continue
        if column.nullable:
            problems.append(f"{name}: {DISTRIBUTION_COLUMN} is nullable")
        for rule, columns in unique_rules(table):
            if DISTRIBUTION_COLUMN not in columns:
                problems.append(f"{name}: unique {rule} {columns} lacks {DISTRIBUTION_COLUMN}")
    return problems


def test_every_table_is_classified():
    assert unclassified(Base.metadata) == []
    assert sorted(set(TABLES) - set(Base.metadata.tables)) == [], "classified but no such table"


def test_every_classification_says_why():
    assert all(kind in Placement.ALL and why.strip() for kind, why in TABLES.values())


def test_tenant_tables_are_distributable_by_partner():
    assert tenant_problems(Base.metadata) == []


def test_the_rules_that_span_partners_have_platform_homes():
    for name in ("open_associations", "invitation_tokens", "payment_references"):
        assert TABLES[name][0] == Placement.PLATFORM


# The checks themselves fail where they should (a check that can't fail proves nothing).


def _copy_with() -> MetaData:
    metadata = MetaData()
    for table in Base.metadata.sorted_tables:
        table.to_metadata(metadata)
    return metadata


def test_an_unclassified_table_is_reported():
    metadata = _copy_with()
    from sqlalchemy import Column, Integer

    Table("stray_things", metadata, Column("id", Integer, primary_key=True))
    assert unclassified(metadata) == ["stray_things"]


@pytest.mark.parametrize(
    "change, problem",
    [
        ("drop_partner", "customers: no partner_id"),
        ("nullable", "customers: partner_id is nullable"),
        ("cross_unique", "customers: unique uq_probe ['cloud_account_id'] lacks partner_id"),
        ("cross_index", "customers: unique ix_probe ['account_name'] lacks partner_id"),
    ],
)
def test_a_tenant_table_that_cannot_be_distributed_is_reported(change, problem):
    metadata = _copy_with()
    customers = metadata.tables["customers"]
    if change == "drop_partner":
        customers._columns.remove(customers.c.partner_id)
    elif change == "nullable":
        customers.c.partner_id.nullable = True
    elif change == "cross_unique":
        customers.append_constraint(UniqueConstraint("cloud_account_id", name="uq_probe"))
    else:
        Index("ix_probe", customers.c.account_name, unique=True)
    assert problem in tenant_problems(metadata)


def test_a_unique_rule_with_partner_id_passes():
    metadata = _copy_with()
    customers = metadata.tables["customers"]
    customers.append_constraint(UniqueConstraint("partner_id", "cloud_account_id", name="uq_ok"))
    assert tenant_problems(metadata) == []


def test_operations_lists_the_calls_for_todays_tables_in_order():
    text = OPERATIONS.read_text()
    documented = re.findall(r"^SELECT create_\w+\(.*\);$", text, flags=re.MULTILINE)
    assert documented == citus_statements(Base.metadata)
    for name in tables_of(Placement.PLATFORM, Base.metadata):
        assert f"`{name}`" in text, f"docs/operations.md doesn't say why {name} stays put"
