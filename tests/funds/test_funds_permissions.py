"""Funds read services check their own permission, so a CLI or a job calling them directly
is refused like the API; and the input rules the resolvers used to apply live in services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from app import clock
from app.models.funds.enums import AdjustmentKind, RechargeChannel
from app.models.partners.enums import ContractingEntity, Role
from app.services.core.context import ServiceContext
from app.services.core.customer_principal import customer_principal
from app.services.core.errors import DomainError, DomainErrors, ErrorCode, PermissionDenied
from app.services.core.masking import mask_card_number
from app.services.core.pagination import PageRequest
from app.services.funds import (
    accounts,
    adjustments,
    credit,
    recharge_input,
    recharge_pool,
    withdrawals,
)
from tests.factories import make_customer, make_partner, make_user
from tests.funds.helpers import acting_as, platform, recharge

READERS = [Role.ADMIN, Role.FINANCE, Role.VIEWER]


@pytest.mark.parametrize("role", READERS)
async def test_withdrawable_for_a_role_reading_funds(session, role):
    # given a partner with 120.00 recharged by bank transfer
    partner = await make_partner(session)
    user = await make_user(session, partner, role)
    await recharge(session, partner, "120.00", channel=RechargeChannel.BANK_TRANSFER)

    # when
    result = await withdrawals.withdrawable(acting_as(session, user), partner.id)

    # then
    assert result.total == Decimal("120.00")


async def test_withdrawable_refuses_sales(session):
    partner = await make_partner(session)
    sales = await make_user(session, partner, Role.SALES)

    with pytest.raises(PermissionDenied):
        await withdrawals.withdrawable(acting_as(session, sales), partner.id)


async def test_partner_accounts_for_a_role_reading_funds(session):
    partner = await make_partner(session)
    viewer = await make_user(session, partner, Role.VIEWER)
    await recharge(session, partner, "30.00")

    found = await accounts.get_partner_accounts(acting_as(session, viewer), [partner.id])

    assert found[partner.id].allocatable == Decimal("30.00")


async def test_partner_accounts_refuse_sales(session):
    partner = await make_partner(session)
    sales = await make_user(session, partner, Role.SALES)

    with pytest.raises(PermissionDenied):
        await accounts.get_partner_accounts(acting_as(session, sales), [partner.id])


async def test_credit_limit_takes_only_cny(session):
    # given a RESELLER customer and a finance user
    partner = await make_partner(session)
    finance = await make_user(session, partner, Role.FINANCE)
    customer = await make_customer(session, partner)

    # when the limit is given in another currency
    with pytest.raises(DomainErrors) as refused:
        await credit.set_customer_credit_limit(
            acting_as(session, finance), customer.id, Decimal("100.00"), "USD"
        )

    # then
    assert [e.code for e in refused.value.errors] == [ErrorCode.CURRENCY_NOT_SUPPORTED]
    account = await credit.set_customer_credit_limit(
        acting_as(session, finance), customer.id, Decimal("100.00"), "CNY"
    )
    assert account.credit_limit == Decimal("100.00")


async def test_credit_limit_refuses_viewer_before_reading_input(session):
    partner = await make_partner(session)
    viewer = await make_user(session, partner, Role.VIEWER)
    customer = await make_customer(session, partner)

    with pytest.raises(PermissionDenied):
        await credit.set_customer_credit_limit(
            acting_as(session, viewer), customer.id, Decimal("100.00"), "USD"
        )


def test_payment_input_is_normalized():
    amount, reference = recharge_input.validate_payment(Decimal("10.5"), "CNY", "  ref-1 ", None)

    assert (amount, reference) == (Decimal("10.50"), "ref-1")


@pytest.mark.parametrize(
    ("amount", "currency", "reference", "paid_in", "codes", "field"),
    [
        ("0", "CNY", "ref", None, [ErrorCode.INVALID_INPUT], ["amount"]),
        ("1.001", "CNY", "ref", None, [ErrorCode.INVALID_INPUT], ["amount"]),
        ("10.00", "USD", "ref", None, [ErrorCode.CURRENCY_NOT_SUPPORTED], ["currency"]),
        ("10.00", "CNY", "ref", timedelta(minutes=1), [ErrorCode.INVALID_INPUT], ["paidAt"]),
        ("10.00", "CNY", "   ", None, [ErrorCode.INVALID_INPUT], ["paymentReference"]),
        ("10.00", "CNY", "x" * 65, None, [ErrorCode.INVALID_INPUT], ["paymentReference"]),
    ],
)
def test_payment_input_rules(amount, currency, reference, paid_in, codes, field):
    paid_at = clock.now() + paid_in if paid_in is not None else None

    with pytest.raises((DomainError, DomainErrors)) as refused:
        recharge_input.validate_payment(Decimal(amount), currency, reference, paid_at)

    errors = refused.value.errors if isinstance(refused.value, DomainErrors) else [refused.value]
    assert [e.code for e in errors] == codes
    assert errors[0].field == field


@dataclass
class Row:
    channel: RechargeChannel
    paid_at: datetime | None
    customer_id: int | None = None


def test_route_window_of_a_partner_recharge_inside_and_after_it():
    paid = datetime(2026, 1, 15, 12, 0, tzinfo=clock.now().tzinfo)
    row = Row(RechargeChannel.UNIONPAY, paid)

    inside = recharge_pool.route_window(ContractingEntity.OTHER, row, paid + timedelta(days=30))
    after = recharge_pool.route_window(
        ContractingEntity.OTHER, row, datetime(2026, 5, 1, tzinfo=paid.tzinfo)
    )

    assert inside.until == datetime(2026, 4, 15, 12, 0, tzinfo=paid.tzinfo)
    assert inside.must_use_original_route is True
    assert after.until == inside.until and after.must_use_original_route is False


def test_route_window_that_never_ends():
    row = Row(RechargeChannel.BANK_TRANSFER, clock.now())

    window = recharge_pool.route_window(ContractingEntity.HUAWEI_CLOUD_COMPUTING, row)

    assert window == recharge_pool.RouteWindow(until=None, must_use_original_route=True)


@pytest.mark.parametrize(
    "row",
    [
        Row(RechargeChannel.ALIPAY, None),  # not paid yet
        Row(RechargeChannel.ALIPAY, datetime(2026, 1, 1), customer_id=7),  # a customer's own
        Row(RechargeChannel.BANK_TRANSFER, datetime(2026, 1, 1)),  # OTHER: no window
    ],
)
def test_recharges_without_a_route_window(row):
    assert recharge_pool.route_window(None, row) == recharge_pool.NO_WINDOW


async def test_withdrawable_is_a_partner_users_read(session):
    """Permission.READ_FUNDS belongs to partner roles: the platform is refused, as it was
    when the check sat in the resolver."""
    partner = await make_partner(session)

    with pytest.raises(PermissionDenied):
        await withdrawals.withdrawable(platform(session), partner.id)


@pytest.mark.parametrize(
    ("number", "masked"),
    [("6222021234567890", "************7890"), ("1234", "1234"), ("12345", "*2345")],
)
def test_card_numbers_show_only_their_last_four_digits(number, masked):
    assert mask_card_number(number) == masked


async def _allocated(session):
    partner = await make_partner(session)
    admin = await make_user(session, partner, Role.ADMIN)
    customer = await make_customer(session, partner)
    await recharge(session, partner, "100.00")
    adjustment = await adjustments.adjust_customer_funds(
        acting_as(session, admin), customer.id, AdjustmentKind.ALLOCATE, Decimal("10.00")
    )
    return admin, customer, adjustment


async def test_adjustments_by_id_for_the_partner(session):
    admin, _, adjustment = await _allocated(session)

    found = await adjustments.get_adjustments(acting_as(session, admin), [adjustment.id])

    assert list(found) == [adjustment.id]


async def test_adjustments_are_not_read_by_the_customer(session):
    """Adjustment records are the partner's: a customer's `node(id)` reads nothing, as its
    list of them is refused."""
    _, customer, adjustment = await _allocated(session)
    ctx = ServiceContext(
        session,
        await customer_principal(session, customer.cloud_account_id),
        "test",
    )

    assert await adjustments.get_adjustments(ctx, [adjustment.id]) == {}
    with pytest.raises(PermissionDenied):
        await adjustments.list_adjustments(
            ctx, adjustments.AdjustmentFilter(), PageRequest.from_args(10)
        )
