"""What every service call carries: the unit of work, the caller and the request id."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from app.services.core.principal import Principal


@dataclass(slots=True)
class ServiceContext:
    """A service never commits: the owner of `session` (the HTTP request, a job) does."""

    session: AsyncSession
    principal: Principal
    request_id: str = ""
