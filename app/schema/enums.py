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
