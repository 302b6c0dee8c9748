"""Resolvers of recharges: orders, payment confirmations, bank transfers, lists."""

from __future__ import annotations

from decimal import Decimal
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from app.context import RequestContext
from app.models.core.enums import RechargeChannel, RechargeStatus
from app.resolvers.core.ids import parse_id, require_id
from app.resolvers.core.mutations import Outcome, run_idempotent
from app.resolvers.core.reload import reloaded
from app.services.core.pagination import Page, PageRequest
from app.services.funds import recharge_pool
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
        statuses=tuple(RechargeStatus(s.value) for s in value.statuses) if value.statuses else None,
        channels=tuple(RechargeChannel(c.value) for c in value.channels)
        if value.channels
        else None,
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
    channel = RechargeChannel(input.channel.value)
    customer_id = parse_id(input.customer_id, "Customer")
    if input.customer_id is not None and customer_id is None:
        customer_id = 0  # a malformed id names no customer: NOT_FOUND, not "no customer"

    def prepare() -> dict[str, Any]:
        amount = service.validate_order(channel, input.amount, input.currency)
        return {"channel": channel.value, "amount": str(amount), "customer": input.customer_id}

    async def work(values: dict[str, Any]) -> dict[str, int | None]:
        recharge = await service.create_recharge(
            ctx.service, channel, Decimal(values["amount"]), customer_id=customer_id
        )
        return {"recharge": recharge.id}

    outcome = await run_idempotent(ctx, "createRecharge", input.idempotency_key, prepare, work)
    return await _recharge_outcome(ctx, outcome)


async def confirm_recharge_payment(
    ctx: RequestContext, input: ConfirmRechargePaymentInput
) -> Outcome[Any]:
    recharge_id = parse_id(input.recharge_id, "Recharge")

    def prepare() -> dict[str, Any]:
        amount, reference = service.validate_payment(
            input.amount, input.currency, input.payment_reference, input.paid_at
        )
        return {
            "recharge": input.recharge_id,
            "reference": reference,
            "amount": str(amount),
            "paidAt": input.paid_at.isoformat() if input.paid_at else None,
        }

    async def work(values: dict[str, Any]) -> dict[str, int | None]:
        recharge = await service.confirm_recharge_payment(
            ctx.service,
            recharge_id,
            values["reference"],
            Decimal(values["amount"]),
            input.paid_at,
        )
        return {"recharge": recharge.id}

    outcome = await run_idempotent(
        ctx, "confirmRechargePayment", input.idempotency_key, prepare, work
    )
    return await _recharge_outcome(ctx, outcome)


async def record_bank_transfer(ctx: RequestContext, input: RecordBankTransferInput) -> Outcome[Any]:
    def prepare() -> dict[str, Any]:
        amount, reference = service.validate_payment(
            input.amount, input.currency, input.payment_reference, input.paid_at
        )
        return {
            "account": input.remittance_account,
            "reference": reference,
            "amount": str(amount),
            "paidAt": input.paid_at.isoformat() if input.paid_at else None,
        }

    async def work(values: dict[str, Any]) -> dict[str, int | None]:
        recharge = await service.record_bank_transfer(
            ctx.service,
            input.remittance_account,
            Decimal(values["amount"]),
            values["reference"],
            paid_at=input.paid_at,
        )
        return {"recharge": recharge.id}

    outcome = await run_idempotent(ctx, "recordBankTransfer", input.idempotency_key, prepare, work)
    return await _recharge_outcome(ctx, outcome)
