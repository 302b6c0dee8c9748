"""GraphQL enums. Values equal the model enums' values, so either can be returned."""

from __future__ import annotations

from enum import Enum

import strawberry


@strawberry.enum(description="Sort direction of an ordering.")
class OrderDirection(Enum):
    ASC = strawberry.enum_value("ASC", description="Ascending (smallest, oldest, A first).")
    DESC = strawberry.enum_value("DESC", description="Descending (largest, newest, Z first).")


@strawberry.enum(description="Role of a partner user (DOMAIN.md > Who may do what).")
class Role(Enum):
    ADMIN = strawberry.enum_value("ADMIN", description="Everything, incl. association changes.")
    FINANCE = strawberry.enum_value(
        "FINANCE", description="Funds, adjustments, payments, invoices, withdrawals."
    )
    SALES = strawberry.enum_value(
        "SALES", description="Registrations, invitations, managed customers, proxy orders."
    )
    VIEWER = strawberry.enum_value("VIEWER", description="Read only (BI tools).")


@strawberry.enum(description="Kind of authenticated caller.")
class PrincipalKind(Enum):
    PARTNER_USER = strawberry.enum_value("PARTNER_USER", description="A partner's user.")
    CUSTOMER = strawberry.enum_value("CUSTOMER", description="A customer's cloud account.")
    PLATFORM = strawberry.enum_value("PLATFORM", description="The cloud vendor's side.")


@strawberry.enum(description="Whether a partner's certification is in force.")
class CertificationStatus(Enum):
    CERTIFIED = strawberry.enum_value("CERTIFIED", description="Certified (see the expiry).")
    EXPIRED = strawberry.enum_value(
        "EXPIRED", description="Expired: may read, not register, order or allocate funds."
    )


@strawberry.enum(description="The partner's contracting entity; it decides withdrawal routes.")
class ContractingEntity(Enum):
    HUAWEI_CLOUD_COMPUTING = strawberry.enum_value(
        "HUAWEI_CLOUD_COMPUTING", description="Huawei Cloud Computing Technologies Co., Ltd."
    )
    OTHER = strawberry.enum_value("OTHER", description="Any other contracting entity.")


@strawberry.enum(description="How a customer is associated with its partner.")
class AssociationType(Enum):
    RESELLER = strawberry.enum_value(
        "RESELLER",
        description="代售: the partner funds the customer, pays its orders, is invoiced for it.",
    )
    REFERRAL = strawberry.enum_value(
        "REFERRAL", description="顾问销售: the customer pays and is invoiced itself."
    )


@strawberry.enum(description="Status of a customer account.")
class CustomerStatus(Enum):
    ACTIVE = strawberry.enum_value("ACTIVE", description="In good standing.")
    FROZEN = strawberry.enum_value("FROZEN", description="Frozen by the platform.")


@strawberry.enum(description="Cloud service type of a resource or product.")
class ServiceType(Enum):
    ECS = strawberry.enum_value("ECS", description="Elastic Cloud Server.")
    EVS = strawberry.enum_value("EVS", description="Elastic Volume Service (disks).")
    OBS = strawberry.enum_value("OBS", description="Object Storage Service.")
    CDN = strawberry.enum_value("CDN", description="Content Delivery Network.")
    BANDWIDTH = strawberry.enum_value("BANDWIDTH", description="Internet bandwidth.")
    RDS = strawberry.enum_value("RDS", description="Relational Database Service.")


@strawberry.enum(description="How a resource is billed.")
class BillingMode(Enum):
    YEARLY_MONTHLY = strawberry.enum_value(
        "YEARLY_MONTHLY", description="Prepaid for months or years."
    )
    ON_DEMAND = strawberry.enum_value("ON_DEMAND", description="Pay per use, rated daily.")


@strawberry.enum(description="Lifecycle status of a resource.")
class ResourceStatus(Enum):
    ACTIVE = strawberry.enum_value("ACTIVE", description="Running normally.")
    GRACE_PERIOD = strawberry.enum_value(
        "GRACE_PERIOD", description="Owner in arrears; frozen if not paid in time."
    )
    FROZEN = strawberry.enum_value("FROZEN", description="Frozen; data kept, service stopped.")
    EXPIRED = strawberry.enum_value("EXPIRED", description="Its prepaid term has ended.")
    DELETED = strawberry.enum_value("DELETED", description="Released.")


@strawberry.enum(description="Kind of adjustment (调账).")
class AdjustmentKind(Enum):
    ALLOCATE = strawberry.enum_value(
        "ALLOCATE", description="拨款: partner allocatable -> customer balance."
    )
    RETRIEVE = strawberry.enum_value(
        "RETRIEVE", description="回收: customer balance -> partner allocatable."
    )
    UNBIND_RETRIEVE = strawberry.enum_value(
        "UNBIND_RETRIEVE", description="解绑回收: automatic retrieval when a customer leaves."
    )


