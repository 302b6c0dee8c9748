"""Property: whatever sequence of consumption, refunds, requests (by amount or by cycles),
cancellations, rejections, issues and returns, the invoiceable amount is exactly what a
simple model says, cycle by cycle:

- each movement is counted once: a cycle's `paid` is exactly what was consumed in it, its
  `refunded` exactly what was refunded in it (refunds land as cash in today's cycle);
- invoices that cover money (REQUESTED, ISSUED, RETURN_REQUESTED) never cover more than was
  paid, in all and in each cycle, and a request never takes the covering total above what was
  paid minus refunded; the requestable total is never negative;
- a request by amount takes exactly that amount, oldest cycles first, or is refused when it is
  more than is requestable; a request by cycles takes each in full, or is refused at each
  cycle with nothing left;
- a move from the wrong state is refused and changes nothing;
- a cancellation, a rejection and a return each make exactly that invoice's amount invoiceable
  again (the sum over cycles; the requestable total is that sum, floored at zero).

Each example runs in a transaction of its own, rolled back at the end; each step in a
savepoint, rolled back when the service refuses it.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.models import CustomerAccount, InvoiceLine
from app.models.funds.enums import LedgerAccount, LedgerKind
from app.models.invoices.enums import InvoiceStatus
from app.models.partners.enums import Role
from app.services.core.errors import DomainError, DomainErrors
from app.services.funds import ledger
from app.services.funds.ledger import Leg
from app.services.invoices import requests, transitions
from app.services.invoices.invoiceable import invoiceable
from tests.conftest import IsolatedDatabase
from tests.factories import make_partner, make_user
from tests.funds.helpers import acting_as, platform
from tests.invoices.helpers import make_profile
from tests.invoices.money import consume, spender

DAYS = {
    "2026-03": date(2026, 3, 31),
    "2026-04": date(2026, 4, 1),
    "2026-05": date(2026, 5, 15),
    "2026-06": date(2026, 6, 14),
}
CYCLES = sorted(DAYS)
TODAY = date(2026, 6, 15)
COVERING = (InvoiceStatus.REQUESTED, InvoiceStatus.ISSUED, InvoiceStatus.RETURN_REQUESTED)
ZERO = Decimal("0.00")

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("200.00"), places=2)
# which invoice a move is for: an index (modulo their number) into the invoices in the state
# the move needs, or now and then into all of them (mostly a wrong state, then)
invoice = st.tuples(st.integers(0, 7), st.sampled_from([False, False, False, True]))
operation = st.one_of(
    st.tuples(st.just("consume"), st.sampled_from(CYCLES), amounts),
    st.tuples(st.just("refund"), amounts),
    st.tuples(st.just("amount"), amounts),
    st.tuples(st.just("amount"), amounts),
    st.tuples(
        st.just("cycles"),
        st.lists(st.sampled_from(CYCLES), min_size=1, max_size=len(CYCLES), unique=True),
    ),
    st.tuples(st.just("cancel"), invoice),
    st.tuples(st.just("reject"), invoice),
    st.tuples(st.just("issue"), invoice),
    st.tuples(st.just("ask_return"), invoice),
    st.tuples(st.just("confirm_return"), invoice),
    st.tuples(st.just("refuse_return"), invoice),
    st.tuples(st.just("return"), st.integers(0, 7)),
)

# the state each move needs, and the state it leaves
MOVES = {
    "cancel": (InvoiceStatus.REQUESTED, InvoiceStatus.CANCELLED),
    "reject": (InvoiceStatus.REQUESTED, InvoiceStatus.REJECTED),
    "issue": (InvoiceStatus.REQUESTED, InvoiceStatus.ISSUED),
    "ask_return": (InvoiceStatus.ISSUED, InvoiceStatus.RETURN_REQUESTED),
    "confirm_return": (InvoiceStatus.RETURN_REQUESTED, InvoiceStatus.RETURNED),
    "refuse_return": (InvoiceStatus.RETURN_REQUESTED, InvoiceStatus.ISSUED),
}

RETURN_PATH = {
    InvoiceStatus.REQUESTED: ("issue", "ask_return", "confirm_return"),
    InvoiceStatus.ISSUED: ("ask_return", "confirm_return"),
    InvoiceStatus.RETURN_REQUESTED: ("confirm_return",),
}


class Model:
    """What the partner paid per cycle and what each invoice covers."""

    def __init__(self) -> None:
        self.paid: dict[str, Decimal] = defaultdict(lambda: ZERO)
        self.refunded: dict[str, Decimal] = defaultdict(lambda: ZERO)
        self.invoices: dict[int, tuple[InvoiceStatus, dict[str, Decimal]]] = {}

    def covered(self, cycle: str, statuses=COVERING) -> Decimal:
        return sum(
            (
                lines.get(cycle, ZERO)
                for status, lines in self.invoices.values()
                if status in statuses
            ),
            ZERO,
        )

    def invoiceable(self, cycle: str) -> Decimal:
        return self.paid[cycle] - self.refunded[cycle] - self.covered(cycle)

    @property
    def net(self) -> Decimal:
        return sum((self.paid[c] - self.refunded[c] for c in CYCLES), ZERO)

    @property
    def requestable(self) -> Decimal:
        return max(sum((self.invoiceable(c) for c in CYCLES), ZERO), ZERO)

    def oldest_first(self, amount: Decimal, cycles=CYCLES) -> dict[str, Decimal]:
        lines, left = {}, amount
        for cycle in sorted(cycles):
            take = min(self.invoiceable(cycle), left)
            if take > 0:
                lines[cycle] = take
                left -= take
        return lines


def codes(error: DomainError | DomainErrors) -> list[tuple[str, list]]:
    found = error.errors if isinstance(error, DomainErrors) else [error]
    return [(e.code.value, list(e.field or [])) for e in found]


async def _lines(session, partner_id: int, invoice_id: int) -> dict[str, Decimal]:
    rows = await session.execute(
        select(InvoiceLine.bill_cycle, InvoiceLine.amount).where(
            InvoiceLine.partner_id == partner_id, InvoiceLine.invoice_id == invoice_id
        )
    )
    return {cycle: Decimal(amount) for cycle, amount in rows}


async def _move(session, finance, name: str, invoice_id: int, number: str) -> None:
    vendor = platform(session)
    if name == "cancel":
        await transitions.cancel_invoice_request(finance, invoice_id)
    elif name == "reject":
        await transitions.reject_invoice(vendor, invoice_id, "不符")
    elif name == "issue":
        await transitions.issue_invoice(vendor, invoice_id, number, TODAY)
    elif name == "ask_return":
        await transitions.request_invoice_return(finance, invoice_id, "退票")
    elif name == "confirm_return":
        await transitions.confirm_invoice_return(vendor, invoice_id)
    else:
        await transitions.refuse_invoice_return(vendor, invoice_id, "不予退票")


async def _step(session, who, finance, profile_id: int, model: Model, op, n: int) -> None:
    """Run `op` and check its outcome against the model (which it then updates)."""
    kind = op[0]
    before = model.requestable
    if kind == "consume":
        _, cycle, amount = op
        await consume(session, who, str(amount), DAYS[cycle])
        model.paid[cycle] += amount
        return
    if kind == "refund":
        await _refund(session, who, op[1], n)
        model.refunded[TODAY.strftime("%Y-%m")] += op[1]
        return
    if kind in ("amount", "cycles"):
        if kind == "amount":
            expected = model.oldest_first(op[1]) if op[1] <= before else None
            refusal = [("INVOICEABLE_EXCEEDED", ["amount"])]
            call = {"amount": op[1]}
        else:
            named = op[1]
            empty = [i for i, c in enumerate(named) if model.invoiceable(c) <= 0]
            # each named cycle in full, up to the requestable total (a later refund first)
            wanted = min(sum((model.invoiceable(c) for c in named), ZERO), before)
            expected = None if empty or wanted <= 0 else model.oldest_first(wanted, named)
            refusal = [("INVOICEABLE_EXCEEDED", ["cycles", i]) for i in empty] or [
                ("INVOICEABLE_EXCEEDED", ["cycles"])
            ]
            call = {"cycles": named}
        savepoint = await session.begin_nested()
        try:
            invoice_id = await requests.request_invoice(finance, profile_id, **call)
        except (DomainError, DomainErrors) as error:
            await savepoint.rollback()
            assert expected is None, (op, codes(error))
            assert codes(error) == refusal, op
            event(f"{kind}: refused")
            return
        await savepoint.commit()
        assert expected is not None, op
        event(f"{kind}: requested")
        lines = await _lines(session, who.partner.id, invoice_id)
        assert lines == expected, op
        model.invoices[invoice_id] = (InvoiceStatus.REQUESTED, lines)
        # never more covered than was paid minus refunded
        assert sum((model.covered(c) for c in CYCLES), ZERO) <= model.net, op
        return
    if kind == "return":
        # an invoice that covers money, returned whatever it takes (issued, asked back)
        candidates = sorted(i for i, (s, _) in model.invoices.items() if s in COVERING)
        if candidates:
            invoice_id = candidates[op[1] % len(candidates)]
            for move in RETURN_PATH[model.invoices[invoice_id][0]]:
                await _apply(session, who, finance, model, move, invoice_id, n)
        return
    needs, _ = MOVES[kind]
    index, any_state = op[1]
    candidates = sorted(i for i, (s, _) in model.invoices.items() if any_state or s is needs)
    if candidates:
        await _apply(session, who, finance, model, kind, candidates[index % len(candidates)], n)


async def _refund(session, who, amount: Decimal, n: int) -> None:
    """Money back to the customer's balance as cash (what an unsubscribed order refunds)."""
    account = await session.scalar(
        select(CustomerAccount).where(
            CustomerAccount.partner_id == who.partner.id,
            CustomerAccount.customer_id == who.customer.id,
        )
    )
    await ledger.post(
        session,
        partner_id=who.partner.id,
        kind=LedgerKind.CUSTOMER_REFUND,
        reference=f"test-refund-{n}",
        legs=[
            Leg(LedgerAccount.PLATFORM_REVENUE, -amount),
            Leg(LedgerAccount.CUSTOMER_BALANCE, amount, customer=account),
        ],
    )


