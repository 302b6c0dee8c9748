"""Accepting an invitation: the customer's side of the association.

Two callers: a signed-in customer (CUSTOMER principal) accepts as its own cloud account, which
must have no open association; the vendor's sign-up flow (PLATFORM principal) accepts for a new
cloud account, created here, whose CUSTOMER token is returned once. Looking an invitation up by
its token crosses partners (the customer doesn't know whose it is): a platform-side read of
`InvitationToken` by the token's hash gives the partner and the invitation's id, and the
invitation is then read by both. Whether the account has an open association is likewise read
from the platform side (`OpenAssociation`), which also refuses a second one at the flush. A
signed-in customer sees its new association for the rest of the request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select, update

from app import clock
from app.models import (
    CloudAccount,
    Customer,
    Invitation,
    InvitationToken,
    OpenAssociation,
    PartnerUser,
    Registration,
)
from app.models.lifecycle.enums import InvitationStatus, RegistrationStatus
from app.models.partners.enums import PartnerNotificationKind as Kind
from app.models.partners.enums import PrincipalKind, Role
from app.services.core import audit
from app.services.core.context import ServiceContext
from app.services.core.errors import DomainError, DomainErrors, ErrorCode, PermissionDenied
from app.services.lifecycle import invitations, registrations
from app.services.lifecycle.company_names import (
    is_valid_credit_code,
    normalize_company_name,
    normalize_credit_code,
    normalize_phone,
)
from app.services.lifecycle.company_registry import (
    CompanyKey,
    conflict_error,
    is_company_taken,
    lock_company,
)
from app.services.lifecycle.invitation_links import TOKEN_PREFIX
from app.services.lifecycle.registration_details import EMAIL
from app.services.partners.partner_notifications import notify_about
from app.services.partners.tokens import create_token, hash_token

ACCOUNT_NAME = re.compile(r"^[A-Za-z0-9_.\-]{3,100}$")


@dataclass(frozen=True, slots=True)
class NewAccount:
    """The cloud account the sign-up flow creates; the company defaults to the invitation's."""

    account_name: str
    contact_name: str
    contact_phone: str
    contact_email: str
    company_name: str | None = None
    credit_code: str | None = None
    industry: str = ""
    region: str = ""


@dataclass(frozen=True, slots=True)
class Acceptance:
    customer_id: int
    # The new cloud account's CUSTOMER token, shown this once (new accounts only).
    customer_token: str | None


def _bad(message: str, *field: str) -> DomainError:
    return DomainError(ErrorCode.INVALID_INPUT, message, ["newAccount", *field])


def _validate(account: NewAccount, default_company: str) -> NewAccount:
    errors: list[DomainError] = []
    company = (account.company_name or default_company).strip()
    code = normalize_credit_code(account.credit_code) if account.credit_code else None
    if not ACCOUNT_NAME.fullmatch(account.account_name):
        errors.append(_bad("3-100 letters, digits, '_', '.' or '-'.", "accountName"))
    if not company or len(company) > 200:
        errors.append(_bad("A company name has 1-200 characters.", "companyName"))
    if not account.contact_name.strip() or len(account.contact_name.strip()) > 100:
        errors.append(_bad("A contact name has 1-100 characters.", "contactName"))
    if not 5 <= len(normalize_phone(account.contact_phone)) <= 20:
        errors.append(_bad("A phone number has 5-20 digits.", "contactPhone"))
    if not EMAIL.fullmatch(account.contact_email.strip()):
        errors.append(_bad("Not an email address.", "contactEmail"))
    if code is not None and not is_valid_credit_code(code):
        errors.append(_bad("Not a unified social credit code.", "creditCode"))
    if len(account.industry) > 50 or len(account.region) > 50:
        errors.append(_bad("Industry and region have at most 50 characters.", "industry"))
    if errors:
        raise DomainErrors(errors)
    return NewAccount(
        account_name=account.account_name,
        contact_name=account.contact_name.strip(),
        contact_phone=account.contact_phone.strip(),
        contact_email=account.contact_email.strip(),
        company_name=company,
        credit_code=code,
        industry=account.industry.strip(),
        region=account.region.strip(),
    )


