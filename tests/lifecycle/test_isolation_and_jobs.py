"""Every new object type is invisible across tenants; every lifecycle job is registered."""

from __future__ import annotations

from app.models.enums import RegistrationStatus, Role
from app.services.jobs import load_registry
from tests.factories import (
    customer_token,
    global_id,
    gql,
    make_customer,
    make_partner,
    make_user,
    token_for,
)
from tests.lifecycle.factories import (
    make_authorization,
    make_change_request,
    make_disassociation_request,
    make_invitation,
    make_registration,
)

NODES = "query Nodes($ids: [ID!]!) { nodes(ids: $ids) { id } }"
LISTS = """
{
  registrations(first: 5) { totalCount }
  invitations(first: 5) { totalCount }
  associationChangeRequests(first: 5) { totalCount }
  disassociationRequests(first: 5) { totalCount }
  authorizations(first: 5) { totalCount }
}
"""


async def _objects_of(session, partner) -> list[str]:
    customer = await make_customer(session, partner)
    registration = await make_registration(session, partner, status=RegistrationStatus.APPROVED)
    invitation, _ = await make_invitation(session, partner, registration=registration)
    return [
        global_id("Registration", registration.id),
        global_id("Invitation", invitation.id),
        global_id("AssociationChangeRequest", (await make_change_request(session, customer)).id),
        global_id(
            "DisassociationRequest", (await make_disassociation_request(session, customer)).id
        ),
        global_id("Authorization", (await make_authorization(session, customer)).id),
    ]


async def test_another_partners_objects_look_missing(client, session):
    mine, theirs = await make_partner(session), await make_partner(session)
    own_ids = await _objects_of(session, mine)
    foreign_ids = await _objects_of(session, theirs)
    token = await token_for(session, await make_user(session, mine, Role.VIEWER))

    nodes = await gql(client, NODES, {"ids": own_ids + foreign_ids}, token=token)
    lists = await gql(client, LISTS, token=token)

    assert [n and n["id"] for n in nodes["data"]["nodes"]] == own_ids + [None] * 5
    assert {k: v["totalCount"] for k, v in lists["data"].items()} == {
        "registrations": 1,
        "invitations": 1,
        "associationChangeRequests": 1,
        "disassociationRequests": 1,
        "authorizations": 1,
    }


async def test_a_customer_sees_only_its_own_requests_and_no_acquisition_data(client, session):
    partner = await make_partner(session)
    await _objects_of(session, partner)
    customer = await make_customer(session, partner)
    mine = await make_authorization(session, customer)
    token = await customer_token(session, customer)

    body = await gql(
        client,
        "{ authorizations(first: 5) { nodes { id } } associationChangeRequests(first: 5) "
        "{ totalCount } }",
        token=token,
    )
    invitations = await gql(client, "{ invitations(first: 5) { totalCount } }", token=token)

    assert [n["id"] for n in body["data"]["authorizations"]["nodes"]] == [
        global_id("Authorization", mine.id)
    ]
    assert body["data"]["associationChangeRequests"]["totalCount"] == 0
    assert invitations["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_every_lifecycle_job_is_registered():
    assert {
        "registrations.expire",
        "invitations.expire",
        "association_changes.expire",
        "disassociation_requests.auto_approve",
        "authorizations.expire",
    } <= set(load_registry())
