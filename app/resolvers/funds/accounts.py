"""Resolvers of accounts and budgets."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.context import RequestContext
from app.resolvers.core.ids import parse_id
from app.resolvers.core.mutations import Outcome, run_mutation
from app.resolvers.core.reload import reloaded
from app.services.funds import credit, withdrawals
from app.services.funds.accounts import CustomerPosition

if TYPE_CHECKING:
    from app.schema.funds.accounts import SetCustomerCreditLimitInput


async def customer_position(ctx: RequestContext, customer_id: int) -> CustomerPosition:
    return await ctx.loaders.customer_position.load(customer_id)


async def customer_positions(
    ctx: RequestContext, customer_ids: list[int]
) -> list[CustomerPosition]:
    """`customer_position` of several customers, in one batch (the look-ahead's)."""
    return await ctx.loaders.customer_position.load_many(customer_ids)


async def partner_account(ctx: RequestContext, partner_id: int) -> Any:
    return await ctx.loaders.partner_account.load(partner_id)


async def withdrawable(ctx: RequestContext, partner_id: int) -> withdrawals.Withdrawable:
    return await withdrawals.withdrawable(ctx.service, partner_id)


async def set_customer_credit_limit(
    ctx: RequestContext, input: SetCustomerCreditLimitInput
) -> Outcome[Any]:
    customer_id = parse_id(input.customer_id, "Customer")

    async def work() -> int:
        account = await credit.set_customer_credit_limit(
            ctx.service, customer_id, input.credit_limit, input.currency
        )
        return account.customer_id

    outcome = await run_mutation(ctx, work)
    if outcome.value is not None:
        ctx.loaders.customer_position.clear(outcome.value)
    return await reloaded(outcome, ctx.loaders.customer)
