"""`mirror` refuses a platform table keyed by the tenant row whose key it couldn't match."""

from __future__ import annotations

import pytest
from sqlalchemy import Column, Integer, MetaData, Table

from app.models import Registration
from app.models.core.platform_keys import mirror


def test_a_key_column_that_is_not_watched_is_refused():
    table = Table(
        "probe_claims",
        MetaData(),
        Column("partner_id", Integer, primary_key=True),
        Column("registration_id", Integer, primary_key=True),
    )
    with pytest.raises(ValueError, match="must be watched"):
        mirror(Registration, table, owner="registration_id", watch=("status",), row=dict)
