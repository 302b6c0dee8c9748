"""Every table has a place on a database distributed by partner (app/models/core/distribution.py),
and the keys a distributed database needs: a tenant table's primary key and unique rules start
with or include `partner_id`, a foreign key between tenant tables carries it on both sides
(co-location), and no foreign key crosses from a table that stays on the coordinator to one
that is spread over the nodes. Checked on the models and on the migrated database.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import Index, MetaData, PrimaryKeyConstraint, Table, UniqueConstraint, inspect

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


def key_problems(tables: dict[str, tuple[list[str], list[tuple[list[str], str, list[str]]]]]):
    """`tables`: name -> (primary key columns, [(columns, referred table, referred columns)])."""
    problems = []
    for name, (primary, foreign) in sorted(tables.items()):
        kind = TABLES[name][0]
        if kind == Placement.TENANT and primary[:1] != [DISTRIBUTION_COLUMN]:
            problems.append(f"{name}: primary key {primary} doesn't start with partner_id")
        for columns, referred, referred_columns in foreign:
            to = TABLES[referred][0]
            link = f"{name} {columns} -> {referred} {referred_columns}"
            if kind == Placement.TENANT and to == Placement.TENANT:
                if columns[:1] != [DISTRIBUTION_COLUMN] or referred_columns[:1] != [
                    DISTRIBUTION_COLUMN
                ]:
                    problems.append(f"{link}: not co-located (partner_id on both sides)")
            elif to == Placement.TENANT:
                problems.append(f"{link}: a {kind} table can't reference a TENANT table")
            elif kind == Placement.TENANT and to == Placement.PLATFORM:
                problems.append(f"{link}: a TENANT table can't reference a PLATFORM table")
            elif kind == Placement.REFERENCE and to != Placement.REFERENCE:
                problems.append(f"{link}: a REFERENCE table references only REFERENCE tables")
    return problems


def model_keys(metadata: MetaData):
    return {
        table.name: (
            [c.name for c in table.primary_key.columns],
            [
                (
                    [c.name for c in fk.columns],
                    fk.referred_table.name,
                    [e.column.name for e in fk.elements],
                )
                for fk in table.foreign_key_constraints
            ],
        )
        for table in metadata.sorted_tables
    }


def test_the_models_keys_are_distributable():
    assert key_problems(model_keys(Base.metadata)) == []


async def test_the_migrated_databases_keys_are_distributable(db):
    def read(connection):
        inspector = inspect(connection)
        return {
            name: (
                inspector.get_pk_constraint(name)["constrained_columns"],
                [
                    (fk["constrained_columns"], fk["referred_table"], fk["referred_columns"])
                    for fk in inspector.get_foreign_keys(name)
                ],
            )
            for name in TABLES
        }

    reflected = await db.connection.run_sync(read)
    assert key_problems(reflected) == []
    for name, (primary, _) in reflected.items():  # the models say what the database has
        assert primary == [c.name for c in Base.metadata.tables[name].primary_key.columns], name


@pytest.mark.parametrize(
    "change, problem",
    [
        ("tenant_key", "orders: primary key ['id'] doesn't start with partner_id"),
        (
            "lone_fk",
            "orders ['customer_id'] -> customers ['id']: not co-located (partner_id on both sides)",
        ),
        (
            "platform_to_tenant",
            "api_tokens ['partner_user_id'] -> partner_users ['id']: a PLATFORM table can't "
            "reference a TENANT table",
        ),
        (
            "reference_to_platform",
            "products ['job'] -> job_runs ['name']: a REFERENCE table references only "
            "REFERENCE tables",
        ),
    ],
)
def test_keys_that_cannot_be_distributed_are_reported(change, problem):
    tables = model_keys(Base.metadata)
    if change == "tenant_key":
        tables["orders"] = (["id"], tables["orders"][1])
    elif change == "lone_fk":
        tables["orders"][1].append((["customer_id"], "customers", ["id"]))
    elif change == "platform_to_tenant":
        tables["api_tokens"][1].append((["partner_user_id"], "partner_users", ["id"]))
    else:
        tables["products"][1].append((["job"], "job_runs", ["name"]))
    assert problem in key_problems(tables)


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
