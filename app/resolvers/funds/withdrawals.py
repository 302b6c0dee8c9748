"""Resolvers of withdrawals: requests, platform review, deletion, lists."""

from __future__ import annotations

from operator import itemgetter
from typing import TYPE_CHECKING, Any

from app.context import RequestContext
from app.resolvers.core.ids import parse_id
from app.resolvers.core.mutations import Outcome, run_mutation, run_once
from app.resolvers.core.reload import reloaded
from app.services.core.pagination import Page, PageRequest
from app.services.funds import withdrawal_reviews as reviews
from app.services.funds import withdrawals as service
from app.services.funds.withdrawals import BankCard, WithdrawalFilter

if TYPE_CHECKING:
    from app.schema.funds.withdrawals import (
        ApproveWithdrawalInput,
        DeleteWithdrawalInput,
        MarkWithdrawalPaidInput,
        RejectWithdrawalInput,
        RequestWithdrawalInput,
    )
    from app.schema.funds.withdrawals import WithdrawalFilter as WithdrawalFilterInput


def to_filter(value: WithdrawalFilterInput | None) -> WithdrawalFilter:
    if value is None:
        return WithdrawalFilter()
    return WithdrawalFilter(
        statuses=tuple(value.statuses) if value.statuses else None,
        routes=tuple(value.routes) if value.routes else None,
    )


async def list_withdrawals(
    ctx: RequestContext,
    filter: WithdrawalFilterInput | None,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Page:
    page = PageRequest.from_args(first, after, last, before)
    result = await service.list_withdrawals(ctx.service, to_filter(filter), page)
    ctx.loaders.withdrawal.prime_many(result.rows)
    return result


async def _loaded(ctx: RequestContext, outcome: Outcome[Any]) -> Outcome[Any]:
    return await reloaded(outcome, ctx.loaders.withdrawal, itemgetter("withdrawal"))


async def request_withdrawal(ctx: RequestContext, input: RequestWithdrawalInput) -> Outcome[Any]:
    route = input.route
    recharge_id = parse_id(input.recharge_id, "Recharge")
    card = (
        BankCard(input.bank_card.holder, input.bank_card.bank_name, input.bank_card.card_number)
        if input.bank_card is not None
        else None
    )

    if input.recharge_id is not None and recharge_id is None:
        recharge_id = 0  # a malformed id names no recharge: NOT_FOUND, not "no recharge"
    outcome = await run_once(
        lambda: service.request_withdrawal.once(
            ctx.service,
            input.idempotency_key,
            route,
            input.amount,
            recharge_id=recharge_id,
            card=card,
            currency=input.currency,
        )
    )
    return await _loaded(ctx, outcome)


async def approve_withdrawal(ctx: RequestContext, input: ApproveWithdrawalInput) -> Outcome[Any]:
    withdrawal_id = parse_id(input.withdrawal_id, "Withdrawal")

    async def work() -> dict[str, Any]:
        withdrawal = await reviews.approve_withdrawal(ctx.service, withdrawal_id)
        return {"withdrawal": withdrawal.id}

    return await _loaded(ctx, await run_mutation(ctx, work))


async def reject_withdrawal(ctx: RequestContext, input: RejectWithdrawalInput) -> Outcome[Any]:
    withdrawal_id = parse_id(input.withdrawal_id, "Withdrawal")

    outcome = await run_once(
        lambda: reviews.reject_withdrawal.once(
            ctx.service, input.idempotency_key, withdrawal_id, input.reason
        )
    )
    return await _loaded(ctx, outcome)


async def mark_withdrawal_paid(ctx: RequestContext, input: MarkWithdrawalPaidInput) -> Outcome[Any]:
    withdrawal_id = parse_id(input.withdrawal_id, "Withdrawal")

    outcome = await run_once(
        lambda: reviews.mark_withdrawal_paid.once(ctx.service, input.idempotency_key, withdrawal_id)
    )
    return await _loaded(ctx, outcome)


async def delete_withdrawal(ctx: RequestContext, input: DeleteWithdrawalInput) -> Outcome[Any]:
    withdrawal_id = parse_id(input.withdrawal_id, "Withdrawal")

    async def work() -> int:
        return await reviews.delete_withdrawal(ctx.service, withdrawal_id)

    outcome = await run_mutation(ctx, work)
    if outcome.value is not None:
        ctx.loaders.withdrawal.clear(outcome.value)
    return outcome
