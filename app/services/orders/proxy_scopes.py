"""Which role and which customer grant a proxy order of each kind needs.

DOMAIN > Customers > Authorizations, as partners see it in docs/resources.md: ordering NEW
resources and changing a resource's spec act under PROXY_ORDER (代客户下单); renewing or
unsubscribing an existing resource is operating it, which PROXY_ORDER or OPERATIONS
(代客运维) allows. Acting under a grant: ADMIN, and SALES for the customers it manages.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.models.lifecycle.enums import AuthorizationScope
from app.models.orders.enums import OrderKind
from app.services.core.principal import Permission
from app.services.orders.lines import LineInput

SCOPES_BY_KIND: dict[OrderKind, tuple[AuthorizationScope, ...]] = {
    OrderKind.NEW: (AuthorizationScope.PROXY_ORDER,),
    OrderKind.CHANGE_SPEC: (AuthorizationScope.PROXY_ORDER,),
    OrderKind.RENEW: (AuthorizationScope.PROXY_ORDER, AuthorizationScope.OPERATIONS),
    OrderKind.UNSUBSCRIBE: (AuthorizationScope.PROXY_ORDER, AuthorizationScope.OPERATIONS),
}
PERMISSION_BY_KIND = {
    OrderKind.NEW: Permission.PROXY_ORDER,
    OrderKind.CHANGE_SPEC: Permission.PROXY_ORDER,
    OrderKind.RENEW: Permission.RESOURCE_OPERATIONS,
    OrderKind.UNSUBSCRIBE: Permission.RESOURCE_OPERATIONS,
}


def proxy_kind(lines: Sequence[LineInput]) -> OrderKind:
    """The order's kind (its first line's; `price_lines` refuses lines of mixed kinds)."""
    return lines[0].kind if lines else OrderKind.NEW
