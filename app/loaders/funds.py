"""Loaders of the funds domain: accounts, adjustments, recharges, withdrawals (the
partner's and customers')."""

from __future__ import annotations

from app.loaders.base import RowLoader, by_key
from app.services.core.context import ServiceContext
from app.services.funds import (
    accounts,
    adjustments,
    customer_withdrawals,
    recharges,
    withdrawals,
)


class FundsLoaders:
    customer_position: RowLoader
    partner_account: RowLoader
    adjustment: RowLoader
    recharge: RowLoader
    withdrawal: RowLoader
    customer_withdrawal: RowLoader

    def setup(self, ctx: ServiceContext) -> None:
        self.customer_position = by_key(lambda ids: accounts.get_customer_positions(ctx, ids))
        self.partner_account = by_key(lambda ids: accounts.get_partner_accounts(ctx, ids))
        self.adjustment = by_key(lambda ids: adjustments.get_adjustments(ctx, ids))
        self.recharge = by_key(lambda ids: recharges.get_recharges(ctx, ids))
        self.withdrawal = by_key(lambda ids: withdrawals.get_withdrawals(ctx, ids))
        self.customer_withdrawal = by_key(
            lambda ids: customer_withdrawals.get_customer_withdrawals(ctx, ids)
        )
