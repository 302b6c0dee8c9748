"""Statuses that lapse with time: visible on read before the job that writes them runs.

A registration approved until `expires_at`, an invitation link, a partner's request and an
authorization each have open statuses that become a lapsed one once `expires_at <= now`. The
job stores the lapsed status later; until then every read and every rule goes through these
helpers, so the answer never depends on whether the job has run.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, and_, false, or_

from app import clock

S = TypeVar("S", bound=StrEnum)


def effective_status(
    status: S, expires_at: datetime | None, open_statuses: Collection[S], lapsed: S
) -> S:
    """`lapsed` if `status` is open and its window has ended, else `status`."""
    if status in open_statuses and expires_at is not None and expires_at <= clock.now():
        return lapsed
    return status


def is_open(status: S, expires_at: datetime | None, open_statuses: Collection[S]) -> bool:
    """Open and not yet lapsed."""
    return status in open_statuses and (expires_at is None or clock.now() < expires_at)


def status_condition(
    status_col: Any,
    expires_col: Any,
    open_statuses: Collection[S],
    lapsed: S,
    wanted: Iterable[S],
) -> ColumnElement[bool]:
    """SQL for "the effective status is one of `wanted`"."""
    now = clock.now()
    conditions: list[ColumnElement[bool]] = []
    for status in wanted:
        if status == lapsed:
            conditions.append(
                or_(
                    status_col == lapsed,
                    and_(status_col.in_(list(open_statuses)), expires_col <= now),
                )
            )
        elif status in open_statuses:
            conditions.append(
                and_(status_col == status, or_(expires_col.is_(None), expires_col > now))
            )
        else:
            conditions.append(status_col == status)
    return or_(*conditions) if conditions else false()
