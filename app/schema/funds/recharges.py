"""Recharge type, lists, and the recharge mutations."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from app.globalid import to_global_id
from app.resolvers.funds import recharges as resolvers
from app.schema.core.errors import UserError
from app.schema.core.money import Money, money
from app.schema.core.relay import Node
from app.schema.core.scalars import Amount
from app.schema.funds.enums import RechargeChannel, RechargeStatus, RemittanceAccountKind

if TYPE_CHECKING:
    from app.schema.customers.customers import Customer


@strawberry.type(description="A recharge: money entering the partner's (or a customer's) account.")
class Recharge(Node):
    row: strawberry.Private[Any]
    channel: RechargeChannel = strawberry.field(description="How it was paid.")
    amount: Money = strawberry.field(description="Amount paid.")
    status: RechargeStatus = strawberry.field(description="Pending or confirmed.")
    payment_reference: str | None = strawberry.field(
        description="The channel's or bank's payment reference, once confirmed."
    )
    remittance_account: RemittanceAccountKind | None = strawberry.field(
        description=(
            "BANK_TRANSFER: whether it arrived at the partner's dedicated remittance account "
            "or the vendor's general one (null for online payments)."
        )
    )
    paid_at: datetime | None = strawberry.field(description="When the money arrived.")
    created_at: datetime = strawberry.field(description="When it was ordered or recorded.")

    @strawberry.field(
        description="What is left of it in the allocatable balance (partner recharges)."
    )
    def remaining(self) -> Money:
        return money(self.row.remaining)

    @strawberry.field(
        description=(
            "Until when money left of it may only be withdrawn by its original route "
            "(null: no window, or it must always go back that way -- see mustUseOriginalRoute)."
        )
    )
    async def original_route_until(self, info: strawberry.Info) -> datetime | None:
        return (await resolvers.route_window(info.context, self.row)).until

    @strawberry.field(
        description="Whether what is left of it may only leave by original route now."
    )
    async def must_use_original_route(self, info: strawberry.Info) -> bool:
        return (await resolvers.route_window(info.context, self.row)).must_use_original_route

    @strawberry.field(description="The REFERRAL customer that recharged itself (else null).")
    async def customer(
        self, info: strawberry.Info
    ) -> Annotated[Customer, strawberry.lazy("app.schema.customers.customers")] | None:
        from app.schema.customers.customers import Customer

        if self.row.customer_id is None:
            return None
        row = await info.context.loaders.customer.load(self.row.customer_id)
        return None if row is None else Customer.from_row(row)

    @classmethod
    def from_row(cls, row: Any) -> Recharge:
        return cls(
            id=strawberry.ID(to_global_id("Recharge", row.id)),
            row=row,
            channel=row.channel,
            amount=money(row.amount),
            status=row.status,
            payment_reference=row.payment_reference,
            remittance_account=row.remittance_account,
            paid_at=row.paid_at,
            created_at=row.created_at,
        )


@strawberry.input(description="Conditions on recharges; all given ones apply.")
class RechargeFilter:
    statuses: list[RechargeStatus] | None = strawberry.field(
        default=None, description="Any of these statuses."
    )
    channels: list[RechargeChannel] | None = strawberry.field(
        default=None, description="Any of these channels."
    )
    customer_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only this customer's own recharges."
    )
    partner_only: bool | None = strawberry.field(
        default=None, description="Only the partner's own recharges (not its customers')."
    )


@strawberry.input(description="Order an online recharge.")
class CreateRechargeInput:
    channel: RechargeChannel = strawberry.field(description="ALIPAY, WECHAT or UNIONPAY.")
    amount: Amount = strawberry.field(description="Greater than 0, at most 2 decimals.")
    currency: str = strawberry.field(default="CNY", description="Must be CNY.")
    customer_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="For a customer principal: the REFERRAL association recharging itself.",
    )
    idempotency_key: str = strawberry.field(description="Your unique key for this call.")


@strawberry.input(description="The payment channel's confirmation of a recharge (PLATFORM).")
class ConfirmRechargePaymentInput:
    recharge_id: strawberry.ID = strawberry.field(description="The recharge order.")
    payment_reference: str = strawberry.field(description="The channel's payment reference.")
    amount: Amount = strawberry.field(description="Amount paid; must equal the order.")
    currency: str = strawberry.field(default="CNY", description="Must be CNY.")
    paid_at: datetime | None = strawberry.field(
        default=None, description="When it was paid (default: now)."
    )
    idempotency_key: str = strawberry.field(description="Your unique key for this call.")


@strawberry.input(
    description=(
        "A transfer received on a partner's dedicated account or the general one (PLATFORM)."
    )
)
class RecordBankTransferInput:
    remittance_account: str = strawberry.field(
        description=(
            "The account number it arrived at: a partner's dedicated remittance account, or "
            "the vendor's general remittance account (then `partnerId` is required)."
        )
    )
    partner_id: strawberry.ID | None = strawberry.field(
        default=None,
        description=(
            "The partner the transfer's remark identifies (required for the general account; "
            "for a dedicated account it must be that account's partner if given)."
        ),
    )
    amount: Amount = strawberry.field(description="Amount received.")
    currency: str = strawberry.field(default="CNY", description="Must be CNY.")
    payment_reference: str = strawberry.field(description="The bank's transfer reference.")
    paid_at: datetime | None = strawberry.field(
        default=None, description="When it arrived (default: now)."
    )
    idempotency_key: str = strawberry.field(description="Your unique key for this call.")


@strawberry.type(description="A bank account a partner can recharge by transfer (转账汇款).")
class RemittanceAccount:
    kind: RemittanceAccountKind = strawberry.field(description="Dedicated or general.")
    account_number: str = strawberry.field(description="Account number to transfer to.")
    bank_name: str = strawberry.field(description="Bank of the account.")
    account_holder: str = strawberry.field(description="Holder of the account (the vendor).")
    required_remark: str | None = strawberry.field(
        description=(
            "What the transfer's remark (附言) must carry so the platform can attribute it "
            "(general account: your dedicated account number); null when the account itself "
            "identifies you."
        )
    )

    @classmethod
    def from_value(cls, value: Any) -> RemittanceAccount:
        return cls(
            kind=value.kind,
            account_number=value.account_number,
            bank_name=value.bank_name,
            account_holder=value.account_holder,
            required_remark=value.required_remark,
        )


@strawberry.type(description="Result of `createRecharge`.")
class CreateRechargePayload:
    recharge: Recharge | None = strawberry.field(description="The recharge order.")
    user_errors: list[UserError] = strawberry.field(description="Why it was refused.")


@strawberry.type(description="Result of `confirmRechargePayment`.")
class ConfirmRechargePaymentPayload(CreateRechargePayload):
    pass


@strawberry.type(description="Result of `recordBankTransfer`.")
class RecordBankTransferPayload(CreateRechargePayload):
    pass


def _payload(cls: type[CreateRechargePayload], outcome: Any) -> Any:
    return cls(
        recharge=Recharge.from_row(outcome.value) if outcome.value is not None else None,
        user_errors=[UserError.from_domain(e) for e in outcome.errors],
    )


async def create_recharge(
    info: strawberry.Info,
    input: Annotated[CreateRechargeInput, strawberry.argument(description="The order.")],
) -> CreateRechargePayload:
    return _payload(CreateRechargePayload, await resolvers.create_recharge(info.context, input))


async def confirm_recharge_payment(
    info: strawberry.Info,
    input: Annotated[
        ConfirmRechargePaymentInput, strawberry.argument(description="The confirmation.")
    ],
) -> ConfirmRechargePaymentPayload:
    outcome = await resolvers.confirm_recharge_payment(info.context, input)
    return _payload(ConfirmRechargePaymentPayload, outcome)


async def record_bank_transfer(
    info: strawberry.Info,
    input: Annotated[RecordBankTransferInput, strawberry.argument(description="The transfer.")],
) -> RecordBankTransferPayload:
    outcome = await resolvers.record_bank_transfer(info.context, input)
    return _payload(RecordBankTransferPayload, outcome)
