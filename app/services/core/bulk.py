"""Bulk mutations: each item on its own (DESIGN.md > Storage > One transaction per mutation).

Every item runs in its own SAVEPOINT: a refused item (a `DomainError`) changes nothing and
comes back with its index and errors, the others go through. Item errors carry the field
path `[<list>, index, ...]` of the input list, so the payload's top-level `userErrors` and
each item's `userErrors` point at the same input. Anything but a `DomainError` rolls the item
back and propagates (the whole mutation fails).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from app.services.core.context import ServiceContext
from app.services.core.errors import DomainError, DomainErrors
from app.services.core.idempotency import IdempotentOutcome

T = TypeVar("T")
ITEM_KEY = "item"


@dataclass(slots=True)
class ItemResult:
    """One input item: the id of the object it changed, or why it was refused."""

    index: int
    id: int | None = None
    errors: list[DomainError] = field(default_factory=list)


@dataclass(slots=True)
class BulkResult:
    """Every item in input order; `errors` refused the whole call (then `items` is empty)."""

    items: list[ItemResult] = field(default_factory=list)
    errors: list[DomainError] = field(default_factory=list)

    @property
    def all_errors(self) -> list[DomainError]:
        """The call's errors and every item's, in input order (the top-level userErrors)."""
        return [*self.errors, *(e for item in self.items for e in item.errors)]

    @property
    def changed_ids(self) -> list[int]:
        return [item.id for item in self.items if item.id is not None and not item.errors]

    def stored(self) -> IdempotentOutcome:
        """What an idempotency key keeps of it: each changed item's id, and every error."""
        return IdempotentOutcome(
            ids={f"{ITEM_KEY}.{i.index}": i.id for i in self.items if not i.errors},
            errors=self.all_errors,
        )

    @classmethod
    def from_stored(cls, outcome: IdempotentOutcome, list_field: str, count: int) -> BulkResult:
        """The result again from a stored (or just produced) outcome of `count` items."""
        per_item: dict[int, list[DomainError]] = {}
        call: list[DomainError] = []
        for error in outcome.errors:
            path = error.field or []
            if len(path) >= 2 and path[0] == list_field and isinstance(path[1], int):
                per_item.setdefault(path[1], []).append(error)
            else:
                call.append(error)
        if call:
            return cls(errors=call)
        ids = _item_ids(outcome.ids, set(per_item), count)
        return cls(
            items=[
                ItemResult(
                    index, None if index in per_item else ids.get(index), per_item.get(index, [])
                )
                for index in range(count)
            ]
        )


def _item_ids(
    stored: dict[str, int | None], refused: set[int], count: int
) -> dict[int, int | None]:
    if all(k.startswith(f"{ITEM_KEY}.") for k in stored):
        return {int(k.split(".", 1)[1]): v for k, v in stored.items()}
    # Outcomes stored before per-item results numbered the changed ids 0, 1, ... in input
    # order; every item was either changed or refused, so the others took them in turn.
    done = iter(stored[k] for k in sorted(stored, key=lambda k: int(k.split(".", 1)[1])))
    return {index: next(done, None) for index in range(count) if index not in refused}


async def each_item(
    ctx: ServiceContext,
    items: Sequence[T],
    act: Callable[[int, T], Awaitable[int]],
    after_rollback: Callable[[], Awaitable[Any]] | None = None,
) -> list[ItemResult]:
    """Run `act(index, item)` for every item in its own SAVEPOINT; it returns the id of the
    object it changed. `after_rollback` re-reads state the next items rely on (a rolled-back
    savepoint expires what it changed)."""
    results: list[ItemResult] = []
    for index, item in enumerate(items):
        savepoint = await ctx.session.begin_nested()
        try:
            changed = await act(index, item)
        except (DomainError, DomainErrors) as refusal:
            await savepoint.rollback()
            if after_rollback is not None:
                await after_rollback()
            errors = refusal.errors if isinstance(refusal, DomainErrors) else [refusal]
            results.append(ItemResult(index, errors=list(errors)))
            continue
        except BaseException:
            await savepoint.rollback()
            raise
        await savepoint.commit()
        results.append(ItemResult(index, changed))
    return results
