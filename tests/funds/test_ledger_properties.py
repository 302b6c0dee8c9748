"""Property: any sequence of money operations keeps the books balanced and nothing negative.

Hypothesis draws sequences of recharges (various channels and ages), allocations, retrievals,
charges, withdrawals by each route and their reviews; refusals (userErrors) are allowed, but
after every step the ledger must verify and no partner account may be negative.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import clock
from app.clock import add_months
from app.models import PartnerAccount
from app.models.funds.enums import AdjustmentKind, RechargeChannel, WithdrawalRoute
from app.models.partners.enums import ContractingEntity, PrincipalKind, Role
from app.services.core.context import ServiceContext
from app.services.core.errors import DomainError, DomainErrors
from app.services.core.principal import Principal
from app.services.funds import adjustments, credit, withdrawal_reviews, withdrawals
from app.services.funds.verify import verify
from app.services.funds.withdrawals import BankCard
from tests.conftest import IsolatedDatabase
from tests.factories import make_customer, make_partner, make_user
from tests.funds.helpers import platform, recharge

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("500.00"), places=2)
operation = st.one_of(
    st.tuples(
        st.just("recharge"), amounts, st.sampled_from(list(RechargeChannel)), st.integers(0, 14)
    ),
    st.tuples(st.just("allocate"), st.integers(0, 1), amounts),
    st.tuples(st.just("retrieve"), st.integers(0, 1), amounts),
    st.tuples(st.just("charge"), st.integers(0, 1), amounts),
    st.tuples(st.just("bank_card"), amounts),
    st.tuples(st.just("original_route"), st.integers(0, 5), amounts),
    st.tuples(st.just("review"), st.integers(0, 5), st.sampled_from(["reject", "pay"])),
)


async def _step(ctx, admin_ctx, partner, customers, recharges, pending, op) -> None:
    kind = op[0]
    if kind == "recharge":
        _, amount, channel, months_ago = op
        paid_at = add_months(clock.now(), -months_ago)
        recharges.append(
            await recharge(ctx.session, partner, amount, channel=channel, paid_at=paid_at)
        )
    elif kind in ("allocate", "retrieve"):
        _, index, amount = op
        adjustment_kind = AdjustmentKind.ALLOCATE if kind == "allocate" else AdjustmentKind.RETRIEVE
        await adjustments.adjust_customer_funds(
            admin_ctx, customers[index].id, adjustment_kind, amount
        )
    elif kind == "charge":
        _, index, amount = op
        await credit.charge(ctx, customers[index], amount, reference="test")
    elif kind == "bank_card":
        card = BankCard(partner.certified_company_name, "Bank", "6222020200112233")
        pending.append(
            await withdrawals.request_withdrawal(
                admin_ctx, WithdrawalRoute.BANK_CARD, op[1], card=card
            )
        )
    elif kind == "original_route":
        _, index, amount = op
        if recharges:
            target = recharges[index % len(recharges)]
            pending.append(
                await withdrawals.request_withdrawal(
                    admin_ctx, WithdrawalRoute.ORIGINAL_ROUTE, amount, recharge_id=target.id
                )
            )
    elif kind == "review" and pending:
        _, index, decision = op
        withdrawal = pending.pop(index % len(pending))
        if decision == "reject":
            await withdrawal_reviews.reject_withdrawal(ctx, withdrawal.id, "no")
        else:
            await withdrawal_reviews.approve_withdrawal(ctx, withdrawal.id)
            await withdrawal_reviews.mark_withdrawal_paid(ctx, withdrawal.id)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    entity=st.sampled_from(list(ContractingEntity)),
    opening=st.lists(
        st.tuples(
            st.just("recharge"), amounts, st.sampled_from(list(RechargeChannel)), st.integers(0, 14)
        ),
        min_size=1,
        max_size=3,
    ),
    ops=st.lists(operation, min_size=1, max_size=25),
)
async def test_books_stay_balanced(database, entity, opening, ops):
    async with database.engine.connect() as connection:
        outer = await connection.begin()
        try:
            async with IsolatedDatabase(database, connection).session() as session:
                partner = await make_partner(session, contracting_entity=entity)
                admin = await make_user(session, partner, Role.ADMIN)
                customers = [await make_customer(session, partner) for _ in range(2)]
                ctx = platform(session)
                admin_ctx = ServiceContext(
                    session,
                    Principal(
                        kind=PrincipalKind.PARTNER_USER,
                        partner_id=partner.id,
                        user_id=admin.id,
                        role=Role.ADMIN,
                    ),
                )
                recharges: list = []
                pending: list = []
                for op in opening + ops:
                    savepoint = await session.begin_nested()
                    try:
                        await _step(ctx, admin_ctx, partner, customers, recharges, pending, op)
                    except (DomainError, DomainErrors):
                        await savepoint.rollback()
                    else:
                        await savepoint.commit()
                    assert await verify(session) == [], op
                    account = await session.get(PartnerAccount, partner.id, populate_existing=True)
                    if account is not None:
                        assert account.allocatable >= 0 and account.held >= 0
                        assert account.incentive >= 0
        finally:
            await outer.rollback()
