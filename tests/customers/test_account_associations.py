"""`account_associations`: every customer row of a cloud account, whatever partner, and the
CUSTOMER principal's scope read from it (literal (partner, customer) pairs, no tenant read)."""

from __future__ import annotations

from sqlalchemy import false, select

from app import clock
from app.models import AccountAssociation, Customer, Partner, Resource
from app.models.partners.enums import PrincipalKind, Role
from app.services.core.context import ServiceContext
from app.services.core.customer_principal import associations_of, customer_principal
from app.services.core.principal import Principal
from app.services.core.scoping import find_visible, scoped, visible
from app.services.lifecycle.invitation_acceptance import accept_invitation
from app.services.partners.tokens import authenticate
from tests.core.tables_read import table_names, tenant_tables
from tests.customers.test_open_associations import second_association
from tests.factories import (
    customer_token,
    make_customer,
    make_partner,
    make_resource,
    make_user,
    token_for,
)
from tests.lifecycle.factories import make_invitation


async def rows(session) -> set[tuple]:
    result = await session.execute(
        select(
            AccountAssociation.cloud_account_id,
            AccountAssociation.partner_id,
            AccountAssociation.customer_id,
        )
    )
    return {tuple(r) for r in result}


async def expected(session) -> set[tuple]:
    result = await session.execute(
        select(Customer.cloud_account_id, Customer.partner_id, Customer.id)
    )
    return {tuple(r) for r in result}


async def two_partners_one_account(session):
    """A cloud account whose association with `first` ended and that is now with `second`."""
    first, second = await make_partner(session), await make_partner(session)
    ended = await make_customer(session, first, ended_at=clock.now())
    current = second_association(ended, second.id)
    session.add(current)
    await session.flush()
    return first, second, ended, current


async def test_every_customer_row_is_listed_ended_ones_included(session):
    first, second, ended, current = await two_partners_one_account(session)
    stranger = await make_customer(session, first)

    assert await rows(session) == await expected(session)
    assert await associations_of(session, ended.cloud_account_id) == (
        (first.id, ended.id),
        (second.id, current.id),
    )
    assert await associations_of(session, stranger.cloud_account_id) == ((first.id, stranger.id),)
    assert await associations_of(session, None) == ()

    # ending an association keeps it listed; deleting a row drops it
    current.ended_at = clock.now()
    await session.flush()
    assert await rows(session) == await expected(session)
    await session.delete(stranger)
    await session.flush()
    assert await rows(session) == await expected(session)
    assert await associations_of(session, stranger.cloud_account_id) == ()


async def test_a_customer_token_carries_its_associations(session):
    first, second, ended, current = await two_partners_one_account(session)
    admin = await make_user(session, first, Role.ADMIN)

    principal, _ = await authenticate(session, await customer_token(session, current))
    assert principal.kind is PrincipalKind.CUSTOMER
    assert principal.associations == ((first.id, ended.id), (second.id, current.id))
    assert principal.associated_partner_ids == tuple(sorted((first.id, second.id)))

    partner_user, _ = await authenticate(session, await token_for(session, admin))
    assert partner_user.associations == ()


async def test_a_customer_sees_the_rows_of_its_own_associations_only(session):
    first, second, ended, current = await two_partners_one_account(session)
    mine = {(await make_resource(session, ended)).id, (await make_resource(session, current)).id}
    stranger = await make_customer(session, second)
    await make_resource(session, stranger)
    # (a row naming one of the account's customer ids under another partner can't exist: the
    # foreign key to customers carries partner_id)
    principal = await customer_principal(session, ended.cloud_account_id)

    resources = set((await session.scalars(scoped(principal, Resource, Resource.id))).all())
    customers = set((await session.scalars(scoped(principal, Customer, Customer.id))).all())
    partners = set((await session.scalars(scoped(principal, Partner, Partner.id))).all())

    assert resources == mine
    assert customers == {ended.id, current.id}
    assert partners == {first.id, second.id}


def test_the_customer_scope_names_literal_pairs_and_no_other_table():
    principal = Principal(
        kind=PrincipalKind.CUSTOMER, cloud_account_id=7, associations=((1, 10), (2, 20))
    )
    for model, table in ((Resource, "resources"), (Customer, "customers"), (Partner, "partners")):
        assert table_names(select(model.id).where(visible(principal, model))) == {table}


def test_the_table_listing_catches_a_scope_that_reads_customers():
    # a restricted SALES user's scope still reads its partner's customers (a subquery)
    sales = Principal(kind=PrincipalKind.PARTNER_USER, partner_id=1, user_id=2, role=Role.SALES)
    names = table_names(select(Resource.id).where(visible(sales, Resource)))
    assert tenant_tables(names) == {"resources", "customers"}


def test_no_association_sees_nothing():
    for principal in (Principal.anonymous(), Principal(PrincipalKind.CUSTOMER, cloud_account_id=3)):
        for model in (Resource, Customer, Partner):
            assert visible(principal, model).compare(false())


async def test_an_association_made_in_the_request_is_seen_in_the_same_request(session):
    # given a signed-in cloud account whose only association has ended
    former, partner = await make_partner(session), await make_partner(session)
    old = await make_customer(session, former, ended_at=clock.now())
    _, raw = await make_invitation(session, partner)
    ctx = ServiceContext(session, await customer_principal(session, old.cloud_account_id), "test")

    # when it accepts an invitation
    acceptance = await accept_invitation(ctx, raw, None)

    # then the rest of the request sees the new association, as a fresh token would
    assert ctx.principal.associations == ((former.id, old.id), (partner.id, acceptance.customer_id))
    assert ctx.principal.associations == await associations_of(session, old.cloud_account_id)
    found = await find_visible(ctx, Customer, acceptance.customer_id, "No such customer.")
    assert found.partner_id == partner.id
