"""The rules of ending or switching an association, which other domains contribute to.

One precondition check, `association_change_blockers`, answers "may this customer's
association be ended / switched now?" for every path (the partner's request and the
customer's confirmation, the customer's own request, its approval and its auto-approval). It
runs the built-in checks and every blocker other domains registered:

    from app.services.lifecycle.association_rules import register_blocker

    @register_blocker
    async def no_arrears(ctx, customer, change) -> list[DomainError]: ...

Funds registers "no arrears" and "allocated balance retrieved before switching to REFERRAL",
Orders "no orders awaiting partner payment". The effects likewise: when a disassociation takes
effect, `end_association` runs every `on_association_ended` hook in the same transaction
(Funds: UNBIND_RETRIEVE; Coupons: reclaim; authorizations end), and a type switch runs every
`on_association_type_switched` hook. A contributing module lists itself in
`CONTRIBUTOR_MODULES`, so its hooks are registered whichever entry point (HTTP, job, CLI)
runs first.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import func, or_, select

from app import clock
from app.clock import within_months
from app.models import AssociationChangeRequest, Customer, DisassociationRequest, Resource
from app.models.customers.enums import (
    AssociationType,
    BillingMode,
    CustomerStatus,
    ResourceStatus,
)
from app.models.lifecycle.enums import (
    AssociationChangeKind,
    AssociationChangeStatus,
    DisassociationRequestStatus,
)
from app.services.core import resource_status
from app.services.core.context import ServiceContext
from app.services.core.errors import DomainError, ErrorCode
from app.settings import get_settings

# Modules whose import registers blockers or hooks (Funds, Orders, Coupons add theirs).
CONTRIBUTOR_MODULES: tuple[str, ...] = (
    "app.services.lifecycle.authorizations",
    "app.services.funds.association",
    "app.services.coupons.reclaiming",
    "app.services.orders.orders",
)


class Initiator(StrEnum):
    PARTNER = "PARTNER"
    CUSTOMER = "CUSTOMER"


class Stage(StrEnum):
    """REQUEST: a request is being started. CONFIRMATION: the change is about to take effect
    (the customer confirms the partner's request; the partner approves, or the job
    auto-approves, the customer's)."""

    REQUEST = "REQUEST"
    CONFIRMATION = "CONFIRMATION"


@dataclass(frozen=True, slots=True)
class AssociationChange:
    """The change being checked, as blockers see it."""

    kind: AssociationChangeKind
    initiator: Initiator
    stage: Stage
    # For TYPE_SWITCH: the type the customer would get.
    to_type: AssociationType | None = None

    @property
    def checks_state(self) -> bool:
        """Account-state preconditions apply to partner requests when made and to every
        change when it takes effect; a customer may file its request regardless (it is
        auto-approved only once they hold)."""
        return not (self.initiator is Initiator.CUSTOMER and self.stage is Stage.REQUEST)


Blocker = Callable[[ServiceContext, Customer, AssociationChange], Awaitable[list[DomainError]]]
EndedHook = Callable[[ServiceContext, Customer], Awaitable[None]]
SwitchedHook = Callable[[ServiceContext, Customer, AssociationType], Awaitable[None]]

BLOCKERS: list[Blocker] = []
ENDED_HOOKS: list[EndedHook] = []
SWITCHED_HOOKS: list[SwitchedHook] = []


def register_blocker(fn: Blocker) -> Blocker:
    """Add a precondition: `fn(ctx, customer, change)` returns the errors that block it."""
    if fn not in BLOCKERS:
        BLOCKERS.append(fn)
    return fn


def on_association_ended(fn: EndedHook) -> EndedHook:
    """Run `fn(ctx, customer)` in the transaction where a disassociation takes effect."""
    if fn not in ENDED_HOOKS:
        ENDED_HOOKS.append(fn)
    return fn


def on_association_type_switched(fn: SwitchedHook) -> SwitchedHook:
    """Run `fn(ctx, customer, previous_type)` in the transaction where a switch takes effect."""
    if fn not in SWITCHED_HOOKS:
        SWITCHED_HOOKS.append(fn)
    return fn


def load_contributors() -> None:
    for module in CONTRIBUTOR_MODULES:
        importlib.import_module(module)


def _error(code: ErrorCode, message: str) -> DomainError:
    return DomainError(code, message, None)


async def _state_blockers(ctx: ServiceContext, customer: Customer) -> list[DomainError]:
    errors: list[DomainError] = []
    if customer.status is CustomerStatus.FROZEN:
        errors.append(_error(ErrorCode.CUSTOMER_FROZEN, "The customer's account is frozen."))
    valid_reserved = await ctx.session.scalar(
        select(func.count()).where(
            Resource.partner_id == customer.partner_id,
            Resource.customer_id == customer.id,
            or_(Resource.is_reserved_instance.is_(True), Resource.is_support_plan.is_(True)),
            # Valid: a yearly/monthly one whose term has not ended (ACTIVE; in its grace
            # period the term has ended), an on-demand one until it is released.
            or_(
                resource_status.status_in([ResourceStatus.ACTIVE, ResourceStatus.FROZEN]),
                (Resource.billing_mode == BillingMode.ON_DEMAND)
                & resource_status.status_in([ResourceStatus.GRACE_PERIOD]),
            ),
        )
    )
    if valid_reserved:
        errors.append(
            _error(
                ErrorCode.VALID_RESERVED_RESOURCES,
                f"The customer has {valid_reserved} valid reserved instance(s) or support "
                "plan(s); they must expire or be released first.",
            )
        )
    return errors


async def _last_partner_request(ctx: ServiceContext, customer: Customer) -> datetime | None:
    return await ctx.session.scalar(
        select(func.max(AssociationChangeRequest.requested_at)).where(
            AssociationChangeRequest.partner_id == customer.partner_id,
            AssociationChangeRequest.customer_id == customer.id,
        )
    )


async def _last_customer_filing(ctx: ServiceContext, customer: Customer) -> datetime | None:
    return await ctx.session.scalar(
        select(func.max(DisassociationRequest.filed_at)).where(
            DisassociationRequest.partner_id == customer.partner_id,
            DisassociationRequest.customer_id == customer.id,
        )
    )


async def _request_blockers(
    ctx: ServiceContext, customer: Customer, change: AssociationChange
) -> list[DomainError]:
    """Starting a request: nothing else pending, and the 3-month intervals."""
    errors: list[DomainError] = []
    now = clock.now()
    pending_partner = await ctx.session.scalar(
        select(func.count()).where(
            AssociationChangeRequest.partner_id == customer.partner_id,
            AssociationChangeRequest.customer_id == customer.id,
            AssociationChangeRequest.status == AssociationChangeStatus.PENDING,
            AssociationChangeRequest.expires_at > now,
        )
    )
    pending_customer = await ctx.session.scalar(
        select(func.count()).where(
            DisassociationRequest.partner_id == customer.partner_id,
            DisassociationRequest.customer_id == customer.id,
            DisassociationRequest.status == DisassociationRequestStatus.PENDING,
        )
    )
    if pending_partner or pending_customer:
        errors.append(
            _error(
                ErrorCode.CHANGE_ALREADY_PENDING,
                "Another association change of this customer awaits an answer.",
            )
        )
    settings = get_settings()
    last_filed = await _last_customer_filing(ctx, customer)
    if change.initiator is Initiator.PARTNER:
        last_started = await _last_partner_request(ctx, customer)
        months = settings.association_change_interval_months
        if last_started is not None and within_months(last_started, months, now):
            errors.append(
                _error(
                    ErrorCode.CHANGE_TOO_SOON,
                    f"A disassociation or type switch of this customer was started less than "
                    f"{months} months ago.",
                )
            )
        months = settings.association_change_wait_after_customer_request_months
        if last_filed is not None and within_months(last_filed, months, now):
            errors.append(
                _error(
                    ErrorCode.CUSTOMER_REQUEST_TOO_RECENT,
                    f"The customer filed a disassociation request less than {months} months ago.",
                )
            )
    else:
        months = settings.customer_disassociation_interval_months
        if last_filed is not None and within_months(last_filed, months, now):
            errors.append(
                _error(
                    ErrorCode.DISASSOCIATION_REQUEST_TOO_SOON,
                    f"A disassociation request was filed less than {months} months ago.",
                )
            )
    return errors


async def association_change_blockers(
    ctx: ServiceContext, customer: Customer, change: AssociationChange
) -> list[DomainError]:
    """Every reason `change` may not happen now (empty: it may), each with its own code."""
    load_contributors()
    errors: list[DomainError] = []
    if change.checks_state:
        errors.extend(await _state_blockers(ctx, customer))
    if change.stage is Stage.REQUEST:
        errors.extend(await _request_blockers(ctx, customer, change))
    if change.checks_state:
        for blocker in BLOCKERS:
            errors.extend(await blocker(ctx, customer, change))
    return errors


async def end_association(ctx: ServiceContext, customer: Customer) -> None:
    """The disassociation takes effect: the customer leaves the partner's current lists.

    Its history (orders, consumption, refunds of what it consumed) stays with the partner.
    """
    load_contributors()
    customer.ended_at = clock.now()
    customer.account_manager_id = None
    await ctx.session.flush()
    for hook in ENDED_HOOKS:
        await hook(ctx, customer)


async def switch_association_type(
    ctx: ServiceContext, customer: Customer, to_type: AssociationType
) -> None:
    """The type switch takes effect."""
    load_contributors()
    previous = customer.association_type
    customer.association_type = to_type
    await ctx.session.flush()
    for hook in SWITCHED_HOOKS:
        await hook(ctx, customer, previous)
