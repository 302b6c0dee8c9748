"""Enumerations shared by models, services and the schema (the schema adds descriptions)."""

from enum import StrEnum


class CertificationStatus(StrEnum):
    CERTIFIED = "CERTIFIED"
    EXPIRED = "EXPIRED"


class ContractingEntity(StrEnum):
    HUAWEI_CLOUD_COMPUTING = "HUAWEI_CLOUD_COMPUTING"
    OTHER = "OTHER"


class Role(StrEnum):
    ADMIN = "ADMIN"
    FINANCE = "FINANCE"
    SALES = "SALES"
    VIEWER = "VIEWER"


class PrincipalKind(StrEnum):
    PARTNER_USER = "PARTNER_USER"
    CUSTOMER = "CUSTOMER"
    PLATFORM = "PLATFORM"


class AssociationType(StrEnum):
    RESELLER = "RESELLER"
    REFERRAL = "REFERRAL"


class CustomerStatus(StrEnum):
    ACTIVE = "ACTIVE"
    FROZEN = "FROZEN"


class ServiceType(StrEnum):
    ECS = "ECS"
    EVS = "EVS"
    OBS = "OBS"
    CDN = "CDN"
    BANDWIDTH = "BANDWIDTH"
    RDS = "RDS"


class BillingMode(StrEnum):
    YEARLY_MONTHLY = "YEARLY_MONTHLY"
    ON_DEMAND = "ON_DEMAND"


class DetailKind(StrEnum):
    """What a consumption detail line records."""

    USAGE = "USAGE"
    PREPAID = "PREPAID"
    PERCENTILE = "PERCENTILE"
    CORRECTION = "CORRECTION"


class BillCycleStatus(StrEnum):
    PROVISIONAL = "PROVISIONAL"
    FINAL = "FINAL"


class ResourceStatus(StrEnum):
    ACTIVE = "ACTIVE"
    GRACE_PERIOD = "GRACE_PERIOD"
    FROZEN = "FROZEN"
    EXPIRED = "EXPIRED"
    DELETED = "DELETED"


class LedgerAccount(StrEnum):
    """The accounts of DOMAIN.md's posting table."""

    PLATFORM_EXTERNAL = "PLATFORM_EXTERNAL"
    PLATFORM_REVENUE = "PLATFORM_REVENUE"
    PARTNER_ALLOCATABLE = "PARTNER_ALLOCATABLE"
    PARTNER_HELD = "PARTNER_HELD"
    PARTNER_INCENTIVE = "PARTNER_INCENTIVE"
    CUSTOMER_BALANCE = "CUSTOMER_BALANCE"
    CUSTOMER_FROZEN_CASH = "CUSTOMER_FROZEN_CASH"


class LedgerKind(StrEnum):
    """What a ledger transaction records (one row of DOMAIN.md's posting table)."""

    RECHARGE = "RECHARGE"
    CUSTOMER_RECHARGE = "CUSTOMER_RECHARGE"
    ALLOCATE = "ALLOCATE"
    RETRIEVE = "RETRIEVE"
    UNBIND_RETRIEVE = "UNBIND_RETRIEVE"
    PARTNER_ORDER_PAYMENT = "PARTNER_ORDER_PAYMENT"
    CUSTOMER_ORDER_PAYMENT = "CUSTOMER_ORDER_PAYMENT"
    CUSTOMER_CHARGE = "CUSTOMER_CHARGE"
    PARTNER_REFUND = "PARTNER_REFUND"
    CUSTOMER_REFUND = "CUSTOMER_REFUND"
    WITHDRAWAL_SUBMITTED = "WITHDRAWAL_SUBMITTED"
    WITHDRAWAL_PAID = "WITHDRAWAL_PAID"
    WITHDRAWAL_REJECTED = "WITHDRAWAL_REJECTED"
    INCENTIVE_PAID = "INCENTIVE_PAID"
    INCENTIVE_CLAWBACK = "INCENTIVE_CLAWBACK"
    INCENTIVE_WITHDRAWAL_PAID = "INCENTIVE_WITHDRAWAL_PAID"
    OWN_CASH_FROZEN = "OWN_CASH_FROZEN"


class AdjustmentKind(StrEnum):
    ALLOCATE = "ALLOCATE"
    RETRIEVE = "RETRIEVE"
    UNBIND_RETRIEVE = "UNBIND_RETRIEVE"


class RechargeChannel(StrEnum):
    ALIPAY = "ALIPAY"
    WECHAT = "WECHAT"
    UNIONPAY = "UNIONPAY"
    BANK_TRANSFER = "BANK_TRANSFER"


class RechargeStatus(StrEnum):
    PENDING = "PENDING"
    CONFIRMED = "CONFIRMED"


class WithdrawalRoute(StrEnum):
    ORIGINAL_ROUTE = "ORIGINAL_ROUTE"
    BANK_CARD = "BANK_CARD"
    INCENTIVE_REBATE = "INCENTIVE_REBATE"


class WithdrawalStatus(StrEnum):
    SUBMITTED = "SUBMITTED"
    APPROVED = "APPROVED"
    PAID = "PAID"
    REJECTED = "REJECTED"


class RegistrationStatus(StrEnum):
    PENDING_REVIEW = "PENDING_REVIEW"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    WITHDRAWN = "WITHDRAWN"
    ASSOCIATED = "ASSOCIATED"
    EXPIRED = "EXPIRED"


class InvitationChannel(StrEnum):
    ONLINE = "ONLINE"
    OFFLINE = "OFFLINE"


class InvitationStatus(StrEnum):
    SENT = "SENT"
    ACCEPTED = "ACCEPTED"
    EXPIRED = "EXPIRED"
    REVOKED = "REVOKED"


class NotificationChannel(StrEnum):
    EMAIL = "EMAIL"
    SMS = "SMS"
    CONSOLE = "CONSOLE"


class AssociationChangeKind(StrEnum):
    DISASSOCIATION = "DISASSOCIATION"
    TYPE_SWITCH = "TYPE_SWITCH"


class AssociationChangeStatus(StrEnum):
    PENDING = "PENDING"
    CONFIRMED = "CONFIRMED"
    DECLINED = "DECLINED"
    EXPIRED = "EXPIRED"


class DisassociationRequestStatus(StrEnum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"


class AuthorizationScope(StrEnum):
    PROXY_ORDER = "PROXY_ORDER"
    OPERATIONS = "OPERATIONS"


class AuthorizationStatus(StrEnum):
    PENDING = "PENDING"
    ACTIVE = "ACTIVE"
    REJECTED = "REJECTED"
    REVOKED = "REVOKED"
    EXPIRED = "EXPIRED"
    ENDED = "ENDED"


class OrderKind(StrEnum):
    NEW = "NEW"
    RENEW = "RENEW"
    CHANGE_SPEC = "CHANGE_SPEC"
    UNSUBSCRIBE = "UNSUBSCRIBE"


class OrderStatus(StrEnum):
    PENDING_PAYMENT = "PENDING_PAYMENT"
    PAID = "PAID"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"
    CLOSED = "CLOSED"


class OrderSource(StrEnum):
    PROXY = "PROXY"
    CUSTOMER = "CUSTOMER"


class OrderPayer(StrEnum):
    PARTNER = "PARTNER"
    CUSTOMER = "CUSTOMER"


class PartnerPaymentStatus(StrEnum):
    NONE = "NONE"
    REQUESTED = "REQUESTED"
    REJECTED = "REJECTED"
    PAID = "PAID"


class PeriodUnit(StrEnum):
    MONTH = "MONTH"
    YEAR = "YEAR"
