"""The per-request context handed to every resolver as `info.context`."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from app.loaders import Loaders
from app.services.core.context import ServiceContext
from app.services.core.principal import Principal


@dataclass(slots=True)
class RequestContext:
    """The request's unit of work, caller, request id and loaders."""

    service: ServiceContext
    # the endpoint's inspection of the document being run (`app/schema/core/documents.py`):
    # execution reuses it instead of parsing and validating the document again
    document: object | None = None
    # built on first use: ~100 loaders, which a request that reads nothing nested (the
    # smallest query) would otherwise build for nothing
    _loaders: Loaders | None = field(init=False, default=None)
    # values the look-ahead loaded for a page (`app/schema/core/prefetch.py`), by
    # (id of the object, (response key, argument values)) -> (the object, the value)
    prefetched: dict[tuple[int, tuple[str, str]], tuple[object, object]] = field(
        init=False, default_factory=dict
    )
    # the execution's variables as graphql-core holds them (`VariableValues`; resolvers get
    # only the coerced dict): PlainObjectExecutor sets it, the look-ahead reads arguments
    # and directives with it, as the executor does
    variable_values: object | None = field(init=False, default=None)

    @property
    def loaders(self) -> Loaders:
        if self._loaders is None:
            self._loaders = Loaders(self.service)
        return self._loaders

    def release(self) -> None:
        """Drop what the request loaded once its answer is complete (`Loaders.release`)."""
        self.prefetched.clear()
        if self._loaders is not None:
            self._loaders.release()

    @property
    def session(self) -> AsyncSession:
        return self.service.session

    @property
    def principal(self) -> Principal:
        return self.service.principal

    @property
    def request_id(self) -> str:
        return self.service.request_id
