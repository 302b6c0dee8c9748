"""Work that legitimately reads or writes across partners, named.

Once the database is distributed by partner, a statement on a partner's table is routed to one
node by the partner it names; a statement that names none visits every node. Only two kinds of
work do that on purpose: the platform's jobs that sweep every partner (expiring what lapsed,
rating, purging, certifying...), and the platform's own console, which reads across partners.
Everything a partner or a customer asks stays within the partner it is about.

Such work runs inside `cross_partner(scope)` (a context manager and a decorator, sync or async):
the scope is a name of `SCOPES`, with its reason, and `active()` says which scopes the current
task is in. The test suite on PostgreSQL fails a statement that reaches a partner's table
without naming its partner unless it runs inside an allowed scope.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from app.models.partners.enums import PrincipalKind
from app.services.core.principal import Principal

PLATFORM_CONSOLE = "platform-console"
JOB_PREFIX = "job:"

# scope: why its work spans partners
SCOPES: dict[str, str] = {
    PLATFORM_CONSOLE: "the vendor's console (the PLATFORM principal) reads across partners",
}

_active: ContextVar[tuple[str, ...]] = ContextVar("cross_partner", default=())

F = TypeVar("F", bound=Callable[..., Any])


def register(scope: str, reason: str) -> str:
    """Name a scope with its reason (a job registers its own: `job:<name>`)."""
    if SCOPES.get(scope, reason) != reason:
        raise ValueError(f"cross-partner scope {scope!r} registered twice")
    SCOPES[scope] = reason
    return scope


def active() -> tuple[str, ...]:
    """The scopes the current task runs in, innermost last."""
    return _active.get()


class cross_partner:
    """Run the enclosed work (a `with` block, or every call of a decorated function) in
    `scope`, a name of `SCOPES`."""

    def __init__(self, scope: str) -> None:
        if scope not in SCOPES:
            raise KeyError(f"unknown cross-partner scope {scope!r}: register it with a reason")
        self.scope = scope
        self._tokens: list[Any] = []

    def __enter__(self) -> None:
        self._tokens.append(_active.set((*_active.get(), self.scope)))

    def __exit__(self, *exc: object) -> None:
        _active.reset(self._tokens.pop())

    def __call__(self, fn: F) -> F:
        scope = self.scope
        if inspect.iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def run_async(*args: Any, **kwargs: Any) -> Any:
                with cross_partner(scope):
                    return await fn(*args, **kwargs)

            return run_async  # type: ignore[return-value]

        @functools.wraps(fn)
        def run(*args: Any, **kwargs: Any) -> Any:
            with cross_partner(scope):
                return fn(*args, **kwargs)

        return run  # type: ignore[return-value]


@contextmanager
def for_principal(principal: Principal) -> Iterator[None]:
    """The scope of a request by `principal`: the platform's console reads across partners;
    a partner user or a customer gets no scope (its work names its partner)."""
    if principal.kind is PrincipalKind.PLATFORM:
        with cross_partner(PLATFORM_CONSOLE):
            yield
    else:
        yield
