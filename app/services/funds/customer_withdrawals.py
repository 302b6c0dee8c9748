"""Customer withdrawals: a customer takes out its own cash frozen by a REFERRAL -> RESELLER
switch (the only way that money can leave).

- Who: the customer (CUSTOMER principal), naming the association whose account holds the
  frozen cash; also after that association has ended -- the money is still the customer's.
- How much: more than 0, at most the frozen own cash not already asked for
  (`INSUFFICIENT_BALANCE`, also when all of it is held by open requests); a customer with
  neither frozen nor held own cash answers `NO_FROZEN_CASH`.
- Where to: a bank account whose holder is the customer's real-name company (width, spaces
  and case ignored; `ACCOUNT_HOLDER_MISMATCH`). There is no original-route option: the
  frozen amount is a lump left of several own recharges and payments, not one recharge.
- The money: on submit it moves from the frozen cash to a held account
  (customer.frozen_cash -X, customer.cash_held +X, `OWN_CASH_HELD`); when the platform marks
  it paid it leaves the system (customer.cash_held -X, platform.external +X,
  `OWN_CASH_PAID_OUT`); a rejection freezes it again (customer.cash_held -X,
  customer.frozen_cash +X, `OWN_CASH_RELEASED`). Reviews are in `customer_withdrawal_reviews`.
- Who sees them: the customer its own; the partner's ADMIN and FINANCE those of its
  customers, read-only (it is the customer's money and bank account, not the partner's
  books: VIEWER and SALES do not); the platform all. Other partners never.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, false, select

from app.models import CloudAccount, Customer, CustomerWithdrawal
from app.models.funds.enums import LedgerAccount, LedgerKind, WithdrawalRoute, WithdrawalStatus
from app.models.partners.enums import PrincipalKind
from app.services.core import audit
from app.services.core.context import ServiceContext
from app.services.core.errors import DomainError, ErrorCode
from app.services.core.idempotency import idempotent, resolve
from app.services.core.money import cents
from app.services.core.pagination import Direction, Ordering, Page, PageRequest, fetch_page
from app.services.core.principal import PARTNER_ROLES, Permission, Principal
from app.services.core.scoping import visible
from app.services.funds import ledger
from app.services.funds.accounts import lock_customer_accounts
from app.services.funds.ledger import Leg
from app.services.funds.withdrawals import BankCard, normalized_holder, validate

COLUMNS = (
    CustomerWithdrawal.id,
    CustomerWithdrawal.partner_id,
    CustomerWithdrawal.customer_id,
    CustomerWithdrawal.status,
    CustomerWithdrawal.amount,
    CustomerWithdrawal.currency,
    CustomerWithdrawal.account_holder,
    CustomerWithdrawal.bank_name,
    CustomerWithdrawal.card_number,
    CustomerWithdrawal.reject_reason,
    CustomerWithdrawal.created_at,
    CustomerWithdrawal.reviewed_at,
    CustomerWithdrawal.paid_at,
    CustomerWithdrawal.due_date,
)


def reference(withdrawal: CustomerWithdrawal) -> str:
    """What its ledger transactions name as their cause."""
    return f"CustomerWithdrawal:{withdrawal.id}"


def customer_withdrawal_ids(withdrawal: CustomerWithdrawal) -> dict[str, int | None]:
    """What a customer withdrawal mutation's idempotency key stores."""
    return {"customerWithdrawal": withdrawal.id}


def _request_key(
    customer_id: int | None, amount: Decimal, card: BankCard | None, currency: str = "CNY"
) -> dict[str, Any]:
    amount = validate(WithdrawalRoute.BANK_CARD, amount, currency, False, card)
    assert card is not None
    return {
        "customer": customer_id,
        "amount": str(amount),
        "card": [card.holder, card.bank_name, card.card_number],
    }


async def _authorize_request(
    ctx: ServiceContext,
    customer_id: int | None,
    amount: Decimal,
    card: BankCard | None,
    currency: str = "CNY",
) -> None:
    ctx.principal.require_customer()
    await resolve(ctx, Customer, customer_id, ["customerId"], "No such customer.")