async def _invoiceable_sum(session, who) -> Decimal:
    """The invoiceable amount summed over cycles (the requestable total before flooring)."""
    found = await invoiceable(platform(session), who.partner.id)
    return sum((c.invoiceable for c in found.cycles), ZERO)


async def _apply(session, who, finance, model: Model, kind: str, invoice_id: int, n: int) -> None:
    """Move `invoice_id` (`kind`), as the model says it must go."""
    status, lines = model.invoices[invoice_id]
    needs, leaves = MOVES[kind]
    before = await _invoiceable_sum(session, who)
    savepoint = await session.begin_nested()
    try:
        await _move(session, finance, kind, invoice_id, f"{10_000_000 + n}")
    except DomainError as error:
        await savepoint.rollback()
        assert status is not needs, (kind, error.message)
        assert codes(error) == [("INVALID_STATE", ["invoiceId"])], kind
        assert status.value in error.message
        event(f"{kind}: refused")
        return
    await savepoint.commit()
    assert status is needs, kind
    event(f"{kind}: done")
    model.invoices[invoice_id] = (leaves, lines)
    change = await _invoiceable_sum(session, who) - before
    if leaves in (InvoiceStatus.CANCELLED, InvoiceStatus.REJECTED, InvoiceStatus.RETURNED):
        # exactly its amount is requestable again
        assert change == sum(lines.values(), ZERO), kind
    else:
        assert change == ZERO, kind


