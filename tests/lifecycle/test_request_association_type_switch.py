"""`requestAssociationTypeSwitch`."""

from __future__ import annotations

from datetime import timedelta

from app.models.customers.enums import AssociationType
from app.models.lifecycle.enums import DisassociationRequestStatus
from tests.factories import (
    make_customer,
)
from tests.lifecycle.association_change_helpers import BOUNDARY, STARTED, codes, switch
from tests.lifecycle.factories import make_disassociation_request


async def test_admin_requests_a_type_switch(client, session, partner, admin):
    customer = await make_customer(session, partner, association_type=AssociationType.REFERRAL)

    payload = await switch(client, admin, customer, to="RESELLER")

    assert payload["request"]["kind"] == "TYPE_SWITCH"
    assert (payload["request"]["fromType"], payload["request"]["toType"]) == (
        "REFERRAL",
        "RESELLER",
    )


async def test_switching_to_the_current_type_is_invalid(client, session, partner, admin):
    customer = await make_customer(session, partner)

    payload = await switch(client, admin, customer, to="RESELLER")

    assert payload["userErrors"][0]["code"] == "INVALID_INPUT"
    assert payload["userErrors"][0]["field"] == ["input", "associationType"]


async def test_a_pending_customer_request_blocks(client, session, partner, admin, frozen_clock):
    customer = await make_customer(session, partner)
    await make_disassociation_request(
        session, customer, filed_at=frozen_clock.now() - timedelta(days=200)
    )

    assert codes(await switch(client, admin, customer)) == ["CHANGE_ALREADY_PENDING"]


async def test_partner_waits_three_months_after_the_customers_own_request(
    client, session, partner, admin, frozen_clock
):
    customer = await make_customer(session, partner, associated_at=STARTED - timedelta(days=400))
    await make_disassociation_request(
        session, customer, status=DisassociationRequestStatus.REJECTED, filed_at=STARTED
    )

    frozen_clock.set(BOUNDARY - timedelta(seconds=1))
    assert codes(await switch(client, admin, customer)) == ["CUSTOMER_REQUEST_TOO_RECENT"]
    frozen_clock.set(BOUNDARY)
    assert codes(await switch(client, admin, customer)) == []
