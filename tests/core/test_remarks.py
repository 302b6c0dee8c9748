"""The one remark-length rule that customers and adjustments share."""

from __future__ import annotations

from app.services.core.errors import ErrorCode
from app.services.core.reasons import remark_errors


def test_a_remark_up_to_the_maximum_passes():
    assert remark_errors("x" * 10, 10) == []
    assert remark_errors("", 10) == []
    assert remark_errors(None, 10) == []


def test_a_longer_remark_is_refused_at_its_field():
    (error,) = remark_errors("x" * 11, 10)

    assert error.code is ErrorCode.INVALID_INPUT
    assert error.field == ["remark"]
    assert str(10) in error.message