async def _invitation_by_token(ctx: ServiceContext, token: str) -> Invitation:
    """The open invitation with this token, locked after its registration."""
    invitation = None
    if token.startswith(TOKEN_PREFIX) and len(token) <= 200:
        hashed = hash_token(token)
        owner = (
            await ctx.session.execute(
                select(InvitationToken.partner_id, InvitationToken.invitation_id).where(
                    InvitationToken.token_hash == hashed
                )
            )
        ).one_or_none()
        if owner is not None:
            # the partner's own row, still carrying this token (a resend replaces it)
            by_token = (
                (Invitation.partner_id == owner.partner_id)
                & (Invitation.id == owner.invitation_id)
                & (Invitation.token_hash == hashed)
            )
            registration_id = await ctx.session.scalar(
                select(Invitation.registration_id).where(by_token)
            )
            if registration_id is not None:
                await ctx.session.execute(
                    select(Registration.id)
                    .where(
                        Registration.partner_id == owner.partner_id,
                        Registration.id == registration_id,
                    )
                    .with_for_update()
                )
            invitation = await ctx.session.scalar(
                select(Invitation).where(by_token).with_for_update()
            )
    if invitation is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No invitation has this token.", ["token"])
    status = invitations.effective_status(invitation)
    if status is InvitationStatus.EXPIRED:
        raise DomainError(ErrorCode.INVITATION_EXPIRED, "The invitation has expired.", ["token"])
    if status is not InvitationStatus.SENT:
        raise DomainError(
            ErrorCode.INVALID_STATE, f"The invitation is already {status.value}.", ["token"]
        )
    return invitation


async def _registration(ctx: ServiceContext, invitation: Invitation) -> Registration | None:
    if invitation.registration_id is None:
        return None
    registration = await ctx.session.scalar(
        select(Registration)
        .where(
            Registration.partner_id == invitation.partner_id,
            Registration.id == invitation.registration_id,
        )
        .with_for_update()
    )
    if registration is None or registrations.effective_status(registration) is not (
        RegistrationStatus.APPROVED
    ):
        raise DomainError(
            ErrorCode.INVITATION_EXPIRED, "The invitation's registration has lapsed.", ["token"]
        )
    return registration


async def _existing_account(ctx: ServiceContext) -> CloudAccount:
    account = await ctx.session.scalar(
        select(CloudAccount)
        .where(CloudAccount.id == ctx.principal.cloud_account_id)
        .with_for_update()
    )
    if account is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such cloud account.", [])
    open_association = await ctx.session.scalar(
        select(OpenAssociation.customer_id).where(OpenAssociation.cloud_account_id == account.id)
    )
    if open_association is not None:
        raise DomainError(
            ErrorCode.ACCOUNT_ALREADY_ASSOCIATED,
            "This cloud account is associated with a partner; end that association first.",
            [],
        )
    return account


async def _new_account(
    ctx: ServiceContext, spec: NewAccount, registration: Registration | None
) -> CloudAccount:
    taken = await ctx.session.scalar(
        select(CloudAccount.id).where(CloudAccount.account_name == spec.account_name)
    )
    if taken is not None:
        raise DomainError(
            ErrorCode.ACCOUNT_NAME_TAKEN,
            "This account name is taken.",
            ["newAccount", "accountName"],
        )
    company = spec.company_name or ""
    account = CloudAccount(
        account_name=spec.account_name,
        company_name=company,
        normalized_company_name=normalize_company_name(company),
        credit_code=spec.credit_code or (registration.credit_code if registration else None),
        contact_name=spec.contact_name,
        contact_phone=spec.contact_phone,
        contact_email=spec.contact_email,
        industry=spec.industry or (registration.industry if registration else ""),
        region=spec.region or (registration.region if registration else ""),
    )
    ctx.session.add(account)
    await ctx.session.flush()
    return account


async def _inviter_as_manager(ctx: ServiceContext, invitation: Invitation) -> int | None:
    """The user who invited the customer manages it from the start (if SALES or ADMIN): a
    SALES user sees only the customers it manages, and must not lose the one it brought in."""
    role = await ctx.session.scalar(
        select(PartnerUser.role).where(
            PartnerUser.id == invitation.created_by_id,
            PartnerUser.partner_id == invitation.partner_id,
        )
    )
    return invitation.created_by_id if role in (Role.SALES, Role.ADMIN) else None


