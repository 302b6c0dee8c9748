"""One successful call of every mutation: how to set it up and what to send.

`CASES[name](session, client)` builds what the mutation needs (through factories, services or
earlier API calls) and returns the token to call it with and its `input`. A mutation added to
the schema without an entry here fails `test_every_mutation_audited`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app import clock
from app.models.customers.enums import AssociationType
from app.models.lifecycle.enums import AuthorizationStatus, RegistrationStatus
from app.models.partners.enums import Role
from tests.factories import (
    customer_token,
    global_id,
    gql,
    iso,
    make_customer,
    make_partner,
    make_resource,
    make_user,
    platform_token,
    token_for,
)
from tests.lifecycle.factories import (
    make_authorization,
    make_change_request,
    make_disassociation_request,
    make_invitation,
    make_registration,
    make_reserved_company,
)

Case = Callable[[AsyncSession, httpx.AsyncClient], Awaitable[tuple[str, dict[str, Any]]]]
CASES: dict[str, Case] = {}


def case(name: str) -> Callable[[Case], Case]:
    def register(setup: Case) -> Case:
        CASES[name] = setup
        return setup

    return register


def gid(type_name: str, row: Any) -> str:
    return global_id(type_name, row.id)


async def partner_with(session: AsyncSession, role: Role = Role.ADMIN) -> tuple[Any, str]:
    partner = await make_partner(session)
    return partner, await token_for(session, await make_user(session, partner, role))


# --- customers ----------------------------------------------------------------------------


@case("updateCustomer")
async def _update_customer(session, client):
    partner, admin = await partner_with(session)
    customer = await make_customer(session, partner)
    return admin, {"id": gid("Customer", customer), "remark": "key account"}


@case("setResourceAutoRenew")
async def _set_resource_auto_renew(session, client):
    partner, admin = await partner_with(session)
    customer = await make_customer(session, partner)
    await make_authorization(session, customer, proxy_order=False, operations=True)
    resource = await make_resource(session, customer)
    return admin, {"resourceId": gid("Resource", resource), "autoRenew": True}


@case("freezeCustomer")
async def _freeze_customer(session, client):
    customer = await make_customer(session, await make_partner(session))
    return await platform_token(session), {"id": gid("Customer", customer), "reason": "abuse"}


@case("unfreezeCustomer")
async def _unfreeze_customer(session, client):
    customer = await make_customer(session, await make_partner(session))
    token = await platform_token(session)
    frozen = await gql(
        client,
        "mutation($input: FreezeCustomerInput!) { freezeCustomer(input: $input) "
        "{ userErrors { code } } }",
        {"input": {"id": gid("Customer", customer)}},
        token=token,
    )
    assert frozen["data"]["freezeCustomer"]["userErrors"] == [], frozen
    return token, {"id": gid("Customer", customer), "reason": "cleared"}


@case("assignAccountManager")
async def _assign_account_manager(session, client):
    partner, admin = await partner_with(session)
    manager = await make_user(session, partner, Role.SALES)
    customer = await make_customer(session, partner)
    return admin, {
        "managerId": gid("PartnerUser", manager),
        "customerIds": [gid("Customer", customer)],
    }


@case("unassignAccountManager")
async def _unassign_account_manager(session, client):
    partner, admin = await partner_with(session)
    manager = await make_user(session, partner, Role.SALES)
    customer = await make_customer(session, partner, manager=manager)
    return admin, {"customerIds": [gid("Customer", customer)]}


# --- lifecycle ----------------------------------------------------------------------------


async def _registration(session, **fields):
    partner = await make_partner(session)
    sales = await make_user(session, partner, Role.SALES)
    registration = await make_registration(session, partner, submitted_by=sales, **fields)
    return partner, registration, await token_for(session, sales)


@case("submitRegistration")
async def _submit_registration(session, client):
    _partner, sales = await partner_with(session, Role.SALES)
    return sales, {
        "companyName": "Brand New Prospect Co., Ltd.",
        "contactName": "李四",
        "contactEmail": "li@prospect.test",
        "contactPhone": "13800001111",
    }


@case("updateRegistration")
async def _update_registration(session, client):
    _partner, registration, sales = await _registration(session)
    return sales, {"id": gid("Registration", registration), "note": "met the CTO"}


@case("withdrawRegistration")
async def _withdraw_registration(session, client):
    _partner, registration, sales = await _registration(session)
    return sales, {"id": gid("Registration", registration)}


@case("approveRegistration")
async def _approve_registration(session, client):
    _partner, registration, _sales = await _registration(session)
    return await platform_token(session), {"id": gid("Registration", registration)}


@case("rejectRegistration")
async def _reject_registration(session, client):
    _partner, registration, _sales = await _registration(session)
    return await platform_token(session), {
        "id": gid("Registration", registration),
        "reason": "already a direct customer",
    }


@case("addReservedCompany")
async def _add_reserved_company(session, client):
    return await platform_token(session), {"companyName": "Direct Account Co., Ltd."}


@case("removeReservedCompany")
async def _remove_reserved_company(session, client):
    reserved = await make_reserved_company(session, "Reserved Account Co., Ltd.")
    return await platform_token(session), {"id": gid("ReservedCompany", reserved)}


@case("createInvitation")
async def _create_invitation(session, client):
    _partner, sales = await partner_with(session, Role.SALES)
    return sales, {"channel": "OFFLINE", "associationType": "RESELLER", "companyName": "Acme"}


@case("resendInvitation")
async def _resend_invitation(session, client):
    partner, sales = await partner_with(session, Role.SALES)
    invitation, _raw = await make_invitation(session, partner)
    return sales, {"id": gid("Invitation", invitation)}


@case("revokeInvitation")
async def _revoke_invitation(session, client):
    partner, sales = await partner_with(session, Role.SALES)
    invitation, _raw = await make_invitation(session, partner)
    return sales, {"id": gid("Invitation", invitation)}


@case("acceptInvitation")
async def _accept_invitation(session, client):
    partner = await make_partner(session)
    registration = await make_registration(
        session, partner, company_name="Acme Tech", status=RegistrationStatus.APPROVED
    )
    _invitation, raw = await make_invitation(session, partner, registration=registration)
    return await platform_token(session), {
        "token": raw,
        "newAccount": {
            "accountName": "acme_cloud",
            "contactName": "李四",
            "contactPhone": "+86 138-0000-1111",
            "contactEmail": "li@acme.test",
        },
    }


@case("requestDisassociation")
async def _request_disassociation(session, client):
    partner, admin = await partner_with(session)
    customer = await make_customer(session, partner)
    return admin, {"customerId": gid("Customer", customer), "reason": "contract ended"}


@case("requestAssociationTypeSwitch")
async def _request_association_type_switch(session, client):
    partner, admin = await partner_with(session)
    customer = await make_customer(session, partner, association_type=AssociationType.REFERRAL)
    return admin, {"customerId": gid("Customer", customer), "associationType": "RESELLER"}


@case("confirmAssociationChange")
async def _confirm_association_change(session, client):
    customer = await make_customer(session, await make_partner(session))
    request = await make_change_request(session, customer)
    return await customer_token(session, customer), {"id": gid("AssociationChangeRequest", request)}


@case("declineAssociationChange")
async def _decline_association_change(session, client):
    customer = await make_customer(session, await make_partner(session))
    request = await make_change_request(session, customer)
    return await customer_token(session, customer), {
        "id": gid("AssociationChangeRequest", request),
        "reason": "we stay",
    }


@case("fileDisassociationRequest")
async def _file_disassociation_request(session, client):
    customer = await make_customer(session, await make_partner(session))
    return await customer_token(session, customer), {"customerId": gid("Customer", customer)}


@case("approveDisassociationRequest")
async def _approve_disassociation_request(session, client):
    partner, admin = await partner_with(session)
    request = await make_disassociation_request(session, await make_customer(session, partner))
    return admin, {"id": gid("DisassociationRequest", request)}


@case("rejectDisassociationRequest")
async def _reject_disassociation_request(session, client):
    partner, admin = await partner_with(session)
    request = await make_disassociation_request(session, await make_customer(session, partner))
    return admin, {"id": gid("DisassociationRequest", request), "reason": "contract"}


@case("requestAuthorization")
async def _request_authorization(session, client):
    partner, admin = await partner_with(session)
    customer = await make_customer(session, partner)
    return admin, {
        "customerId": gid("Customer", customer),
        "scopes": ["PROXY_ORDER"],
        "endsAt": iso(clock.now() + timedelta(days=30)),
    }


async def _pending_authorization(session):
    customer = await make_customer(session, await make_partner(session))
    pending = await make_authorization(session, customer, status=AuthorizationStatus.PENDING)
    return await customer_token(session, customer), {"id": gid("Authorization", pending)}


@case("approveAuthorization")
async def _approve_authorization(session, client):
    return await _pending_authorization(session)


@case("rejectAuthorization")
async def _reject_authorization(session, client):
    return await _pending_authorization(session)


@case("revokeAuthorization")
async def _revoke_authorization(session, client):
    partner, admin = await partner_with(session)
    active = await make_authorization(session, await make_customer(session, partner))
    return admin, {"id": gid("Authorization", active)}


# --- partners -----------------------------------------------------------------------------


@case("updatePartnerSettings")
async def _update_partner_settings(session, client):
    _partner, admin = await partner_with(session)
    return admin, {"salesSeeAllCustomers": True}
