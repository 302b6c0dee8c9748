"""`consumption verify`, ledger side: every consumption-kind posting has its consumption.

A consumption-kind posting is a ledger transaction that charges a customer for consumption
(`CUSTOMER_CHARGE`), pays an order (`PARTNER_ORDER_PAYMENT`, `CUSTOMER_ORDER_PAYMENT`) or gives
money back for one (`PARTNER_REFUND`, `CUSTOMER_REFUND`) -- whatever its reference says. Its
amount is its `platform.revenue` leg (what the sale earned, negative for a refund). Each must be
accounted for:

- a consumption charge by the daily charge row of the customer-day its reference names
  (`Consumption:<customer>:<day>`, as rating writes it); a charge that names no day, or the
  day of another customer, is reported on its own, and every customer-day's postings must add
  up to what its charge row charged;
- an order payment by its `OrderPayment` row, a refund by its `OrderRefund` row (a posting
  with neither is reported), and, inside the retention window, per order and bill cycle, the
  payments by the order's own lines and the refunds by the `REFUND` lines naming the order;
  beyond the window, per customer and cycle, by the yearly/monthly rollups. A posting belongs
  to the cycle of its business day (a payment's and a refund's lines are written at once).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import (
    ConsumptionCharge,
    ConsumptionDetail,
    ConsumptionRollup,
    LedgerEntry,
    LedgerTransaction,
    OrderPayment,
    OrderRefund,
)
from app.models.consumption.enums import DetailKind
from app.models.customers.enums import BillingMode
from app.models.funds.enums import LedgerAccount, LedgerKind
from app.services.consumption.calendar import business_day, current_cycle, cycle_of
from app.services.consumption.retention import oldest_kept_cycle

CHARGE_KINDS = (LedgerKind.CUSTOMER_CHARGE,)
PAYMENT_KINDS = (LedgerKind.PARTNER_ORDER_PAYMENT, LedgerKind.CUSTOMER_ORDER_PAYMENT)
REFUND_KINDS = (LedgerKind.PARTNER_REFUND, LedgerKind.CUSTOMER_REFUND)
CONSUMPTION_KINDS = (*CHARGE_KINDS, *PAYMENT_KINDS, *REFUND_KINDS)


def retained_from() -> str:
    """The oldest cycle inside the retention window, drawn where the purge draws it
    (`retention.is_due`: a cycle's details go `consumption_retention_months` after it ends)."""
    return oldest_kept_cycle(current_cycle())


@dataclass(frozen=True, slots=True)
class Posting:
    id: int
    kind: LedgerKind
    reference: str
    created_at: datetime
    amount: Decimal  # the platform.revenue leg
    customer_id: int | None  # the customer leg's, if any
    number: str  # the transaction id partners see

    @property
    def cycle(self) -> str:
        return cycle_of(business_day(self.created_at))

    def describe(self) -> str:
        return (
            f"ledger {self.number} ({self.kind.value} {money(self.amount)}, "
            f"reference {self.reference!r})"
        )


async def _postings(session: AsyncSession) -> list[Posting]:
    revenue = func.sum(
        case((LedgerEntry.account == LedgerAccount.PLATFORM_REVENUE, LedgerEntry.amount), else_=0)
    )
    rows = await session.execute(
        select(
            LedgerTransaction.id,
            LedgerTransaction.kind,
            LedgerTransaction.reference,
            LedgerTransaction.created_at,
            revenue,
            func.max(LedgerEntry.customer_id),
            LedgerTransaction.number,
        )
        .join(LedgerEntry, LedgerEntry.transaction_id == LedgerTransaction.id)
        .where(LedgerTransaction.kind.in_(CONSUMPTION_KINDS))
        .group_by(
            LedgerTransaction.id,
            LedgerTransaction.kind,
            LedgerTransaction.reference,
            LedgerTransaction.created_at,
            LedgerTransaction.number,
        )
        .order_by(LedgerTransaction.id)
    )
    return [Posting(*row[:4], Decimal(row[4]), row[5], row[6]) for row in rows]


def money(value: Decimal) -> str:
    """An amount as a reader expects it: cents, unless it has sub-cent digits (scale 8)."""
    cents = value.quantize(Decimal("0.01"))
    return str(cents if cents == value else value.normalize())


def _charge_day(reference: str) -> tuple[int, date] | None:
    """(customer id, day) of a `Consumption:<customer>:<day>` reference, else None."""
    parts = reference.split(":")
    if len(parts) != 3 or parts[0] != "Consumption":
        return None
    try:
        return int(parts[1]), date.fromisoformat(parts[2])
    except ValueError:
        return None


async def _check_charges(session: AsyncSession, postings: list[Posting]) -> list[str]:
    charged = {
        (customer_id, day): amount
        for customer_id, day, amount in await session.execute(
            select(ConsumptionCharge.customer_id, ConsumptionCharge.day, ConsumptionCharge.charged)
        )
    }
    problems = []
    booked: dict[tuple[int, date], Decimal] = defaultdict(Decimal)
    for posting in postings:
        named = _charge_day(posting.reference)
        if named is None or named[0] != posting.customer_id or named not in charged:
            problems.append(
                f"{posting.describe()} charges customer {posting.customer_id} for "
                "consumption that no consumption day accounts for"
            )
            continue
        booked[named] += posting.amount
    for key in sorted(booked, key=str):
        if booked[key] != charged[key]:
            problems.append(
                f"customer {key[0]}, day {key[1]}: the ledger charged {money(booked[key])} "
                f"for consumption, the day's charge says {money(charged[key])}"
            )
    for key in sorted(set(charged) - set(booked), key=str):
        if charged[key] != 0:
            problems.append(
                f"customer {key[0]}, day {key[1]}: the day's charge says {money(charged[key])}, "
                "the ledger charged nothing"
            )
    return problems


async def _order_of(session: AsyncSession, model: type, order_column: str) -> dict[int, tuple]:
    """transaction id -> (order id, customer id) of the payment or refund rows."""
    rows = await session.execute(
        select(model.transaction_id, getattr(model, order_column), model.customer_id).where(
            model.transaction_id.is_not(None)
        )
    )
    return {tx: (order_id, customer_id) for tx, order_id, customer_id in rows}


async def _check_orders(session: AsyncSession, postings: list[Posting], since: str) -> list[str]:
    paid = await _order_of(session, OrderPayment, "order_id")
    refunded = await _order_of(session, OrderRefund, "refunded_order_id")
    problems = []
    # (order id, cycle, is refund) -> amount and the postings behind it
    ledger: dict[tuple[int, str, bool], Decimal] = defaultdict(Decimal)
    numbers: dict[tuple[int, str, bool], list[str]] = defaultdict(list)
    old: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    for posting in postings:
        is_refund = posting.kind in REFUND_KINDS
        found = (refunded if is_refund else paid).get(posting.id)
        if found is None:
            what = "refund" if is_refund else "payment"
            problems.append(f"{posting.describe()} is no order's {what}: no consumption line")
            continue
        order_id, customer_id = found
        if posting.cycle < since:
            old[(customer_id, posting.cycle)] += posting.amount
            continue
        key = (order_id, posting.cycle, is_refund)
        ledger[key] += posting.amount
        numbers[key].append(posting.number)
    lines: dict[tuple[int, str, bool], Decimal] = defaultdict(Decimal)
    for order_id, cycle, kind, total in await session.execute(
        select(
            ConsumptionDetail.order_id,
            ConsumptionDetail.bill_cycle,
            ConsumptionDetail.kind,
            func.sum(ConsumptionDetail.amount_due),
        )
        .where(
            ConsumptionDetail.order_id.is_not(None),
            ConsumptionDetail.billing_mode == BillingMode.YEARLY_MONTHLY,
            ConsumptionDetail.bill_cycle >= since,
        )
        .group_by(ConsumptionDetail.order_id, ConsumptionDetail.bill_cycle, ConsumptionDetail.kind)
    ):
        lines[(order_id, cycle, kind is DetailKind.REFUND)] += total
    for key in sorted(set(ledger) | set(lines), key=str):
        a, b = ledger.get(key, Decimal(0)), lines.get(key, Decimal(0))
        if a != b:
            order_id, cycle, is_refund = key
            what = "refunded" if is_refund else "paid"
            seen = ", ".join(numbers.get(key, [])) or "no posting"
            problems.append(
                f"order {order_id}, cycle {cycle}: the ledger {what} {money(a)} ({seen}), "
                f"its {'refund' if is_refund else 'order'} lines say {money(b)}"
            )
    problems += await _check_old_orders(session, old, since)
    return problems


async def _check_old_orders(
    session: AsyncSession, old: dict[tuple[int, str], Decimal], since: str
) -> list[str]:
    """Beyond the retention window: yearly/monthly rollups against the postings."""
    rolled = {
        (customer_id, cycle): total
        for customer_id, cycle, total in await session.execute(
            select(
                ConsumptionRollup.customer_id,
                ConsumptionRollup.bill_cycle,
                func.sum(ConsumptionRollup.amount_due),
            )
            .where(
                ConsumptionRollup.bill_cycle < since,
                ConsumptionRollup.billing_mode == BillingMode.YEARLY_MONTHLY,
            )
            .group_by(ConsumptionRollup.customer_id, ConsumptionRollup.bill_cycle)
        )
    }
    problems = []
    for key in sorted(set(old) | set(rolled), key=str):
        a, b = old.get(key, Decimal(0)), rolled.get(key, Decimal(0))
        if a != b:
            problems.append(
                f"customer {key[0]}, cycle {key[1]} (beyond retention): orders paid net of "
                f"refunds {money(a)} in the ledger, the yearly/monthly rollups say {money(b)}"
            )
    return problems


async def verify_postings(session: AsyncSession, since: str) -> list[str]:
    """Every consumption-kind posting the consumption data does not account for."""
    postings = await _postings(session)
    problems = await _check_charges(session, [p for p in postings if p.kind in CHARGE_KINDS])
    problems += await _check_orders(
        session, [p for p in postings if p.kind not in CHARGE_KINDS], since
    )
    return problems
