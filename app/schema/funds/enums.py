"""The funds domain's GraphQL enums: its Python enums themselves, with descriptions
(see `app.schema.core.enums.graphql_enum`)."""

from __future__ import annotations

from enum import Enum

import strawberry

from app.models.funds.enums import (
    AdjustmentKind,
    LedgerAccount,
    LedgerKind,
    RechargeChannel,
    RechargeStatus,
    RemittanceAccountKind,
    WithdrawalRoute,
    WithdrawalStatus,
)
from app.schema.core.enums import graphql_enum

graphql_enum(
    AdjustmentKind,
    "Kind of adjustment (调账).",
    {
        "ALLOCATE": "拨款: partner allocatable -> customer balance.",
        "RETRIEVE": "回收: customer balance -> partner allocatable.",
        "UNBIND_RETRIEVE": "解绑回收: automatic retrieval when a customer leaves.",
    },
)

graphql_enum(
    RechargeChannel,
    "How money entered an account.",
    {
        "ALIPAY": "Alipay (online).",
        "WECHAT": "WeChat Pay (online, capped per payment).",
        "UNIONPAY": "UnionPay (online).",
        "BANK_TRANSFER": "Bank transfer to the dedicated or the general remittance account.",
    },
)

graphql_enum(
    RechargeStatus,
    "Status of a recharge.",
    {
        "PENDING": "Ordered, awaiting the payment.",
        "CONFIRMED": "Paid and credited.",
    },
)

graphql_enum(
    WithdrawalRoute,
    "How a withdrawal leaves.",
    {
        "ORIGINAL_ROUTE": "原路提现: back to the payer of one recharge.",
        "BANK_CARD": "To a card in the certified company's name (money past its windows).",
        "INCENTIVE_REBATE": "From the incentive (rebate) account.",
    },
)

graphql_enum(
    WithdrawalStatus,
    "Review state of a withdrawal.",
    {
        "SUBMITTED": "Awaiting the platform's review.",
        "APPROVED": "Approved; to be paid.",
        "PAID": "Paid out.",
        "REJECTED": "Refused with a reason; the money is back. Can be deleted.",
    },
)

graphql_enum(
    LedgerKind,
    "What a ledger line records.",
    {
        "RECHARGE": "A partner recharge.",
        "CUSTOMER_RECHARGE": "A REFERRAL customer's own recharge.",
        "ALLOCATE": "Allocation to a customer.",
        "RETRIEVE": "Retrieval from a customer.",
        "UNBIND_RETRIEVE": "Retrieval on disassociation.",
        "PARTNER_ORDER_PAYMENT": "The partner paid an order.",
        "CUSTOMER_ORDER_PAYMENT": "A customer paid an order.",
        "CUSTOMER_CHARGE": "A customer was charged for consumption.",
        "PARTNER_REFUND": "Refund of a partner-paid order.",
        "CUSTOMER_REFUND": "Refund of a customer-paid order.",
        "WITHDRAWAL_SUBMITTED": "Cash held for a withdrawal request.",
        "WITHDRAWAL_PAID": "A withdrawal paid.",
        "WITHDRAWAL_REJECTED": "A rejected withdrawal's cash released.",
        "INCENTIVE_PAID": "Incentive credited.",
        "INCENTIVE_CLAWBACK": "Incentive clawed back.",
        "INCENTIVE_WITHDRAWAL_PAID": "Incentive rebate paid out.",
        "OWN_CASH_FROZEN": (
            "A customer's own cash set aside when it switched from REFERRAL to RESELLER."
        ),
        "OWN_CASH_HELD": "Frozen own cash held for the customer's withdrawal request.",
        "OWN_CASH_PAID_OUT": "A customer's withdrawal of frozen own cash paid out.",
        "OWN_CASH_RELEASED": "A rejected customer withdrawal's cash frozen again.",
    },
)

graphql_enum(
    RemittanceAccountKind,
    "Which bank account a transfer (BANK_TRANSFER recharge) arrived at.",
    {
        "DEDICATED": "The partner's dedicated remittance account (专属汇款账号), unique to it.",
        "GENERAL": (
            "The vendor's general remittance account (通用汇款账号), shared by all partners; "
            "the transfer's remark names the partner."
        ),
    },
)


@strawberry.enum(description="Adjustments a partner can make by hand.")
class AdjustmentInputKind(Enum):
    """The manual subset of `AdjustmentKind`; each value is that member."""

    ALLOCATE = strawberry.enum_value(
        AdjustmentKind.ALLOCATE, description="Allocate to the customer."
    )
    RETRIEVE = strawberry.enum_value(
        AdjustmentKind.RETRIEVE, description="Retrieve (at most the customer's positive balance)."
    )


@strawberry.enum(description="A partner account that has a statement.")
class PartnerLedgerAccount(Enum):
    """The partner's statement accounts under shorter names; each value is the
    `LedgerAccount` member (`app.services.funds.statements.STATEMENT_ACCOUNTS`)."""

    ALLOCATABLE = strawberry.enum_value(
        LedgerAccount.PARTNER_ALLOCATABLE,
        description="可拨款余额: cash to allocate, spend or withdraw.",
    )
    HELD = strawberry.enum_value(
        LedgerAccount.PARTNER_HELD, description="Cash held by pending withdrawals."
    )
    INCENTIVE = strawberry.enum_value(
        LedgerAccount.PARTNER_INCENTIVE, description="Incentive (rebate) account."
    )


__all__ = [
    "AdjustmentInputKind",
    "AdjustmentKind",
    "LedgerKind",
    "PartnerLedgerAccount",
    "RechargeChannel",
    "RechargeStatus",
    "RemittanceAccountKind",
    "WithdrawalRoute",
    "WithdrawalStatus",
]
