"""Resolvers of customer withdrawals: the customer's request, the platform's review, lists."""

from __future__ import annotations

from operator import itemgetter
from typing import TYPE_CHECKING, Any

from app.context import RequestContext
from app.resolvers.core.ids import parse_id, parse_optional_id, require_id
from app.resolvers.core.mutations import Outcome, run_mutation, run_once
from app.resolvers.core.reload import reloaded
from app.services.core.pagination import Page, PageRequest
from app.services.funds import customer_withdrawal_reviews as reviews
from app.services.funds import customer_withdrawals as service
from app.services.funds.customer_withdrawals import CustomerWithdrawalFilter
from app.services.funds.withdrawals import BankCard

if TYPE_CHECKING:
    from app.schema.funds.customer_withdrawals import (
        ApproveCustomerWithdrawalInput,
        MarkCustomerWithdrawalPaidInput,
        RejectCustomerWithdrawalInput,
        RequestCustomerWithdrawalInput,
    )
    from app.schema.funds.customer_withdrawals import (
        CustomerWithdrawalFilter as CustomerWithdrawalFilterInput,
    )


def to_filter(value: CustomerWithdrawalFilterInput | None) -> CustomerWithdrawalFilter:
    if value is None:
        return CustomerWithdrawalFilter()
    return CustomerWithdrawalFilter(
        statuses=tuple(value.statuses) if value.statuses else None,
        customer_id=require_id(value.customer_id, "Customer", "customerId")
        if value.customer_id is not None
        else None,
    )


async def list_customer_withdrawals(
    ctx: RequestContext,
    filter: CustomerWithdrawalFilterInput | None,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Page:
    page = PageRequest.from_args(first, after, last, before)
    result = await service.list_customer_withdrawals(ctx.service, to_filter(filter), page)
    ctx.loaders.customer_withdrawal.prime_many(result.rows)
    return result


async def _loaded(ctx: RequestContext, outcome: Outcome[Any]) -> Outcome[Any]:
    return await reloaded(
        outcome, ctx.loaders.customer_withdrawal, itemgetter("customerWithdrawal")
    )


async def request_customer_withdrawal(
    ctx: RequestContext, input: RequestCustomerWithdrawalInput
) -> Outcome[Any]:
    customer_id = parse_optional_id(input.customer_id, "Customer")
    card = BankCard(input.bank_card.holder, input.bank_card.bank_name, input.bank_card.card_number)
    outcome = await run_once(
        lambda: service.request_customer_withdrawal.once(
            ctx.service,
            input.idempotency_key,
            customer_id,
            input.amount,
            card,
            currency=input.currency,
        )
    )
    if customer_id is not None:
        ctx.loaders.customer_position.clear(customer_id)
    return await _loaded(ctx, outcome)


async def approve_customer_withdrawal(
    ctx: RequestContext, input: ApproveCustomerWithdrawalInput
) -> Outcome[Any]:
    withdrawal_id = parse_id(input.customer_withdrawal_id, "CustomerWithdrawal")

    async def work() -> dict[str, Any]:
        withdrawal = await reviews.approve_customer_withdrawal(ctx.service, withdrawal_id)
        return {"customerWithdrawal": withdrawal.id}

    return await _loaded(ctx, await run_mutation(ctx, work))


async def reject_customer_withdrawal(
    ctx: RequestContext, input: RejectCustomerWithdrawalInput
) -> Outcome[Any]:
    withdrawal_id = parse_id(input.customer_withdrawal_id, "CustomerWithdrawal")
    outcome = await run_once(
        lambda: reviews.reject_customer_withdrawal.once(
            ctx.service, input.idempotency_key, withdrawal_id, input.reason
        )
    )
    return await _loaded(ctx, outcome)


async def mark_customer_withdrawal_paid(
    ctx: RequestContext, input: MarkCustomerWithdrawalPaidInput
) -> Outcome[Any]:
    withdrawal_id = parse_id(input.customer_withdrawal_id, "CustomerWithdrawal")
    outcome = await run_once(
        lambda: reviews.mark_customer_withdrawal_paid.once(
            ctx.service, input.idempotency_key, withdrawal_id
        )
    )
    return await _loaded(ctx, outcome)
