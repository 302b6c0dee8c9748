"""Accounts and the double-entry ledger.

Balance columns are a cache of the ledger, updated in the same transaction as the entries
(only `app.services.funds.ledger.post` writes them); `funds verify` recomputes them from the
entries.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.core.base import (
    Base,
    co_locate,
    created_at_column,
    enum_column,
    tenant_id_column,
    tenant_partner_column,
)
from app.models.core.types import Money, UTCDateTime
from app.models.funds.enums import LedgerAccount, LedgerKind

ZERO = Decimal("0.00")


class PartnerAccount(Base):
    """A partner's cash: `allocatable` + `held` = balance; `incentive` is separate (rebates)."""

    __tablename__ = "partner_accounts"

    partner_id: Mapped[int] = tenant_partner_column()
    allocatable: Mapped[Decimal] = mapped_column(Money(2), default=ZERO)
    held: Mapped[Decimal] = mapped_column(Money(2), default=ZERO)
    incentive: Mapped[Decimal] = mapped_column(Money(2), default=ZERO)
    updated_at: Mapped[datetime] = created_at_column()


class CustomerAccount(Base):
    """A customer's balance (may go negative) and the credit limit its partner grants."""

    __tablename__ = "customer_accounts"
    __table_args__ = (Index("ix_customer_accounts_partner", "partner_id", "customer_id"),)

    customer_id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = tenant_partner_column()
    balance: Mapped[Decimal] = mapped_column(Money(2), default=ZERO)
    credit_limit: Mapped[Decimal] = mapped_column(Money(2), default=ZERO)
    # A former REFERRAL customer's own cash, set aside when it switched to RESELLER: not
    # spendable, withdrawable only by the customer (DOMAIN.md > Customers).
    frozen_own_cash: Mapped[Decimal] = mapped_column(Money(2), default=ZERO)
    # Frozen own cash the customer asked to withdraw, held until paid out or rejected.
    own_cash_held: Mapped[Decimal] = mapped_column(Money(2), default=ZERO)
    # When the balance first fell below -credit_limit (arrears); cleared when repaid.
    arrears_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = created_at_column()


co_locate(CustomerAccount, customer_id="customers")


class LedgerTransaction(Base):
    """One balanced money movement: its entries sum to zero."""

    __tablename__ = "ledger_transactions"
    __table_args__ = (
        Index("ix_ledger_transactions_partner", "partner_id", "created_at", "id"),
        UniqueConstraint("partner_id", "number"),
    )

    id: Mapped[int] = tenant_id_column()
    partner_id: Mapped[int] = tenant_partner_column()
    # The public transaction id: business date and a random part (`ledger.new_number`),
    # so it tells nothing about how many transactions anyone made.
    number: Mapped[str] = mapped_column(String(32))
    kind: Mapped[LedgerKind] = mapped_column(enum_column(LedgerKind))
    # What caused it, e.g. "Adjustment:12", "Recharge:7".
    reference: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = created_at_column()


class LedgerEntry(Base):
    """One leg of a transaction on one account, with that account's balance after it."""

    __tablename__ = "ledger_entries"
    __table_args__ = (
        Index("ix_ledger_entries_partner_account", "partner_id", "account", "created_at", "id"),
        Index(
            "ix_ledger_entries_partner_customer", "partner_id", "customer_id", "created_at", "id"
        ),
        Index("ix_ledger_entries_transaction", "transaction_id"),
    )

    id: Mapped[int] = tenant_id_column()
    partner_id: Mapped[int] = tenant_partner_column()
    transaction_id: Mapped[int] = mapped_column()
    kind: Mapped[LedgerKind] = mapped_column(enum_column(LedgerKind))
    account: Mapped[LedgerAccount] = mapped_column(enum_column(LedgerAccount))
    customer_id: Mapped[int | None] = mapped_column()
    amount: Mapped[Decimal] = mapped_column(Money(2))
    # Balance of this partner/customer account after the entry; null for platform accounts.
    balance_after: Mapped[Decimal | None] = mapped_column(Money(2))
    created_at: Mapped[datetime] = created_at_column()


co_locate(LedgerEntry, transaction_id="ledger_transactions", customer_id="customers")
