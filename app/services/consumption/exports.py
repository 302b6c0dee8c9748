"""Full exports of consumption details (BI tools): who may export, and what they read.

The HTTP layer (`app/http/exports.py`) parses the request and streams a format; the rule
of who may export and the scoped query live here, so any other entry point (a CLI, a job)
gets the same check and the same tenant scope.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select

from app.models import ConsumptionDetail
from app.models.partners.enums import PrincipalKind
from app.services.consumption.queries import ConsumptionFilter, details_statement
from app.services.core.context import ServiceContext
from app.services.core.principal import Permission, Principal


def require_export(principal: Principal) -> None:
    """ADMIN, FINANCE, VIEWER (Permission.EXPORT) and the platform may export."""
    if principal.kind is not PrincipalKind.PLATFORM:
        principal.require(Permission.EXPORT)


def export_statement(ctx: ServiceContext, f: ConsumptionFilter, after: int = 0) -> Select[Any]:
    """The caller's details matching `f`, in id order from just after `after` (the resume
    point of an interrupted download). Raises `PermissionDenied` for a caller who may not
    export."""
    require_export(ctx.principal)
    return (
        details_statement(ctx, f).where(ConsumptionDetail.id > after).order_by(ConsumptionDetail.id)
    )
