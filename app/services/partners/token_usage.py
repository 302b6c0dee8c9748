"""A token's `last_used_at`, written off the requests' path and batched.

A request whose token's `last_used_at` is older than `token_last_used_resolution_seconds`
records the use here (`record`: a dict entry, no I/O); every `token_last_used_flush_seconds`
the process writes the uses it collected in one `UPDATE` (per 500 tokens), and once more when
it shuts down. So `lastUsedAt` is kept to the resolution (a minute), written at most once per
resolution per token and process, and may show a use up to the flush interval late; a process
that is killed (not stopped) loses at most one interval of uses. A write never moves
`last_used_at` backwards (another process may have written a later use).

With `token_last_used_flush_seconds = 0` nothing is batched: the endpoint flushes after each
response that recorded a use, as a background task (the test suite runs so: its sessions
share one connection, which a timer task must not write on behind a test's back).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime
from typing import Any

from sqlalchemy import case, literal, or_, update

from app.models import ApiToken
from app.models.core.types import UTCDateTime
from app.services.core.principal_changes import NEUTRAL

log = logging.getLogger("app.tokens")

BATCH = 500


class TokenUsage:
    """The uses of tokens a process saw and has not written yet."""

    def __init__(self, database: Any, flush_seconds: float) -> None:
        self.database = database
        self.flush_seconds = flush_seconds
        self._pending: dict[int, datetime] = {}
        self._timer: asyncio.Task[None] | None = None
        self._closed = False

    @property
    def immediate(self) -> bool:
        """Whether the caller flushes after each use (no timer)."""
        return self.flush_seconds == 0

    @property
    def pending(self) -> dict[int, datetime]:
        """The uses recorded and not written yet, by token id."""
        return dict(self._pending)

    @property
    def idle(self) -> bool:
        """Whether no timer is running (none is while there is nothing to write)."""
        return self._timer is None or self._timer.done()

    def record(self, token_id: int, at: datetime) -> None:
        """Note that `token_id` was used at `at`; written by the next flush."""
        previous = self._pending.get(token_id)
        if previous is None or at > previous:
            self._pending[token_id] = at
        if not self.immediate and not self._closed and self.idle:
            self._timer = asyncio.get_running_loop().create_task(self._every_interval())

    async def flush(self) -> int:
        """Write every recorded use (one UPDATE per `BATCH` tokens); how many tokens."""
        uses, self._pending = self._pending, {}
        items = sorted(uses.items())
        written = 0
        for start in range(0, len(items), BATCH):
            batch = dict(items[start : start + BATCH])
            try:
                await self._write(batch)
            except Exception:
                log.exception("writing the last use of %d tokens failed", len(batch))
                for token_id, at in batch.items():  # kept for the next flush
                    self.record(token_id, at)
                continue
            written += len(batch)
        return written

    async def close(self) -> None:
        """Stop the timer and write what is left (at shutdown)."""
        self._closed = True
        timer, self._timer = self._timer, None
        if timer is not None:
            timer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await timer
        await self.flush()

    async def _every_interval(self) -> None:
        while not self._closed:
            await asyncio.sleep(self.flush_seconds)
            await self.flush()
            if not self._pending:
                return  # an idle process keeps no timer; the next use starts one

    async def _write(self, uses: dict[int, datetime]) -> None:
        used_at = case(
            {token_id: literal(at, UTCDateTime()) for token_id, at in uses.items()},
            value=ApiToken.id,
        )
        statement = (
            update(ApiToken)
            .where(
                ApiToken.id.in_(list(uses)),
                or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at < used_at),
            )
            .values(last_used_at=used_at)
            .execution_options(**{NEUTRAL: True}, synchronize_session=False)
        )
        session = self.database.session(write=True)
        try:
            await session.execute(statement)
            await session.end(commit=True)
        finally:
            await session.end(commit=False)  # a no-op once committed
