"""A resource's status as its rules give it now: one rule, on a row and as SQL.

The rules (docs/resources.md):

- `DELETED` is final (an unsubscribe stores it at once);
- a YEARLY_MONTHLY resource is `ACTIVE` until `expires_at`, `GRACE_PERIOD` for
  `resource_grace_period_days` after it, then `EXPIRED`; a renewal moves `expires_at` into
  the future, which makes it `ACTIVE` again;
- an ON_DEMAND resource is `ACTIVE` while its customer has no arrears, `GRACE_PERIOD` while
  it has, and `FROZEN` once the arrears are `arrears_freeze_after_days` old (counted from the
  account's `arrears_since`, so a late job does not lengthen the grace); repaying the arrears
  (or a higher credit limit) makes it `ACTIVE` again at once.

The stored `Resource.status` is what the jobs last wrote; every read, filter and rule goes
through `status_of` / `status_in` here, so the answer never depends on whether a job has run.
It lives in core because every domain that reads a resource's status needs it, lifecycle
(which funds depends on) included; it reads only models, the clock and settings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, func, or_, select, update

from app import clock
from app.models import CustomerAccount, Resource
from app.models.customers.enums import BillingMode, ResourceStatus
from app.services.core import audit
from app.services.core.context import ServiceContext
from app.settings import get_settings

IN_ARREARS = "customer_in_arrears"
ARREARS_SINCE = "customer_arrears_since"
CHUNK = 500  # ids per UPDATE (bound parameters stay well under both databases' limits)


def rule_status(
    stored: ResourceStatus,
    billing_mode: BillingMode,
    expires_at: datetime | None,
    in_arrears: bool,
    arrears_since: datetime | None,
    now: datetime | None = None,
) -> ResourceStatus:
    """The status the rules give a resource at `now` (default: the clock's now)."""
    if stored is ResourceStatus.DELETED:
        return ResourceStatus.DELETED
    if billing_mode is BillingMode.YEARLY_MONTHLY:
        if expires_at is None:
            return ResourceStatus.ACTIVE
        now = now or clock.now()
        if now < expires_at:
            return ResourceStatus.ACTIVE
        grace = timedelta(days=get_settings().resource_grace_period_days)
        if now < expires_at + grace:
            return ResourceStatus.GRACE_PERIOD
        return ResourceStatus.EXPIRED
    if not in_arrears:  # an on-demand resource of a customer who owes nothing: no clock
        return ResourceStatus.ACTIVE
    now = now or clock.now()
    freeze = timedelta(days=get_settings().arrears_freeze_after_days)
    if arrears_since is not None and arrears_since + freeze <= now:
        return ResourceStatus.FROZEN
    return ResourceStatus.GRACE_PERIOD


def status_of(row: Any) -> ResourceStatus:
    """`rule_status` of a resource row read with `status_columns()` (a Row or a mapping)."""
    # a dict first: an ABC isinstance check costs a microsecond a row on a page of resources
    values: Mapping[str, Any] = (
        row if type(row) is dict or isinstance(row, Mapping) else row._mapping
    )
    return rule_status(
        values["status"],
        values["billing_mode"],
        values["expires_at"],
        bool(values[IN_ARREARS]),
        values[ARREARS_SINCE],
    )


def _owing() -> Any:
    return and_(
        CustomerAccount.partner_id == Resource.partner_id,
        CustomerAccount.customer_id == Resource.customer_id,
        CustomerAccount.balance + CustomerAccount.credit_limit < 0,
    )


def status_columns() -> tuple[Any, Any]:
    """What `status_of` needs besides the resource's own columns: whether its customer is in
    arrears and since when (correlated subqueries: no extra statement, no join)."""
    return (
        exists().where(_owing()).label(IN_ARREARS),
        select(CustomerAccount.arrears_since)
        .where(_owing())
        .scalar_subquery()
        .label(ARREARS_SINCE),
    )


def status_in(wanted: Iterable[ResourceStatus]) -> ColumnElement[bool]:
    """SQL on `Resource` for "`status_of` is one of `wanted`" (the same rule as above)."""
    now = clock.now()
    settings = get_settings()
    lapsed_before = now - timedelta(days=settings.resource_grace_period_days)
    freeze_before = now - timedelta(days=settings.arrears_freeze_after_days)
    live = Resource.status != ResourceStatus.DELETED
    prepaid = live & (Resource.billing_mode == BillingMode.YEARLY_MONTHLY)
    on_demand = live & (Resource.billing_mode == BillingMode.ON_DEMAND)
    owing = exists().where(_owing())
    long_owing = exists().where(_owing(), CustomerAccount.arrears_since <= freeze_before)
    rules = {
        ResourceStatus.DELETED: Resource.status == ResourceStatus.DELETED,
        ResourceStatus.ACTIVE: or_(
            prepaid & or_(Resource.expires_at.is_(None), Resource.expires_at > now),
            on_demand & ~owing,
        ),
        ResourceStatus.GRACE_PERIOD: or_(
            prepaid & (Resource.expires_at <= now) & (Resource.expires_at > lapsed_before),
            on_demand & owing & ~long_owing,
        ),
        ResourceStatus.EXPIRED: prepaid & (Resource.expires_at <= lapsed_before),
        ResourceStatus.FROZEN: on_demand & long_owing,
    }
    conditions = [rules[s] for s in dict.fromkeys(wanted)]
    return or_(*conditions) if conditions else false()


async def store_statuses(
    ctx: ServiceContext, billing_mode: BillingMode, actions: Mapping[ResourceStatus, str]
) -> dict[ResourceStatus, int]:
    """Store the rules' status on every `billing_mode` resource whose stored one differs (a
    job's work): one audit event per resource, `actions[new status]`, with before/after.

    ON_DEMAND resources keep `arrears_grace_started_at`: when arrears first stopped them
    (kept while GRACE_PERIOD or FROZEN, cleared when ACTIVE again)."""
    now = clock.now()
    counts: dict[ResourceStatus, int] = {}
    for target, action in actions.items():
        stale = (
            await ctx.session.execute(
                select(Resource.id, Resource.partner_id, Resource.status)
                .where(
                    Resource.billing_mode == billing_mode,
                    Resource.status != target,
                    status_in([target]),
                )
                .order_by(Resource.id)
                .with_for_update()
            )
        ).all()
        counts[target] = len(stale)
        if not stale:
            continue
        values: dict[str, Any] = {"status": target}
        if billing_mode is BillingMode.ON_DEMAND:
            values["arrears_grace_started_at"] = (
                None
                if target is ResourceStatus.ACTIVE
                else func.coalesce(Resource.arrears_grace_started_at, now)
            )
        ids = [row.id for row in stale]
        for start in range(0, len(ids), CHUNK):
            await ctx.session.execute(
                update(Resource)
                .where(Resource.id.in_(ids[start : start + CHUNK]))
                .values(**values)
                .execution_options(synchronize_session=False)
            )
        for row in stale:
            await audit.record(
                ctx,
                action,
                "Resource",
                row.id,
                partner_id=row.partner_id,
                before={"status": row.status},
                after={"status": target},
            )
    return counts