async def _check(session, who, model: Model) -> None:
    """The service's invoiceable amount equals the model's, cycle by cycle."""
    found = await invoiceable(platform(session), who.partner.id)
    shown = {c.cycle: c for c in found.cycles}
    for cycle in CYCLES:
        parts = found.part(cycle)
        assert parts.paid == model.paid[cycle], cycle
        assert parts.refunded == model.refunded[cycle], cycle
        assert parts.referral == ZERO, cycle
        assert parts.requested == model.covered(cycle, (InvoiceStatus.REQUESTED,)), cycle
        assert parts.invoiced == model.covered(
            cycle, (InvoiceStatus.ISSUED, InvoiceStatus.RETURN_REQUESTED)
        ), cycle
        assert parts.returned == model.covered(cycle, (InvoiceStatus.RETURNED,)), cycle
        # covering invoices never take more than was paid for a cycle
        assert ZERO <= parts.requested + parts.invoiced <= parts.paid, cycle
        assert (cycle in shown) == (
            model.paid[cycle] > 0
            or model.refunded[cycle] > 0
            or model.covered(cycle, (*COVERING, InvoiceStatus.RETURNED)) > 0
        )
    covering = sum((model.covered(c) for c in CYCLES), ZERO)
    assert covering <= sum(model.paid.values(), ZERO)
    assert found.total == model.requestable >= 0


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    opening=st.lists(
        st.tuples(st.just("consume"), st.sampled_from(CYCLES), amounts), min_size=1, max_size=3
    ),
    ops=st.lists(operation, min_size=6, max_size=20),
)
async def test_invoices_never_cover_more_than_was_paid(database, opening, ops):
    async with database.engine.connect() as connection:
        outer = await connection.begin()
        try:
            async with IsolatedDatabase(database, connection).session() as session:
                partner = await make_partner(session)
                admin = await make_user(session, partner, Role.ADMIN)
                finance = acting_as(session, await make_user(session, partner, Role.FINANCE))
                who = await spender(session, partner, admin, funds="5000.00")
                profile = await make_profile(session, admin)
                model = Model()
                for n, op in enumerate(opening + ops):
                    await _step(session, who, finance, profile.id, model, op, n)
                    await _check(session, who, model)
        finally:
            await outer.rollback()
