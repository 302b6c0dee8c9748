"""Root fields of customers, resources, the catalog, nodes and the audit log."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

import strawberry

from app.resolvers.core import nodes as node_resolvers
from app.resolvers.customers import customers as customer_resolvers
from app.resolvers.customers import resources as resource_resolvers
from app.resolvers.orders import products as product_resolvers
from app.resolvers.partners import audit_log as audit_resolvers
from app.resolvers.partners import partners as partner_resolvers
from app.schema.core.relay import After, Before, Connection, First, Last, Node, connection
from app.schema.customers import customers
from app.schema.customers.customers import Customer, CustomerFilter, CustomerOrder
from app.schema.customers.resources import Resource, ResourceFilter, ResourceOrder
from app.schema.funds.adjustments import Adjustment
from app.schema.funds.recharges import Recharge
from app.schema.funds.withdrawals import Withdrawal
from app.schema.lifecycle.association_changes import AssociationChangeRequest
from app.schema.lifecycle.authorizations import Authorization
from app.schema.lifecycle.company_registry import ReservedCompany
from app.schema.lifecycle.disassociation_requests import DisassociationRequest
from app.schema.lifecycle.invitations import Invitation
from app.schema.lifecycle.notifications import Notification
from app.schema.lifecycle.registrations import Registration
from app.schema.orders.orders import Order
from app.schema.orders.products import Product, ProductFilter
from app.schema.partners.audit_log import AuditEvent, AuditEventFilter
from app.schema.partners.partners import Partner, PartnerUser, Viewer
from app.services.core.errors import BadRequest
from app.settings import get_settings

NODE_TYPES: dict[str, Any] = {
    "Adjustment": Adjustment.from_row,
    "Recharge": Recharge.from_row,
    "Withdrawal": Withdrawal.from_row,
    "AssociationChangeRequest": AssociationChangeRequest.from_row,
    "Authorization": Authorization.from_row,
    "Customer": Customer.from_row,
    "DisassociationRequest": DisassociationRequest.from_row,
    "Invitation": Invitation.from_row,
    "Notification": Notification.from_row,
    "Partner": Partner.from_row,
    "PartnerUser": PartnerUser.from_row,
    "Registration": Registration.from_row,
    "ReservedCompany": ReservedCompany.from_row,
    "Product": Product.from_row,
    "Resource": Resource.from_row,
    "Order": Order.from_row,
}


async def _node(info: strawberry.Info, global_id: str) -> Node | None:
    found = await node_resolvers.load_node(info.context, global_id)
    if found is None:
        return None
    type_name, row = found
    return NODE_TYPES[type_name](row)


@strawberry.type(
    description="Read entry points: customers, resources, the catalog, nodes and the audit log."
)
class Query:
    @strawberry.field(description="The authenticated caller.")
    def viewer(self, info: strawberry.Info) -> Viewer:
        principal = info.context.principal
        return Viewer(
            kind=principal.kind,
            role=principal.role,
            partner_id=principal.partner_id,
            user_id=principal.user_id,
        )

    @strawberry.field(description="Fetch any object by global id; null if missing or not yours.")
    async def node(
        self,
        info: strawberry.Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="A global id.")],
    ) -> Node | None:
        return await _node(info, id)

    @strawberry.field(
        description="Fetch up to 100 objects by global id, in order; null entries "
        "for missing or foreign ids."
    )
    async def nodes(
        self,
        info: strawberry.Info,
        ids: Annotated[
            list[strawberry.ID], strawberry.argument(description="Global ids (at most 100).")
        ],
    ) -> list[Node | None]:
        maximum = get_settings().max_nodes_ids
        if len(ids) > maximum:
            raise BadRequest(f"`ids` takes at most {maximum} ids; got {len(ids)}.")
        return list(await asyncio.gather(*(_node(info, gid) for gid in ids)))

    @strawberry.field(description="Current customers the caller may see.")
    async def customers(
        self,
        info: strawberry.Info,
        filter: Annotated[
            CustomerFilter | None, strawberry.argument(description="Conditions.")
        ] = None,
        order_by: Annotated[
            CustomerOrder | None,
            strawberry.argument(description="Ordering; newest association first by default."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Customer]:
        page = await customer_resolvers.list_customers(
            info.context, filter, order_by, first, after, last, before
        )
        return connection(page, Customer.from_row)

    @strawberry.field(description="One customer by id (former customers included).")
    async def customer(
        self,
        info: strawberry.Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The customer's global id.")],
    ) -> Customer | None:
        row = await customer_resolvers.get_customer(info.context, id)
        return None if row is None else Customer.from_row(row)

    @strawberry.field(description="Resources of all customers the caller may see.")
    async def resources(
        self,
        info: strawberry.Info,
        filter: Annotated[
            ResourceFilter | None, strawberry.argument(description="Conditions.")
        ] = None,
        order_by: Annotated[
            ResourceOrder | None,
            strawberry.argument(description="Ordering; newest first by default."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Resource]:
        page = await resource_resolvers.list_resources(
            info.context, filter, order_by, first, after, last, before
        )
        return connection(page, Resource.from_row)

    @strawberry.field(description="One resource by id.")
    async def resource(
        self,
        info: strawberry.Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The resource's global id.")],
    ) -> Resource | None:
        row = await resource_resolvers.get_resource(info.context, id)
        return None if row is None else Resource.from_row(row)

    @strawberry.field(description="Users of the caller's partner, by name.")
    async def partner_users(
        self,
        info: strawberry.Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[PartnerUser]:
        page = await partner_resolvers.list_partner_users(info.context, first, after, last, before)
        return connection(page, PartnerUser.from_row)

    @strawberry.field(description="The product catalog, by product code.")
    async def products(
        self,
        info: strawberry.Info,
        filter: Annotated[
            ProductFilter | None, strawberry.argument(description="Conditions.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Product]:
        page = await product_resolvers.list_products(
            info.context, filter, first, after, last, before
        )
        return connection(page, Product.from_row)

    @strawberry.field(description="The partner's audit log, newest first (ADMIN, FINANCE).")
    async def audit_events(
        self,
        info: strawberry.Info,
        filter: Annotated[
            AuditEventFilter | None, strawberry.argument(description="Conditions.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[AuditEvent]:
        page = await audit_resolvers.list_audit_events(
            info.context, filter, first, after, last, before
        )
        return connection(page, AuditEvent.from_row)


@strawberry.type(description="Changes: customers.")
class Mutation:
    update_customer: customers.UpdateCustomerPayload = strawberry.mutation(
        resolver=customers.update_customer,
        description=("Set a customer's labels and/or remark (ADMIN; SALES for managed customers)."),
    )
