"""Who is calling, and the role table of DOMAIN.md > Who may do what."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from app.models.partners.enums import PrincipalKind, Role
from app.services.core.errors import PermissionDenied


class Permission(StrEnum):
    """Capabilities named after DOMAIN.md's role table."""

    READ = "READ"
    READ_FUNDS = "READ_FUNDS"
    UPDATE_CUSTOMER = "UPDATE_CUSTOMER"
    ACQUISITION = "ACQUISITION"
    PARTNER_SETTINGS = "PARTNER_SETTINGS"
    USERS_AND_TOKENS = "USERS_AND_TOKENS"
    ACCOUNT_MANAGERS = "ACCOUNT_MANAGERS"
    ASSOCIATION = "ASSOCIATION"
    FUNDS = "FUNDS"
    PROXY_ORDER = "PROXY_ORDER"
    RESOURCE_OPERATIONS = "RESOURCE_OPERATIONS"
    COUPONS_INVOICES = "COUPONS_INVOICES"
    EXPORT = "EXPORT"
    AUDIT_LOG = "AUDIT_LOG"


PARTNER_ROLES: dict[Permission, frozenset[Role]] = {
    Permission.READ: frozenset(Role),
    Permission.READ_FUNDS: frozenset({Role.ADMIN, Role.FINANCE, Role.VIEWER}),
    Permission.UPDATE_CUSTOMER: frozenset({Role.ADMIN, Role.SALES}),
    Permission.ACQUISITION: frozenset({Role.ADMIN, Role.SALES}),
    Permission.PARTNER_SETTINGS: frozenset({Role.ADMIN}),
    Permission.USERS_AND_TOKENS: frozenset({Role.ADMIN}),
    Permission.ACCOUNT_MANAGERS: frozenset({Role.ADMIN}),
    Permission.ASSOCIATION: frozenset({Role.ADMIN}),
    Permission.FUNDS: frozenset({Role.ADMIN, Role.FINANCE}),
    Permission.PROXY_ORDER: frozenset({Role.ADMIN, Role.SALES}),
    # Operating a customer's resources under its grant (renew, unsubscribe, auto-renew).
    Permission.RESOURCE_OPERATIONS: frozenset({Role.ADMIN, Role.SALES}),
    Permission.COUPONS_INVOICES: frozenset({Role.ADMIN, Role.FINANCE}),
    Permission.EXPORT: frozenset({Role.ADMIN, Role.FINANCE, Role.VIEWER}),
    Permission.AUDIT_LOG: frozenset({Role.ADMIN, Role.FINANCE}),
}


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated caller.

    A partner user acts for `partner_id` with `role`; a customer principal is a cloud account
    and sees every association of it (`associations`: its customer rows of every partner as
    (`partner_id`, `customer_id`), ended ones included, read when its token is checked); the
    platform sees across partners.
    """

    kind: PrincipalKind
    token_id: int | None = None
    partner_id: int | None = None
    user_id: int | None = None
    role: Role | None = None
    cloud_account_id: int | None = None
    sales_see_all_customers: bool = False
    associations: tuple[tuple[int, int], ...] = ()

    @property
    def is_partner_user(self) -> bool:
        return self.kind is PrincipalKind.PARTNER_USER

    @property
    def associated_partner_ids(self) -> tuple[int, ...]:
        """The partners a customer principal is (or was) associated with."""
        return tuple(sorted({partner_id for partner_id, _ in self.associations}))

    def with_association(self, partner_id: int, customer_id: int) -> Principal:
        """This customer principal with an association it made during the request (accepting
        an invitation): what it reads next in the request includes it."""
        if (partner_id, customer_id) in self.associations:
            return self
        return replace(self, associations=(*self.associations, (partner_id, customer_id)))

    @property
    def sees_only_managed_customers(self) -> bool:
        """A SALES user sees only the customers it manages unless its partner allows all."""
        return self.role is Role.SALES and not self.sales_see_all_customers

    def require(self, permission: Permission) -> None:
        """Raise `PermissionDenied` unless this partner user's role grants `permission`."""
        if self.kind is not PrincipalKind.PARTNER_USER or self.role is None:
            raise PermissionDenied("Only a partner user may do this.")
        if self.role not in PARTNER_ROLES[permission]:
            allowed = ", ".join(sorted(r.value for r in PARTNER_ROLES[permission]))
            raise PermissionDenied(f"Role {self.role.value} may not do this (needs {allowed}).")

    def require_acting_for(self, account_manager_id: int | None) -> None:
        """Acting under a customer's grant: ADMIN for any customer, SALES only for those it
        manages -- also when its partner lets it *see* all customers (reading is wider than
        acting). Raise `PermissionDenied` otherwise."""
        if self.role is Role.SALES and account_manager_id != self.user_id:
            raise PermissionDenied("SALES users act only for the customers they manage.")

    def require_customer(self) -> None:
        """Raise `PermissionDenied` unless the caller is a customer (a cloud account)."""
        if self.kind is not PrincipalKind.CUSTOMER or self.cloud_account_id is None:
            raise PermissionDenied("Only the customer may do this.")

    def require_platform(self) -> None:
        """Raise `PermissionDenied` unless the caller is the platform (the cloud vendor)."""
        if self.kind is not PrincipalKind.PLATFORM:
            raise PermissionDenied("Only the platform may do this.")

    def require_partner_read(self) -> None:
        """Partner-facing reads: any partner user, or the platform."""
        if self.kind is PrincipalKind.CUSTOMER:
            raise PermissionDenied("Customers cannot read partner data.")

    @classmethod
    def anonymous(cls) -> Principal:
        """No token: runs only introspection. As a safety net it is a customer principal of
        no cloud account, which every scoped query answers with nothing."""
        return cls(kind=PrincipalKind.CUSTOMER)

    @classmethod
    def system(cls) -> Principal:
        """The principal of jobs and CLI batch work: platform-wide."""
        return cls(kind=PrincipalKind.PLATFORM)


def can_read_funds(principal: Principal) -> bool:
    """The partner's own money is for ADMIN, FINANCE and VIEWER (and the platform)."""
    if principal.kind is PrincipalKind.PLATFORM:
        return True
    return principal.role in PARTNER_ROLES[Permission.READ_FUNDS]
