"""Partner certification as the platform manages it: `certifyPartner` and the partner filter."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from app.resolvers.partners import certification as resolvers
from app.schema.core.errors import UserError, user_errors
from app.schema.partners.enums import CertificationStatus
from app.schema.partners.partners import Partner


@strawberry.input(description="Conditions a partner must meet; all given ones apply.")
class PartnerFilter:
    certification_status: CertificationStatus | None = strawberry.field(
        default=None, description="Certification status as of now."
    )
    name_contains: str | None = strawberry.field(
        default=None, description="Display name contains this (case-insensitive)."
    )
    certification_expires_before: datetime | None = strawberry.field(
        default=None, description="Certification ends before this moment."
    )


@strawberry.input(description="The partner to certify or renew.")
class CertifyPartnerInput:
    partner_id: strawberry.ID = strawberry.field(description="The partner.")
    idempotency_key: str = strawberry.field(
        description="Client-chosen key (1-100 characters): a retry with the same key replays "
        "the first result instead of renewing twice."
    )


@strawberry.type(description="Result of `certifyPartner`.")
class CertifyPartnerPayload:
    partner: Partner | None = strawberry.field(
        description="The partner as certified (null when refused)."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused.")


async def certify_partner(
    info: strawberry.Info,
    input: Annotated[CertifyPartnerInput, strawberry.argument(description="Whom to certify.")],
) -> CertifyPartnerPayload:
    outcome = await resolvers.certify_partner(info.context, input)
    return CertifyPartnerPayload(
        partner=Partner.from_row(outcome.value) if outcome.value is not None else None,
        user_errors=user_errors(outcome.errors),
    )
