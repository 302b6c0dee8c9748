"""The export's rule lives in the service: a CLI-style call with a role lacking EXPORT is
refused, and the statement it returns is scoped to the caller and resumes after an id."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.models.partners.enums import PrincipalKind, Role
from app.services.consumption import exports
from app.services.consumption.queries import ConsumptionFilter
from app.services.core.context import ServiceContext
from app.services.core.errors import PermissionDenied
from app.services.core.principal import Principal
from tests.consumption.helpers import at, ingest, usage, world
from tests.factories import make_partner, make_user
from tests.funds.helpers import acting_as, platform

DAY = date(2026, 6, 1)


async def seeded(session, days=3):
    w = await world(session)
    await ingest(session, [usage(w.resource, at(DAY + timedelta(days=d), 1)) for d in range(days)])
    return w


async def ids(session, stmt):
    return [row.id for row in await session.execute(stmt)]


@pytest.mark.parametrize("role", [Role.ADMIN, Role.FINANCE, Role.VIEWER])
async def test_export_for_roles_with_export(session, role):
    # given three details of one partner
    w = await seeded(session)
    user = await make_user(session, w.partner, role)

    # when
    stmt = exports.export_statement(acting_as(session, user), ConsumptionFilter())

    # then
    found = await ids(session, stmt)
    assert len(found) == 3 and found == sorted(found)


async def test_export_refuses_sales(session):
    w = await seeded(session)
    sales = await make_user(session, w.partner, Role.SALES)

    with pytest.raises(PermissionDenied):
        exports.export_statement(acting_as(session, sales), ConsumptionFilter())


async def test_export_refuses_a_customer(session):
    w = await seeded(session)
    customer = Principal(kind=PrincipalKind.CUSTOMER, cloud_account_id=w.customer.cloud_account_id)

    with pytest.raises(PermissionDenied):
        exports.export_statement(ServiceContext(session, customer, "test"), ConsumptionFilter())


async def test_export_is_scoped_to_the_callers_partner(session):
    await seeded(session)
    other = await make_partner(session)
    admin = await make_user(session, other, Role.ADMIN)

    stmt = exports.export_statement(acting_as(session, admin), ConsumptionFilter())

    assert await ids(session, stmt) == []


async def test_export_resumes_after_an_id(session):
    await seeded(session)
    everything = await ids(
        session, exports.export_statement(platform(session), ConsumptionFilter())
    )

    rest = exports.export_statement(platform(session), ConsumptionFilter(), after=everything[0])

    assert await ids(session, rest) == everything[1:]