@idempotent(
    "requestCustomerWithdrawal",
    bind=_request_key,
    authorize=_authorize_request,
    ids=customer_withdrawal_ids,
)
async def request_customer_withdrawal(
    ctx: ServiceContext,
    customer_id: int | None,
    amount: Decimal,
    card: BankCard | None,
    currency: str = "CNY",
) -> CustomerWithdrawal:
    """Ask the platform to pay out frozen own cash (CUSTOMER); it is held from now on."""
    ctx.principal.require_customer()
    amount = validate(WithdrawalRoute.BANK_CARD, amount, currency, False, card)
    assert card is not None
    session = ctx.session
    customer = None
    if customer_id is not None:
        customer = await session.scalar(
            select(Customer).where(visible(ctx.principal, Customer), Customer.id == customer_id)
        )
    if customer is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such customer.", ["customerId"])
    account = (await lock_customer_accounts(session, customer.partner_id, [customer.id]))[
        customer.id
    ]
    if account.frozen_own_cash <= 0 and account.own_cash_held <= 0:
        raise DomainError(
            ErrorCode.NO_FROZEN_CASH,
            "This account holds no frozen own cash to withdraw.",
            ["customerId"],
        )
    if amount > account.frozen_own_cash:
        raise DomainError(
            ErrorCode.INSUFFICIENT_BALANCE,
            f"{account.frozen_own_cash} of frozen own cash can be withdrawn; asked for {amount}.",
            ["amount"],
        )
    cloud_account = await session.get(CloudAccount, customer.cloud_account_id)
    assert cloud_account is not None
    if normalized_holder(card.holder) != normalized_holder(cloud_account.company_name):
        raise DomainError(
            ErrorCode.ACCOUNT_HOLDER_MISMATCH,
            "The bank account must belong to the customer's real-name company.",
            ["bankCard", "holder"],
        )
    withdrawal = CustomerWithdrawal(
        partner_id=customer.partner_id,
        customer_id=customer.id,
        status=WithdrawalStatus.SUBMITTED,
        amount=cents(amount),
        account_holder=card.holder.strip(),
        bank_name=card.bank_name.strip(),
        card_number=card.card_number.replace(" ", ""),
    )
    session.add(withdrawal)
    await session.flush()
    await ledger.post(
        session,
        partner_id=customer.partner_id,
        kind=LedgerKind.OWN_CASH_HELD,
        reference=reference(withdrawal),
        legs=[
            Leg(LedgerAccount.CUSTOMER_FROZEN_CASH, -withdrawal.amount, account),
            Leg(LedgerAccount.CUSTOMER_CASH_HELD, withdrawal.amount, account),
        ],
    )
    await session.flush()
    await audit.record(
        ctx,
        "funds.request_customer_withdrawal",
        "CustomerWithdrawal",
        withdrawal.id,
        partner_id=customer.partner_id,
        after={"customerId": customer.id, "amount": withdrawal.amount, "status": "SUBMITTED"},
    )
    return withdrawal


def readable(principal: Principal) -> ColumnElement[bool]:
    """Which customer withdrawals the caller may read (see the module's docstring)."""
    if principal.kind is PrincipalKind.PARTNER_USER and (
        principal.role not in PARTNER_ROLES[Permission.FUNDS]
    ):
        return false()
    return visible(principal, CustomerWithdrawal)


@dataclass(frozen=True, slots=True)
class CustomerWithdrawalFilter:
    statuses: tuple[WithdrawalStatus, ...] | None = None
    customer_id: int | None = None


def _filtered(ctx: ServiceContext, f: CustomerWithdrawalFilter) -> Select[Any]:
    stmt = select(*COLUMNS).where(readable(ctx.principal))
    if f.statuses:
        stmt = stmt.where(CustomerWithdrawal.status.in_(f.statuses))
    if f.customer_id is not None:
        stmt = stmt.where(CustomerWithdrawal.customer_id == f.customer_id)
    return stmt


async def list_customer_withdrawals(
    ctx: ServiceContext, f: CustomerWithdrawalFilter, page: PageRequest
) -> Page:
    """Customer withdrawals the caller may read, newest first (a partner's SALES and VIEWER
    users are refused: FORBIDDEN)."""
    if ctx.principal.kind is PrincipalKind.PARTNER_USER:
        ctx.principal.require(Permission.FUNDS)
    ordering = Ordering(
        "CREATED_AT", CustomerWithdrawal.created_at, CustomerWithdrawal.id, Direction.DESC
    )
    return await fetch_page(ctx.session, _filtered(ctx, f), ordering, page, lambda r: r.created_at)


async def get_customer_withdrawals(ctx: ServiceContext, ids: Sequence[int]) -> dict[int, Any]:
    """Customer withdrawals by id, as far as the caller may read them."""
    rows = await ctx.session.execute(
        select(*COLUMNS).where(readable(ctx.principal), CustomerWithdrawal.id.in_(ids))
    )
    return {row.id: row for row in rows}
