"""Labels and remarks are the partner's notes: the rule of who reads them is a service's."""

from __future__ import annotations

import pytest

from app.models.partners.enums import PrincipalKind, Role
from app.services.core.principal import Principal
from app.services.customers.customers import sees_partner_notes


@pytest.mark.parametrize("role", list(Role))
def test_partner_users_see_their_notes(role):
    principal = Principal(kind=PrincipalKind.PARTNER_USER, partner_id=1, user_id=1, role=role)

    assert sees_partner_notes(principal) is True


def test_the_platform_sees_notes():
    assert sees_partner_notes(Principal.system()) is True


def test_a_customer_never_sees_them():
    assert sees_partner_notes(Principal(kind=PrincipalKind.CUSTOMER, cloud_account_id=5)) is False
    assert sees_partner_notes(Principal.anonymous()) is False
