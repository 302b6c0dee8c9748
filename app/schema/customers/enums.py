"""The customers domain's GraphQL enums: its Python enums themselves, with descriptions
(see `app.schema.core.enums.graphql_enum`)."""

from __future__ import annotations

from app.models.customers.enums import (
    AssociationType,
    BillingMode,
    CustomerStatus,
    ResourceStatus,
    ServiceType,
)
from app.schema.core.enums import graphql_enum
from app.services.customers.customers import AssociationState, CustomerOrderField
from app.services.customers.resources import ResourceOrderField

graphql_enum(
    AssociationType,
    "How a customer is associated with its partner.",
    {
        "RESELLER": "代售: the partner funds the customer, pays its orders, is invoiced for it.",
        "REFERRAL": "顾问销售: the customer pays and is invoiced itself.",
    },
)

graphql_enum(
    CustomerStatus,
    "Status of a customer account.",
    {
        "ACTIVE": "In good standing.",
        "FROZEN": "Frozen by the platform.",
    },
)

graphql_enum(
    ServiceType,
    "Cloud service type of a resource or product.",
    {
        "ECS": "Elastic Cloud Server.",
        "EVS": "Elastic Volume Service (disks).",
        "OBS": "Object Storage Service.",
        "CDN": "Content Delivery Network.",
        "BANDWIDTH": "Internet bandwidth.",
        "RDS": "Relational Database Service.",
    },
)

graphql_enum(
    BillingMode,
    "How a resource is billed.",
    {
        "YEARLY_MONTHLY": "Prepaid for months or years.",
        "ON_DEMAND": "Pay per use, rated daily.",
    },
)

graphql_enum(
    ResourceStatus,
    "Lifecycle status of a resource.",
    {
        "ACTIVE": "Running normally.",
        "GRACE_PERIOD": "Owner in arrears; frozen if not paid in time.",
        "FROZEN": "Frozen; data kept, service stopped.",
        "EXPIRED": "Its prepaid term has ended.",
        "DELETED": "Released.",
    },
)

graphql_enum(
    CustomerOrderField,
    "Fields customers can be ordered by (ties broken by id).",
    {
        "NAME": "Customer (company) name.",
        "ASSOCIATED_AT": "When the association started.",
    },
)

graphql_enum(
    AssociationState,
    "Which associations a customer list shows.",
    {
        "CURRENT": "Current customers (the association has not ended).",
        "FORMER": "Former customers: ended associations, kept with their history.",
        "ALL": "Current and former customers.",
    },
)

graphql_enum(
    ResourceOrderField,
    "Fields resources can be ordered by (ties broken by id).",
    {
        "CREATED_AT": "Creation time.",
        "EXPIRES_AT": "Expiry; resources without one (on-demand) come last when ascending.",
        "NAME": "Resource name.",
    },
)


__all__ = [
    "AssociationState",
    "AssociationType",
    "BillingMode",
    "CustomerOrderField",
    "CustomerStatus",
    "ResourceOrderField",
    "ResourceStatus",
    "ServiceType",
]
