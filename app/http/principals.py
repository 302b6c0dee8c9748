"""The serving process's authentication state: its principal cache, the listener that keeps
it exact across processes, and the batched `lastUsedAt` writes (docs/architecture.md,
"Tokens without a round trip")."""

from __future__ import annotations

from app.db import Database
from app.services.core.principal_cache import PrincipalCache
from app.services.core.principal_listener import PrincipalListener
from app.services.partners.token_usage import TokenUsage
from app.settings import Settings


class ProcessPrincipals:
    """What `create_app` builds once per process and its lifespan starts and stops.

    `cache` is None with `principal_cache=false`. On PostgreSQL the cache answers only while
    `listener` is connected (started by `start()`; a test that builds an app without its
    lifespan starts it itself); on SQLite one process is all there is, and the ORM's hooks
    invalidate it in the process.
    """

    def __init__(self, settings: Settings, database: Database) -> None:
        self.cache: PrincipalCache | None = None
        self.listener: PrincipalListener | None = None
        if settings.principal_cache:
            postgresql = database.dialect == "postgresql"
            self.cache = PrincipalCache(
                max_size=settings.principal_cache_size,
                max_age_seconds=settings.principal_cache_max_age_seconds,
                needs_listener=postgresql,
            )
            if postgresql:
                self.listener = PrincipalListener(
                    settings.database_url,
                    self.cache,
                    check_seconds=settings.principal_listener_check_seconds,
                )
        self.usage = TokenUsage(database, settings.token_last_used_flush_seconds)

    def start(self) -> None:
        if self.listener is not None:
            self.listener.start()

    async def close(self) -> None:
        """Stop listening and write the uses not written yet (at shutdown)."""
        if self.listener is not None:
            await self.listener.stop()
        await self.usage.close()
