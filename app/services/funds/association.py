"""What money means for ending or switching an association (contributed to the lifecycle).

- No disassociation or switch while the customer is in arrears (`ARREARS`).
- A RESELLER customer switches to REFERRAL only once its allocated balance is retrieved
  (`FUNDS_NOT_RETRIEVED`) and no credit is in use (`CREDIT_IN_USE`); its budget then ends.
- When a disassociation takes effect, the remaining allocated balance goes back to the
  partner automatically (`UNBIND_RETRIEVE`).
- When a REFERRAL customer becomes RESELLER, its own earlier cash is set aside
  (`frozen_own_cash`): only partner allocations fund it from then on.
"""

from __future__ import annotations

from sqlalchemy import select

from app.models import Customer, CustomerAccount
from app.models.customers.enums import AssociationType
from app.models.funds.accounts import ZERO
from app.models.funds.enums import LedgerAccount, LedgerKind
from app.models.lifecycle.enums import AssociationChangeKind
from app.services.core.context import ServiceContext
from app.services.core.errors import DomainError, ErrorCode
from app.services.funds import adjustments, ledger
from app.services.funds.accounts import CustomerPosition, lock_customer_accounts
from app.services.funds.credit import track_arrears
from app.services.funds.ledger import Leg
from app.services.lifecycle.association_rules import (
    AssociationChange,
    on_association_ended,
    on_association_type_switched,
    register_blocker,
)


async def _position(ctx: ServiceContext, customer: Customer) -> CustomerPosition | None:
    account = await ctx.session.scalar(
        select(CustomerAccount).where(
            CustomerAccount.partner_id == customer.partner_id,
            CustomerAccount.customer_id == customer.id,
        )
    )
    return None if account is None else CustomerPosition(account.balance, account.credit_limit)


@register_blocker
async def money_blockers(
    ctx: ServiceContext, customer: Customer, change: AssociationChange
) -> list[DomainError]:
    position = await _position(ctx, customer)
    if position is None:
        return []
    errors = []
    if position.arrears > 0:
        errors.append(
            DomainError(
                ErrorCode.ARREARS,
                f"The customer is {position.arrears} in arrears; allocate funds to cover them.",
            )
        )
    switching_to_referral = (
        change.kind is AssociationChangeKind.TYPE_SWITCH
        and change.to_type is AssociationType.REFERRAL
    )
    if switching_to_referral and position.balance > 0:
        errors.append(
            DomainError(
                ErrorCode.FUNDS_NOT_RETRIEVED,
                f"Retrieve the customer's balance of {position.balance} before the switch.",
            )
        )
    if switching_to_referral and position.credit_used > 0:
        errors.append(
            DomainError(
                ErrorCode.CREDIT_IN_USE,
                f"The customer uses {position.credit_used} of its credit; repay it first.",
            )
        )
    return errors


@on_association_ended
async def retrieve_on_disassociation(ctx: ServiceContext, customer: Customer) -> None:
    await adjustments.unbind_retrieve(ctx, customer)


@on_association_type_switched
async def money_after_switch(
    ctx: ServiceContext, customer: Customer, previous: AssociationType
) -> None:
    account = (await lock_customer_accounts(ctx.session, customer.partner_id, [customer.id]))[
        customer.id
    ]
    if customer.association_type is AssociationType.REFERRAL:
        account.credit_limit = ZERO  # a partner budget no longer applies
        track_arrears(account)
        return
    if previous is AssociationType.REFERRAL and account.balance > 0:
        own_cash = account.balance
        await ledger.post(
            ctx.session,
            partner_id=customer.partner_id,
            kind=LedgerKind.OWN_CASH_FROZEN,
            reference=f"Customer:{customer.id}",
            legs=[
                Leg(LedgerAccount.CUSTOMER_BALANCE, -own_cash, account),
                Leg(LedgerAccount.CUSTOMER_FROZEN_CASH, own_cash, account),
            ],
        )
    await ctx.session.flush()