async def accept_invitation(
    ctx: ServiceContext, token: str, new_account: NewAccount | None
) -> Acceptance:
    """Associate the accepting cloud account with the inviting partner.

    A registration's invitation needs the registered contact phone (CONTACT_MISMATCH) and marks
    the registration ASSOCIATED; an invitation without one must not take a company another
    partner holds (REGISTRATION_CONFLICT).
    """
    kind = ctx.principal.kind
    if kind is PrincipalKind.CUSTOMER:
        # a signed-in cloud account: never a principal of no account (what an anonymous
        # request would carry), so the invitation token alone is never looked up
        ctx.principal.require_customer()
        if new_account is not None:
            raise _bad("A signed-in customer accepts as its own account; omit `newAccount`.")
    elif kind is PrincipalKind.PLATFORM:
        if new_account is None:
            raise _bad("The sign-up flow must give the new account.")
    else:
        raise PermissionDenied("Only the invited customer (or the vendor's sign-up) may accept.")
    invitation = await _invitation_by_token(ctx, token)
    registration = await _registration(ctx, invitation)
    if new_account is not None:
        new_account = _validate(new_account, invitation.company_name)
        phone, phone_field = new_account.contact_phone, ["newAccount", "contactPhone"]
        company = new_account.company_name or ""
        existing = None
    else:
        existing = await _existing_account(ctx)
        phone, phone_field, company = existing.contact_phone, [], existing.company_name
    if registration is not None and normalize_phone(phone) != normalize_phone(
        registration.contact_phone
    ):
        raise DomainError(
            ErrorCode.CONTACT_MISMATCH,
            "The account's contact phone is not the registered contact's.",
            phone_field,
        )
    if registration is None:
        key = CompanyKey(normalize_company_name(company), None)
        await lock_company(ctx, key)
        taken = await is_company_taken(
            ctx, key, ignore_partner_id=invitation.partner_id, include_customers=False
        )
        if taken:
            raise conflict_error()
    account = existing or await _new_account(ctx, new_account, registration)  # type: ignore[arg-type]
    now = clock.now()
    customer = Customer(
        partner_id=invitation.partner_id,
        cloud_account_id=account.id,
        name=account.company_name,
        account_name=account.account_name,
        association_type=invitation.association_type,
        associated_at=now,
        account_manager_id=await _inviter_as_manager(ctx, invitation),
        labels=[],
        remark="",
    )
    ctx.session.add(customer)
    await ctx.session.flush()
    invitation.status = InvitationStatus.ACCEPTED
    invitation.accepted_at = now
    invitation.accepted_customer_id = customer.id
    if registration is not None:
        registration.status = RegistrationStatus.ASSOCIATED
        registration.associated_at = registration.updated_at = now
        registration.associated_customer_id = customer.id
        # Other open invitations of the registration are pointless now.
        await ctx.session.execute(
            update(Invitation)
            .where(
                Invitation.partner_id == registration.partner_id,
                Invitation.registration_id == registration.id,
                Invitation.id != invitation.id,
                Invitation.status == InvitationStatus.SENT,
            )
            .values(status=InvitationStatus.REVOKED, revoked_at=now)
            .execution_options(synchronize_session=False)
        )
    token_for_account = None
    if existing is None:
        token_for_account = await create_token(
            ctx.session, PrincipalKind.CUSTOMER, cloud_account_id=account.id, label="invitation"
        )
    await ctx.session.flush()
    await audit.record(
        ctx,
        "invitation.accept",
        "Invitation",
        invitation.id,
        partner_id=invitation.partner_id,
        after={
            "customer_id": customer.id,
            "cloud_account_id": account.id,
            "new_account": existing is None,
            "registration_id": invitation.registration_id,
            "association_type": invitation.association_type,
        },
    )
    notify_about(ctx, customer, Kind.INVITATION_ACCEPTED, ("Invitation", invitation.id))
    if kind is PrincipalKind.CUSTOMER:
        # The caller's associations were read when its token was checked: the rest of this
        # request (the payload's customer, a later field) sees the one it just made.
        ctx.principal = ctx.principal.with_association(customer.partner_id, customer.id)
    return Acceptance(customer.id, token_for_account)
