"""SQLAlchemy ORM tables (no business logic). Importing this package registers every table."""

from app.models.consumption.consumption import (
    BandwidthSample,
    BillCycle,
    ConsumptionCharge,
    ConsumptionDayRollup,
    ConsumptionDetail,
    ConsumptionRollup,
    PercentileBill,
    PercentileCorrection,
    UsageRecord,
)
from app.models.core.audit import AuditEvent
from app.models.core.base import Base
from app.models.core.idempotency import IdempotencyKey
from app.models.core.ids import IdSequence
from app.models.core.jobs import JobRun
from app.models.coupons.coupons import Coupon, CouponUsage, OrderCoupon
from app.models.coupons.pickup_vouchers import PickupVoucher
from app.models.coupons.quotas import CouponQuota, CouponQuotaRecord
from app.models.customers.account_associations import AccountAssociation
from app.models.customers.customers import CloudAccount, Customer
from app.models.customers.open_associations import OpenAssociation
from app.models.customers.resources import Resource
from app.models.funds.accounts import (
    CustomerAccount,
    LedgerEntry,
    LedgerTransaction,
    PartnerAccount,
)
from app.models.funds.adjustments import Adjustment
from app.models.funds.customer_withdrawals import CustomerWithdrawal
from app.models.funds.payment_references import PaymentReference
from app.models.funds.recharges import Recharge
from app.models.funds.withdrawals import Withdrawal, WithdrawalSource
from app.models.invoices.invoices import Invoice, InvoiceLine
from app.models.invoices.profiles import InvoiceProfile
from app.models.lifecycle.association_changes import AssociationChangeRequest, DisassociationRequest
from app.models.lifecycle.authorizations import Authorization
from app.models.lifecycle.invitation_tokens import InvitationToken
from app.models.lifecycle.invitations import Invitation, Notification
from app.models.lifecycle.registration_claims import RegistrationClaim
from app.models.lifecycle.registrations import Registration, ReservedCompany
from app.models.orders.orders import Order, OrderLine, OrderPayment, OrderRefund
from app.models.orders.products import Product
from app.models.partners.notifications import PartnerNotification, PartnerNotificationRead
from app.models.partners.partners import Partner, PartnerUser
from app.models.partners.tokens import ApiToken

__all__ = [
    "AccountAssociation",
    "Adjustment",
    "ApiToken",
    "AssociationChangeRequest",
    "AuditEvent",
    "Authorization",
    "BandwidthSample",
    "Base",
    "BillCycle",
    "CloudAccount",
    "ConsumptionCharge",
    "ConsumptionDayRollup",
    "ConsumptionDetail",
    "ConsumptionRollup",
    "Coupon",
    "CouponQuota",
    "CouponQuotaRecord",
    "CouponUsage",
    "Customer",
    "CustomerAccount",
    "CustomerWithdrawal",
    "DisassociationRequest",
    "IdSequence",
    "IdempotencyKey",
    "Invitation",
    "InvitationToken",
    "Invoice",
    "InvoiceLine",
    "InvoiceProfile",
    "JobRun",
    "LedgerEntry",
    "LedgerTransaction",
    "Notification",
    "OpenAssociation",
    "Order",
    "OrderCoupon",
    "OrderLine",
    "OrderPayment",
    "OrderRefund",
    "Partner",
    "PartnerAccount",
    "PartnerNotification",
    "PartnerNotificationRead",
    "PartnerUser",
    "PaymentReference",
    "PercentileBill",
    "PercentileCorrection",
    "PickupVoucher",
    "Product",
    "Recharge",
    "Registration",
    "RegistrationClaim",
    "ReservedCompany",
    "Resource",
    "UsageRecord",
    "Withdrawal",
    "WithdrawalSource",
]