@strawberry.enum(description="Adjustments a partner can make by hand.")
class AdjustmentInputKind(Enum):
    ALLOCATE = strawberry.enum_value("ALLOCATE", description="Allocate to the customer.")
    RETRIEVE = strawberry.enum_value(
        "RETRIEVE", description="Retrieve (at most the customer's positive balance)."
    )


@strawberry.enum(description="How money entered an account.")
class RechargeChannel(Enum):
    ALIPAY = strawberry.enum_value("ALIPAY", description="Alipay (online).")
    WECHAT = strawberry.enum_value("WECHAT", description="WeChat Pay (online, capped per payment).")
    UNIONPAY = strawberry.enum_value("UNIONPAY", description="UnionPay (online).")
    BANK_TRANSFER = strawberry.enum_value(
        "BANK_TRANSFER", description="Transfer to the partner's dedicated remittance account."
    )


@strawberry.enum(description="Status of a recharge.")
class RechargeStatus(Enum):
    PENDING = strawberry.enum_value("PENDING", description="Ordered, awaiting the payment.")
    CONFIRMED = strawberry.enum_value("CONFIRMED", description="Paid and credited.")


@strawberry.enum(description="How a withdrawal leaves.")
class WithdrawalRoute(Enum):
    ORIGINAL_ROUTE = strawberry.enum_value(
        "ORIGINAL_ROUTE", description="原路提现: back to the payer of one recharge."
    )
    BANK_CARD = strawberry.enum_value(
        "BANK_CARD",
        description="To a card in the certified company's name (money past its windows).",
    )
    INCENTIVE_REBATE = strawberry.enum_value(
        "INCENTIVE_REBATE", description="From the incentive (rebate) account."
    )


@strawberry.enum(description="Review state of a withdrawal.")
class WithdrawalStatus(Enum):
    SUBMITTED = strawberry.enum_value("SUBMITTED", description="Awaiting the platform's review.")
    APPROVED = strawberry.enum_value("APPROVED", description="Approved; to be paid.")
    PAID = strawberry.enum_value("PAID", description="Paid out.")
    REJECTED = strawberry.enum_value(
        "REJECTED", description="Refused with a reason; the money is back. Can be deleted."
    )


@strawberry.enum(description="A partner account that has a statement.")
class PartnerLedgerAccount(Enum):
    ALLOCATABLE = strawberry.enum_value(
        "ALLOCATABLE", description="可拨款余额: cash to allocate, spend or withdraw."
    )
    HELD = strawberry.enum_value("HELD", description="Cash held by pending withdrawals.")
    INCENTIVE = strawberry.enum_value("INCENTIVE", description="Incentive (rebate) account.")


@strawberry.enum(description="What a ledger line records.")
class LedgerKind(Enum):
    RECHARGE = strawberry.enum_value("RECHARGE", description="A partner recharge.")
    CUSTOMER_RECHARGE = strawberry.enum_value(
        "CUSTOMER_RECHARGE", description="A REFERRAL customer's own recharge."
    )
    ALLOCATE = strawberry.enum_value("ALLOCATE", description="Allocation to a customer.")
    RETRIEVE = strawberry.enum_value("RETRIEVE", description="Retrieval from a customer.")
    UNBIND_RETRIEVE = strawberry.enum_value(
        "UNBIND_RETRIEVE", description="Retrieval on disassociation."
    )
    PARTNER_ORDER_PAYMENT = strawberry.enum_value(
        "PARTNER_ORDER_PAYMENT", description="The partner paid an order."
    )
    CUSTOMER_ORDER_PAYMENT = strawberry.enum_value(
        "CUSTOMER_ORDER_PAYMENT", description="A customer paid an order."
    )
    CUSTOMER_CHARGE = strawberry.enum_value(
        "CUSTOMER_CHARGE", description="A customer was charged for consumption."
    )
    PARTNER_REFUND = strawberry.enum_value(
        "PARTNER_REFUND", description="Refund of a partner-paid order."
    )
    CUSTOMER_REFUND = strawberry.enum_value(
        "CUSTOMER_REFUND", description="Refund of a customer-paid order."
    )
    WITHDRAWAL_SUBMITTED = strawberry.enum_value(
        "WITHDRAWAL_SUBMITTED", description="Cash held for a withdrawal request."
    )
    WITHDRAWAL_PAID = strawberry.enum_value("WITHDRAWAL_PAID", description="A withdrawal paid.")
    WITHDRAWAL_REJECTED = strawberry.enum_value(
        "WITHDRAWAL_REJECTED", description="A rejected withdrawal's cash released."
    )
    INCENTIVE_PAID = strawberry.enum_value("INCENTIVE_PAID", description="Incentive credited.")
    INCENTIVE_CLAWBACK = strawberry.enum_value(
        "INCENTIVE_CLAWBACK", description="Incentive clawed back."
    )
    INCENTIVE_WITHDRAWAL_PAID = strawberry.enum_value(
        "INCENTIVE_WITHDRAWAL_PAID", description="Incentive rebate paid out."
    )
    OWN_CASH_FROZEN = strawberry.enum_value(
        "OWN_CASH_FROZEN",
        description="A customer's own cash set aside when it switched from REFERRAL to RESELLER.",
    )
