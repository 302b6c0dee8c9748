"""Every new object type is invisible across tenants; every lifecycle job is registered."""

from __future__ import annotations

from app.models.lifecycle.enums import AuthorizationStatus, RegistrationStatus
from app.models.partners.enums import Role
from app.services.core.jobs import load_registry
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


# (mutation, its input as a GraphQL literal around $id, the type of the foreign object)
FOREIGN_MUTATIONS = [
    ("updateRegistration", '{id: $id, note: "x"}', "Registration"),
    ("withdrawRegistration", "{id: $id}", "Registration"),
    ("resendInvitation", "{id: $id}", "Invitation"),
    ("revokeInvitation", "{id: $id}", "Invitation"),
    ("requestDisassociation", "{customerId: $id}", "Customer"),
    ("requestAssociationTypeSwitch", "{customerId: $id, associationType: REFERRAL}", "Customer"),
    ("approveDisassociationRequest", "{id: $id}", "DisassociationRequest"),
    ("rejectDisassociationRequest", '{id: $id, reason: "no"}', "DisassociationRequest"),
    (
        "requestAuthorization",
        '{customerId: $id, scopes: [PROXY_ORDER], endsAt: "2030-01-01T00:00:00Z"}',
        "Customer",
    ),
    ("revokeAuthorization", "{id: $id}", "Authorization"),
]


async def test_every_partner_mutation_treats_another_partners_object_as_missing(client, session):
    mine, theirs = await make_partner(session), await make_partner(session)
    admin = await token_for(session, await make_user(session, mine, Role.ADMIN))
    customer = await make_customer(session, theirs)
    registration = await make_registration(session, theirs, status=RegistrationStatus.APPROVED)
    invitation, _ = await make_invitation(session, theirs, registration=registration)
    ids = {
        "Customer": global_id("Customer", customer.id),
        "Registration": global_id("Registration", registration.id),
        "Invitation": global_id("Invitation", invitation.id),
        "DisassociationRequest": global_id(
            "DisassociationRequest", (await make_disassociation_request(session, customer)).id
        ),
        "Authorization": global_id(
            "Authorization", (await make_authorization(session, customer)).id
        ),
    }

    for field, input_, type_name in FOREIGN_MUTATIONS:
        document = f"mutation($id: ID!) {{ {field}(input: {input_}) {{ userErrors {{ code }} }} }}"
        body = await gql(client, document, {"id": ids[type_name]}, token=admin)
        assert body["data"][field]["userErrors"] == [{"code": "NOT_FOUND"}], field


async def test_a_customer_cannot_answer_another_customers_requests(client, session):
    partner = await make_partner(session)
    owner, stranger = await make_customer(session, partner), await make_customer(session, partner)
    change = await make_change_request(session, owner)
    authorization = await make_authorization(session, owner, status=AuthorizationStatus.PENDING)
    token = await customer_token(session, stranger)

    for field, type_name, row in (
        ("confirmAssociationChange", "AssociationChangeRequest", change),
        ("declineAssociationChange", "AssociationChangeRequest", change),
        ("approveAuthorization", "Authorization", authorization),
        ("rejectAuthorization", "Authorization", authorization),
        ("revokeAuthorization", "Authorization", authorization),
    ):
        body = await gql(
            client,
            f"mutation($id: ID!) {{ {field}(input: {{id: $id}}) {{ userErrors {{ code }} }} }}",
            {"id": global_id(type_name, row.id)},
            token=token,
        )
        assert body["data"][field]["userErrors"] == [{"code": "NOT_FOUND"}], field
