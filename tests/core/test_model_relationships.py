"""No model lazily loads a relationship: a forgotten DataLoader must fail, not query per row."""

from __future__ import annotations

from sqlalchemy import ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from app.models import Base
from app.models.core.base import Base as DeclaredBase


def lazy_relationships(base: type[DeclaredBase]) -> list[str]:
    return [
        f"{mapper.class_.__name__}.{rel.key} (lazy={rel.lazy!r})"
        for mapper in base.registry.mappers
        for rel in mapper.relationships
        if rel.lazy != "raise"
    ]


def test_every_relationship_raises_instead_of_loading_lazily() -> None:
    assert lazy_relationships(Base) == []


def test_the_check_finds_a_lazy_relationship() -> None:
    # given a throwaway registry with one relationship left at the default lazy="select"
    class Scratch(DeclarativeBase):
        pass

    class Parent(Scratch):
        __tablename__ = "parent"
        id: Mapped[int] = mapped_column(primary_key=True)
        children = relationship("Child")

    class Child(Scratch):
        __tablename__ = "child"
        id: Mapped[int] = mapped_column(primary_key=True)
        parent_id: Mapped[int] = mapped_column(ForeignKey("parent.id"))

    # when / then
    assert lazy_relationships(Scratch) == ["Parent.children (lazy='select')"]
