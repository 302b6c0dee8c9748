"""Partner, PartnerUser and Viewer types."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from app.globalid import to_global_id
from app.resolvers.customers import account_managers as account_manager_resolvers
from app.resolvers.funds import accounts as funds_resolvers
from app.resolvers.partners import partners as resolvers
from app.schema.core.errors import UserError, user_errors
from app.schema.core.relay import After, Before, Connection, First, Last, Node, connection
from app.schema.funds.accounts import PartnerAccount
from app.schema.partners.enums import CertificationStatus, ContractingEntity, PrincipalKind, Role
from app.services.partners.certification import renewable_from
from app.services.partners.partners import certification_status, is_certified

if TYPE_CHECKING:
    from app.schema.customers.customers import Customer, CustomerOrder


@strawberry.type(description="A solution provider (reseller) using the console.")
class Partner(Node):
    row: strawberry.Private[Any]
    name: str = strawberry.field(description="Display name.")
    certified_company_name: str = strawberry.field(
        description="Certified company name; bank-card withdrawals must go to this holder."
    )
    certification_status: CertificationStatus = strawberry.field(
        description="Certification status now: EXPIRED as soon as `certificationExpiresAt` "
        "has passed."
    )
    certification_expires_at: datetime | None = strawberry.field(
        description="When the certification lapses (null: no expiry)."
    )
    certification_renewable_from: datetime | None = strawberry.field(
        description="From when the platform may renew a certification in force (null: no "
        "end). An expired one may be certified again at any time."
    )
    contracting_entity: ContractingEntity = strawberry.field(
        description="Contracting entity (签约主体); decides withdrawal routes."
    )
    remittance_account_number: str = strawberry.field(
        description="The partner's dedicated bank account for recharges by transfer."
    )
    sales_see_all_customers: bool = strawberry.field(
        description="Whether SALES users see all customers, not only those they manage."
    )

    @strawberry.field(
        description="The partner's money (ADMIN, FINANCE, VIEWER; FORBIDDEN for SALES)."
    )
    async def account(self, info: strawberry.Info) -> PartnerAccount | None:
        row = await funds_resolvers.partner_account(info.context, self.row.id)
        zero = Decimal("0.00")
        return PartnerAccount(
            partner_id=self.row.id,
            allocatable_amount=row.allocatable if row else zero,
            held_amount=row.held if row else zero,
            incentive_amount=row.incentive if row else zero,
        )

    @strawberry.field(description="Certified and not expired now: may register, order, allocate.")
    def is_certified(self) -> bool:
        return is_certified(self.row)

    @classmethod
    def from_row(cls, row: Any) -> Partner:
        return cls(
            id=strawberry.ID(to_global_id("Partner", row.id)),
            row=row,
            name=row.name,
            certified_company_name=row.certified_company_name,
            certification_status=certification_status(row),
            certification_expires_at=row.certification_expires_at,
            certification_renewable_from=renewable_from(row),
            contracting_entity=row.contracting_entity,
            remittance_account_number=row.remittance_account_number,
            sales_see_all_customers=row.sales_see_all_customers,
        )


@strawberry.type(description="A user of a partner (a person or a service account), with one role.")
class PartnerUser(Node):
    db_id: strawberry.Private[int]
    name: str = strawberry.field(description="Display name.")
    email: str = strawberry.field(description="Login email (a service account's owner).")
    role: Role = strawberry.field(description="What this user may do.")
    service_account: bool = strawberry.field(
        description="A service account (a BI tool, an integration), not a person."
    )
    created_at: datetime = strawberry.field(description="When the user was added.")
    deactivated_at: datetime | None = strawberry.field(
        description="When the user was deactivated (null: active); its tokens no longer work."
    )

    @strawberry.field(
        description="Current customers this user manages (as account manager) that the "
        "caller may see."
    )
    async def managed_customers(
        self,
        info: strawberry.Info,
        order_by: Annotated[
            Annotated[CustomerOrder, strawberry.lazy("app.schema.customers.customers")] | None,
            strawberry.argument(description="Ordering; by name by default."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Annotated[Customer, strawberry.lazy("app.schema.customers.customers")]]:
        from app.schema.customers.customers import Customer

        page = await account_manager_resolvers.managed_customers(
            info.context, self.db_id, order_by, first, after, last, before
        )
        return connection(page, Customer.from_row)

    @classmethod
    def from_row(cls, row: Any) -> PartnerUser:
        return cls(
            id=strawberry.ID(to_global_id("PartnerUser", row.id)),
            db_id=row.id,
            name=row.name,
            email=row.email,
            role=row.role,
            service_account=row.service_account,
            created_at=row.created_at,
            deactivated_at=row.deactivated_at,
        )


@strawberry.type(description="The authenticated caller.")
class Viewer:
    kind: PrincipalKind = strawberry.field(description="Partner user, customer or platform.")
    role: Role | None = strawberry.field(description="The partner user's role (else null).")
    partner_id: strawberry.Private[int | None]
    user_id: strawberry.Private[int | None]

    @strawberry.field(description="The partner the caller acts for (partner users only).")
    async def partner(self, info: strawberry.Info) -> Partner | None:
        row = await resolvers.load_partner(info.context, self.partner_id)
        return None if row is None else Partner.from_row(row)

    @strawberry.field(description="The caller as a partner user (partner users only).")
    async def user(self, info: strawberry.Info) -> PartnerUser | None:
        row = await resolvers.load_partner_user(info.context, self.user_id)
        return None if row is None else PartnerUser.from_row(row)


@strawberry.input(description="Partner settings to change; omitted ones stay.")
class UpdatePartnerSettingsInput:
    sales_see_all_customers: bool | None = strawberry.field(
        default=None,
        description="Whether SALES users see all customers, not only those they manage "
        "(applies from their next request).",
    )


@strawberry.type(description="Result of `updatePartnerSettings`.")
class UpdatePartnerSettingsPayload:
    partner: Partner | None = strawberry.field(
        description="The partner as changed (null when refused)."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused.")


async def update_partner_settings(
    info: strawberry.Info,
    input: Annotated[UpdatePartnerSettingsInput, strawberry.argument(description="What to set.")],
) -> UpdatePartnerSettingsPayload:
    outcome = await resolvers.update_partner_settings(info.context, input)
    return UpdatePartnerSettingsPayload(
        partner=Partner.from_row(outcome.value) if outcome.value is not None else None,
        user_errors=user_errors(outcome.errors),
    )
