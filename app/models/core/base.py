"""Declarative base, naming conventions and shared column helpers."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Enum, ForeignKey, ForeignKeyConstraint, Integer, MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from app import clock
from app.models.core.types import UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base of every table.

    The models declare no ORM relationships: services read related rows by id, and the
    schema reaches them through DataLoaders. A relationship added later must be
    `lazy="raise"`, so a forgotten loader fails loudly (a test checks every mapper).
    """

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    # 64-bit ids everywhere (big tables outgrow int32); SQLite needs INTEGER to autoincrement.
    type_annotation_map = {int: BigInteger().with_variant(Integer(), "sqlite")}


def enum_column(enum: type[StrEnum]) -> Enum:
    """A portable enum column: VARCHAR holding the member's name, no database enum type."""
    return Enum(
        enum,
        native_enum=False,
        create_constraint=False,
        length=max(len(m.value) for m in enum),
        values_callable=lambda e: [m.value for m in e],
    )


def created_at_column() -> Mapped[datetime]:
    """A creation timestamp taken from the app clock (never the database's now())."""
    return mapped_column(UTCDateTime(), default=clock.now, nullable=False)


def tenant_partner_column(**kwargs: object) -> Mapped[int]:
    """A tenant table's `partner_id`: its distribution column, first in its primary key
    (`docs/operations.md`, "Sharding")."""
    return mapped_column(ForeignKey("partners.id"), primary_key=True, sort_order=-10, **kwargs)


def tenant_id_column() -> Mapped[int]:
    """A tenant table's `id`, second in its primary key `(partner_id, id)` and unique per table
    on its own: PostgreSQL draws it from the column's sequence (the `RETURNING` of the insert
    reads it back), SQLite from `id_sequences` (`app.models.core.ids`) before the insert."""
    return mapped_column(primary_key=True, autoincrement=True, sort_order=-9)


def co_locate(model: type[Base], **columns: str) -> None:
    """Foreign keys from `model` to other tenant tables, each with `partner_id` in front:
    `co_locate(Order, customer_id="customers")` makes `(partner_id, customer_id)` reference
    `customers (partner_id, id)`, so a row can only point at a row of its own partner and the
    pair lives on one shard."""
    table = model.__table__
    for column, referred in columns.items():
        table.append_constraint(
            ForeignKeyConstraint(
                ["partner_id", column],
                [f"{referred}.partner_id", f"{referred}.id"],
                name=f"fk_{table.name}_{column}",
            )
        )
