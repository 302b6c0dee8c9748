"""Resolvers of withdrawals: requests, platform review, deletion, lists."""

from __future__ import annotations

from decimal import Decimal
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from app.context import RequestContext
from app.models.core.enums import WithdrawalRoute, WithdrawalStatus
from app.resolvers.core.ids import parse_id
from app.resolvers.core.mutations import Outcome, run_idempotent, run_mutation
from app.resolvers.core.reload import reloaded
from app.services.core.pagination import Page, PageRequest
from app.services.core.reasons import check_reason
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
        statuses=tuple(WithdrawalStatus(s.value) for s in value.statuses)
        if value.statuses
        else None,
        routes=tuple(WithdrawalRoute(r.value) for r in value.routes) if value.routes else None,
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
    route = WithdrawalRoute(input.route.value)
    recharge_id = parse_id(input.recharge_id, "Recharge")
    card = (
        BankCard(input.bank_card.holder, input.bank_card.bank_name, input.bank_card.card_number)
        if input.bank_card is not None
        else None
    )

    def prepare() -> dict[str, Any]:
        amount = service.validate(
            route,
            input.amount,
            input.currency,
            input.recharge_id is not None,
            card,
        )
        return {
            "route": route.value,
            "amount": str(amount),
            "recharge": input.recharge_id,
            "card": [card.holder, card.bank_name, card.card_number] if card else None,
        }

    async def work(values: dict[str, Any]) -> dict[str, int | None]:
        withdrawal = await service.request_withdrawal(
            ctx.service, route, Decimal(values["amount"]), recharge_id=recharge_id, card=card
        )
        return {"withdrawal": withdrawal.id}

    outcome = await run_idempotent(ctx, "requestWithdrawal", input.idempotency_key, prepare, work)
    return await _loaded(ctx, outcome)


async def approve_withdrawal(ctx: RequestContext, input: ApproveWithdrawalInput) -> Outcome[Any]:
    withdrawal_id = parse_id(input.withdrawal_id, "Withdrawal")

    async def work() -> dict[str, Any]:
        withdrawal = await reviews.approve_withdrawal(ctx.service, withdrawal_id)
        return {"withdrawal": withdrawal.id}

    return await _loaded(ctx, await run_mutation(ctx, work))


async def reject_withdrawal(ctx: RequestContext, input: RejectWithdrawalInput) -> Outcome[Any]:
    withdrawal_id = parse_id(input.withdrawal_id, "Withdrawal")

    def prepare() -> dict[str, Any]:
        return {"withdrawal": input.withdrawal_id, "reason": check_reason(input.reason)}

    async def work(values: dict[str, Any]) -> dict[str, int | None]:
        withdrawal = await reviews.reject_withdrawal(ctx.service, withdrawal_id, input.reason)
        return {"withdrawal": withdrawal.id}

    outcome = await run_idempotent(ctx, "rejectWithdrawal", input.idempotency_key, prepare, work)
    return await _loaded(ctx, outcome)


async def mark_withdrawal_paid(ctx: RequestContext, input: MarkWithdrawalPaidInput) -> Outcome[Any]:
    withdrawal_id = parse_id(input.withdrawal_id, "Withdrawal")

    def prepare() -> dict[str, Any]:
        return {"withdrawal": input.withdrawal_id}

    async def work(values: dict[str, Any]) -> dict[str, int | None]:
        withdrawal = await reviews.mark_withdrawal_paid(ctx.service, withdrawal_id)
        return {"withdrawal": withdrawal.id}

    outcome = await run_idempotent(ctx, "markWithdrawalPaid", input.idempotency_key, prepare, work)
    return await _loaded(ctx, outcome)


async def delete_withdrawal(ctx: RequestContext, input: DeleteWithdrawalInput) -> Outcome[Any]:
    withdrawal_id = parse_id(input.withdrawal_id, "Withdrawal")

    async def work() -> int:
        return await reviews.delete_withdrawal(ctx.service, withdrawal_id)

    outcome = await run_mutation(ctx, work)
    if outcome.value is not None:
        ctx.loaders.withdrawal.clear(outcome.value)
    return outcome
