"""The `Query` root: every read entry point."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

import strawberry

from app.resolvers import adjustments as adjustment_resolvers
from app.resolvers import association_changes as association_change_resolvers
from app.resolvers import audit_log as audit_resolvers
from app.resolvers import authorizations as authorization_resolvers
from app.resolvers import company_registry as company_registry_resolvers
from app.resolvers import customers as customer_resolvers
from app.resolvers import disassociation_requests as disassociation_request_resolvers
from app.resolvers import invitations as invitation_resolvers
from app.resolvers import nodes as node_resolvers
from app.resolvers import notifications as notification_resolvers
from app.resolvers import partners as partner_resolvers
from app.resolvers import products as product_resolvers
from app.resolvers import recharges as recharge_resolvers
from app.resolvers import registrations as registration_resolvers
from app.resolvers import resources as resource_resolvers
from app.resolvers import statements as statement_resolvers
from app.resolvers import withdrawals as withdrawal_resolvers
from app.schema.adjustments import Adjustment, AdjustmentRecordFilter
from app.schema.association_changes import AssociationChangeRequest, AssociationChangeRequestFilter
from app.schema.audit_log import AuditEvent, AuditEventFilter
from app.schema.authorizations import Authorization, AuthorizationFilter
from app.schema.company_registry import ReservedCompany
from app.schema.customers import Customer, CustomerFilter, CustomerOrder
from app.schema.disassociation_requests import DisassociationRequest, DisassociationRequestFilter
from app.schema.invitations import Invitation, InvitationFilter, InvitationOrder
from app.schema.notifications import Notification, NotificationFilter
from app.schema.partners import Partner, PartnerUser, Viewer
from app.schema.products import Product, ProductFilter
from app.schema.recharges import Recharge, RechargeFilter
from app.schema.registrations import Registration, RegistrationFilter, RegistrationOrder
from app.schema.relay import After, Before, Connection, First, Last, Node, connection
from app.schema.resources import Resource, ResourceFilter, ResourceOrder
from app.schema.statements import StatementFilter, StatementLine
from app.schema.withdrawals import Withdrawal, WithdrawalFilter
from app.services.errors import BadRequest
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
}


async def _node(info: strawberry.Info, global_id: str) -> Node | None:
    found = await node_resolvers.load_node(info.context, global_id)
    if found is None:
        return None
    type_name, row = found
    return NODE_TYPES[type_name](row)


@strawberry.type(description="Read entry points. Every list is a cursor connection.")
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

    @strawberry.field(
        description="Registrations (报备): the partner's own; the platform sees all to review."
    )
    async def registrations(
        self,
        info: strawberry.Info,
        filter: Annotated[
            RegistrationFilter | None, strawberry.argument(description="Conditions.")
        ] = None,
        order_by: Annotated[
            RegistrationOrder | None,
            strawberry.argument(description="Ordering; newest submission first by default."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Registration]:
        page = await registration_resolvers.list_registrations(
            info.context, filter, order_by, first, after, last, before
        )
        return connection(page, Registration.from_row)

    @strawberry.field(description='Invitations ("invited customers") with their status.')
    async def invitations(
        self,
        info: strawberry.Info,
        filter: Annotated[
            InvitationFilter | None, strawberry.argument(description="Conditions.")
        ] = None,
        order_by: Annotated[
            InvitationOrder | None,
            strawberry.argument(description="Ordering; newest first by default."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Invitation]:
        page = await invitation_resolvers.list_invitations(
            info.context, filter, order_by, first, after, last, before
        )
        return connection(page, Invitation.from_row)

    @strawberry.field(
        description="Partner requests to disassociate customers or switch their type, newest "
        "first (a customer sees those addressed to it)."
    )
    async def association_change_requests(
        self,
        info: strawberry.Info,
        filter: Annotated[
            AssociationChangeRequestFilter | None, strawberry.argument(description="Conditions.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[AssociationChangeRequest]:
        page = await association_change_resolvers.list_association_changes(
            info.context, filter, first, after, last, before
        )
        return connection(page, AssociationChangeRequest.from_row)

    @strawberry.field(
        description="Customers' requests to disassociate, newest first (a customer sees its own)."
    )
    async def disassociation_requests(
        self,
        info: strawberry.Info,
        filter: Annotated[
            DisassociationRequestFilter | None, strawberry.argument(description="Conditions.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[DisassociationRequest]:
        page = await disassociation_request_resolvers.list_disassociation_requests(
            info.context, filter, first, after, last, before
        )
        return connection(page, DisassociationRequest.from_row)

    @strawberry.field(description="Authorizations, newest request first (a customer sees its own).")
    async def authorizations(
        self,
        info: strawberry.Info,
        filter: Annotated[
            AuthorizationFilter | None, strawberry.argument(description="Conditions.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Authorization]:
        page = await authorization_resolvers.list_authorizations(
            info.context, filter, first, after, last, before
        )
        return connection(page, Authorization.from_row)

    @strawberry.field(description="The notification outbox, newest first (PLATFORM only).")
    async def notifications(
        self,
        info: strawberry.Info,
        filter: Annotated[
            NotificationFilter | None, strawberry.argument(description="Conditions.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Notification]:
        page = await notification_resolvers.list_notifications(
            info.context, filter, first, after, last, before
        )
        return connection(page, Notification.from_row)

    @strawberry.field(description="The vendor's reserved companies, by name (PLATFORM only).")
    async def reserved_companies(
        self,
        info: strawberry.Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[ReservedCompany]:
        page = await company_registry_resolvers.list_reserved_companies(
            info.context, first, after, last, before
        )
        return connection(page, ReservedCompany.from_row)

    @strawberry.field(description="Adjustment records (调账记录), newest first.")
    async def adjustment_records(
        self,
        info: strawberry.Info,
        filter: Annotated[
            AdjustmentRecordFilter | None, strawberry.argument(description="Conditions.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Adjustment]:
        page = await adjustment_resolvers.list_adjustments(
            info.context, filter, first, after, last, before
        )
        return connection(page, Adjustment.from_row)

    @strawberry.field(
        description=(
            "Statement of one of the partner's accounts (allocatable by default), newest "
            "first, each line with the balance after it (ADMIN, FINANCE, VIEWER)."
        )
    )
    async def statement(
        self,
        info: strawberry.Info,
        filter: Annotated[
            StatementFilter | None, strawberry.argument(description="Account and conditions.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[StatementLine]:
        page = await statement_resolvers.statement(info.context, filter, first, after, last, before)
        return connection(page, StatementLine.from_row)

    @strawberry.field(description="Recharges the caller may see, newest first.")
    async def recharges(
        self,
        info: strawberry.Info,
        filter: Annotated[
            RechargeFilter | None, strawberry.argument(description="Conditions.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Recharge]:
        page = await recharge_resolvers.list_recharges(
            info.context, filter, first, after, last, before
        )
        return connection(page, Recharge.from_row)

    @strawberry.field(description="The partner's withdrawal requests, newest first.")
    async def withdrawals(
        self,
        info: strawberry.Info,
        filter: Annotated[
            WithdrawalFilter | None, strawberry.argument(description="Conditions.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Withdrawal]:
        page = await withdrawal_resolvers.list_withdrawals(
            info.context, filter, first, after, last, before
        )
        return connection(page, Withdrawal.from_row)

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
