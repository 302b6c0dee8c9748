"""What every move of an existing invoice shares, one table of the moves and one test per case:
an unknown, malformed or other-type invoice id is NOT_FOUND; whoever may not make the move is
FORBIDDEN; a missing, blank or too long reason is INVALID_INPUT at `reason` (500 characters are
fine); every other state is INVALID_STATE naming the state; another partner's invoice is
NOT_FOUND. A refused call changes nothing: the invoices, their reasons and lines, what is
requestable, the move's audit events.

What is particular to one move (its good path, its own rules, races) is in its test_<move>.py.
`requestInvoice`, the seventh move, makes an invoice instead of moving one (a profile, cycles or
an amount, an idempotency key), so none of these cases fits it: its own are in
test_request_invoice.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from app.models.invoices.enums import InvoiceStatus
from app.models.partners.enums import Role
from tests.factories import global_id, gql
from tests.invoices.helpers import World, audit_events, errors, forbidden, payload
from tests.invoices.money import (
    CANCEL,
    CONFIRM,
    ISSUE,
    REFUSE,
    REJECT,
    RETURN,
    TODAY,
    billed,
    iid,
    invoice_in,
    number,
    requestable,
    state,
)

PARTNER = ("ADMIN", "FINANCE")
PLATFORM = ("PLATFORM",)
EVERYONE = (*(r.value for r in Role), "CUSTOMER", "PLATFORM")


def _nothing() -> dict[str, Any]:
    return {}


def _number_and_date() -> dict[str, Any]:
    return {"invoiceNumber": number(), "issueDate": str(TODAY)}


@dataclass(frozen=True)
class Move:
    """A mutation that takes an invoice from the status it `needs` to `then`."""

    name: str
    document: str
    needs: InvoiceStatus
    then: InvoiceStatus
    who: tuple[str, ...]  # the tokens that may make it
    reason: str | None  # the Invoice field its reason is kept in; None: it takes no reason
    action: str  # its audit event
    more: Callable[[], dict[str, Any]] = field(default=_nothing)  # the rest of its input

    def __str__(self) -> str:
        return self.name

    @property
    def may_not(self) -> list[str]:
        return [t for t in EVERYONE if t not in self.who]

    @property
    def other_states(self) -> list[InvoiceStatus]:
        return [s for s in InvoiceStatus if s is not self.needs]


MOVES = [
    Move(
        "cancelInvoiceRequest",
        CANCEL,
        InvoiceStatus.REQUESTED,
        InvoiceStatus.CANCELLED,
        PARTNER,
        None,
        "invoice.cancel",
    ),
    Move(
        "issueInvoice",
        ISSUE,
        InvoiceStatus.REQUESTED,
        InvoiceStatus.ISSUED,
        PLATFORM,
        None,
        "invoice.issue",
        _number_and_date,
    ),
    Move(
        "rejectInvoice",
        REJECT,
        InvoiceStatus.REQUESTED,
        InvoiceStatus.REJECTED,
        PLATFORM,
        "rejectReason",
        "invoice.reject",
    ),
    Move(
        "requestInvoiceReturn",
        RETURN,
        InvoiceStatus.ISSUED,
        InvoiceStatus.RETURN_REQUESTED,
        PARTNER,
        "returnReason",
        "invoice.request_return",
    ),
    Move(
        "confirmInvoiceReturn",
        CONFIRM,
        InvoiceStatus.RETURN_REQUESTED,
        InvoiceStatus.RETURNED,
        PLATFORM,
        None,
        "invoice.confirm_return",
    ),
    Move(
        "refuseInvoiceReturn",
        REFUSE,
        InvoiceStatus.RETURN_REQUESTED,
        InvoiceStatus.ISSUED,
        PLATFORM,
        "returnRefusalReason",
        "invoice.refuse_return",
    ),
]


def cases(each: Callable[[Move], list[Any]], moves: list[Move] = MOVES) -> list[Any]:
    """pytest params of (move, value) for every move and each of its values."""
    return [pytest.param(m, v, id=f"{m}-{v}") for m in moves for v in each(m)]


async def send(
    client, world: World, move: Move, invoice_id: int | str, *, token: str | None = None,
    reason: str = "理由", role: str | None = None,
) -> dict[str, Any]:  # fmt: skip
    """`move` on `invoice_id` (a database id or any global id) by `role` (the first who may)."""
    gid = iid(invoice_id) if isinstance(invoice_id, int) else invoice_id
    data = {"invoiceId": gid, **move.more()}
    if move.reason is not None:
        data["reason"] = reason
    return await gql(
        client, move.document, {"input": data}, token=token or world.tokens[role or move.who[0]]
    )


async def snapshot(session, world: World, move: Move) -> tuple[Any, ...]:
    """What a refused `move` must leave as it was."""
    return (
        await state(session, world.partner),
        await requestable(session, world.partner),
        len(await audit_events(session, move.action)),
    )


async def ready(session, world: World, move: Move, status: InvoiceStatus | None = None):
    """300.00 invoiceable, its profile, and an invoice of 100.00 in `status` (or what `move`
    needs)."""
    profile = await billed(session, world)
    return profile, await invoice_in(session, world, profile, status or move.needs)


@pytest.mark.parametrize("move, role", cases(lambda m: list(m.who)))
async def test_who_may_makes_the_move_once(client, session, world, move, role):
    # the table itself: each move, by each who may, goes from the status it needs to the next,
    # and writes one audit event of its action (so "no audit event" below can fail)
    _, invoice_id = await ready(session, world, move)

    body = await send(client, world, move, invoice_id, role=role)

    result = payload(body, move.name)
    assert result["userErrors"] == []
    assert result["invoice"]["status"] == move.then.value
    [event] = await audit_events(session, move.action)
    assert (event.partner_id, event.object_id) == (world.partner.id, invoice_id)
    assert (event.before["status"], event.after["status"]) == (move.needs, move.then)


@pytest.mark.parametrize("move, which", cases(lambda m: ["missing", "malformed", "another type"]))
async def test_an_unknown_invoice_is_not_found(client, session, world, move, which):
    # given an invoice the move could be made on
    profile, invoice_id = await ready(session, world, move)
    before = await snapshot(session, world, move)
    gid = {
        "missing": iid(invoice_id + 1000),
        "malformed": "not-an-id",
        "another type": global_id("InvoiceProfile", profile.id),
    }[which]

    # when the move names no invoice of the partner
    body = await send(client, world, move, gid)

    # then
    assert payload(body, move.name)["invoice"] is None
    assert errors(body, move.name) == [("NOT_FOUND", ["input", "invoiceId"])]
    assert await snapshot(session, world, move) == before


@pytest.mark.parametrize("move, role", cases(lambda m: m.may_not))
async def test_who_may_not_is_forbidden(client, session, world, move, role):
    _, invoice_id = await ready(session, world, move)
    before = await snapshot(session, world, move)

    body = await send(client, world, move, invoice_id, role=role)

    assert forbidden(body)
    assert await snapshot(session, world, move) == before


REASONED = [m for m in MOVES if m.reason is not None]
BAD_REASONS = {"empty": "", "blank": "   ", "501 characters": "因" * 501}


@pytest.mark.parametrize("move, bad", cases(lambda m: list(BAD_REASONS), REASONED))
async def test_a_missing_or_too_long_reason_is_refused(client, session, world, move, bad):
    # given
    _, invoice_id = await ready(session, world, move)
    before = await snapshot(session, world, move)

    # when
    body = await send(client, world, move, invoice_id, reason=BAD_REASONS[bad])

    # then
    assert payload(body, move.name)["invoice"] is None
    assert errors(body, move.name) == [("INVALID_INPUT", ["input", "reason"])]
    assert await snapshot(session, world, move) == before


@pytest.mark.parametrize("move", REASONED, ids=str)
async def test_a_reason_of_500_characters_is_accepted(client, session, world, move):
    _, invoice_id = await ready(session, world, move)

    body = await send(client, world, move, invoice_id, reason="因" * 500)

    assert payload(body, move.name)["invoice"][move.reason] == "因" * 500


@pytest.mark.parametrize("move, status", cases(lambda m: m.other_states))
async def test_every_other_state_is_invalid(client, session, world, move, status):
    # given the invoice is in a state the move does not start from
    _, invoice_id = await ready(session, world, move, status)
    before = await snapshot(session, world, move)

    # when
    body = await send(client, world, move, invoice_id)

    # then the error names its state, and nothing changes
    result = payload(body, move.name)
    assert result["invoice"] is None
    assert errors(body, move.name) == [("INVALID_STATE", ["input", "invoiceId"])]
    assert status.value in result["userErrors"][0]["message"]
    assert await snapshot(session, world, move) == before


@pytest.mark.parametrize("move", [m for m in MOVES if m.who == PARTNER], ids=str)
async def test_another_partners_invoice_is_not_found(client, session, world, move):
    # given the partner's invoice the move could be made on, and the other partner's ADMIN
    _, invoice_id = await ready(session, world, move)
    before = await snapshot(session, world, move)

    # when the other partner makes the move on it
    body = await send(client, world, move, invoice_id, token=world.other_token)

    # then it is not theirs to see
    assert payload(body, move.name)["invoice"] is None
    assert errors(body, move.name) == [("NOT_FOUND", ["input", "invoiceId"])]
    assert await snapshot(session, world, move) == before
