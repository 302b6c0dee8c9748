"""Resolvers of recharges: orders, payment confirmations, bank transfers, remittance
accounts, lists."""

from __future__ import annotations

from operator import itemgetter
from typing import TYPE_CHECKING, Any

from app.context import RequestContext
from app.resolvers.core.ids import parse_id, parse_optional_id, require_id
from app.resolvers.core.mutations import Outcome, run_once
from app.resolvers.core.reload import reloaded
from app.services.core.pagination import Page, PageRequest
from app.services.funds import bank_transfers, recharge_pool
from app.services.funds import recharges as service
from app.services.funds.recharges import RechargeFilter

if TYPE_CHECKING:
    from app.schema.funds.recharges import (
        ConfirmRechargePaymentInput,
        CreateRechargeInput,
        RecordBankTransferInput,
    )
    from app.schema.funds.recharges import RechargeFilter as RechargeFilterInput


def to_filter(value: RechargeFilterInput | None) -> RechargeFilter:
    if value is None:
        return RechargeFilter()
    return RechargeFilter(
        statuses=tuple(value.statuses) if value.statuses else None,
        channels=tuple(value.channels) if value.channels else None,
        customer_id=require_id(value.customer_id, "Customer", "customerId")
        if value.customer_id is not None
        else None,
        own_only=bool(value.partner_only),
    )


async def list_recharges(
    ctx: RequestContext,
    filter: RechargeFilterInput | None,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Page:
    page = PageRequest.from_args(first, after, last, before)
    result = await service.list_recharges(ctx.service, to_filter(filter), page)
    ctx.loaders.recharge.prime_many(result.rows)
    return result


async def route_window(ctx: RequestContext, row: Any) -> recharge_pool.RouteWindow:
    """A recharge's original-route window; its partner is read only when it can have one."""
    if not recharge_pool.has_route_window(row):
        return recharge_pool.NO_WINDOW
    partner = await ctx.loaders.partner.load(row.partner_id)
    return recharge_pool.route_window(partner.contracting_entity if partner else None, row)


async def _recharge_outcome(ctx: RequestContext, outcome: Outcome[Any]) -> Outcome[Any]:
    return await reloaded(outcome, ctx.loaders.recharge, itemgetter("recharge"))


async def create_recharge(ctx: RequestContext, input: CreateRechargeInput) -> Outcome[Any]:
    channel = input.channel
    customer_id = parse_id(input.customer_id, "Customer")
    if input.customer_id is not None and customer_id is None:
        customer_id = 0  # a malformed id names no customer: NOT_FOUND, not "no customer"

    outcome = await run_once(
        lambda: service.create_recharge.once(
            ctx.service,
            input.idempotency_key,
            channel,
            input.amount,
            customer_id=customer_id,
            currency=input.currency,
        )
    )
    return await _recharge_outcome(ctx, outcome)


async def confirm_recharge_payment(
    ctx: RequestContext, input: ConfirmRechargePaymentInput
) -> Outcome[Any]:
    recharge_id = parse_id(input.recharge_id, "Recharge")

    outcome = await run_once(
        lambda: service.confirm_recharge_payment.once(
            ctx.service,
            input.idempotency_key,
            recharge_id,
            input.payment_reference,
            input.amount,
            input.paid_at,
            currency=input.currency,
        )
    )
    return await _recharge_outcome(ctx, outcome)


async def record_bank_transfer(ctx: RequestContext, input: RecordBankTransferInput) -> Outcome[Any]:
    partner_id = parse_optional_id(input.partner_id, "Partner")
    outcome = await run_once(
        lambda: bank_transfers.record_bank_transfer.once(
            ctx.service,
            input.idempotency_key,
            input.remittance_account,
            input.amount,
            input.payment_reference,
            currency=input.currency,
            paid_at=input.paid_at,
            partner_id=partner_id,
        )
    )
    return await _recharge_outcome(ctx, outcome)


async def remittance_accounts(ctx: RequestContext) -> list[bank_transfers.RemittanceAccount]:
    return await bank_transfers.remittance_accounts(ctx.service)
