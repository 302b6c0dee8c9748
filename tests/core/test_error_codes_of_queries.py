"""A business rule a query field enforces answers with its own code, never a masked server
error (the bug this stands for: `invoiceableAmount(partnerId:)` naming an unknown partner was
an INTERNAL_SERVER_ERROR because the rule raised a `DomainError` inside a query)."""

from __future__ import annotations

from graphql import GraphQLError

from app.http.errors import format_error, is_unexpected
from app.services.core.errors import DomainError, DomainErrors, ErrorCode


def _wrapped(original: Exception) -> GraphQLError:
    return GraphQLError(str(original), path=["someField"], original_error=original)


def test_a_domain_error_in_a_query_keeps_its_code_and_message():
    error = _wrapped(DomainError(ErrorCode.NOT_FOUND, "No such partner.", ["partnerId"]))

    formatted = format_error(error, "req-1")

    assert not is_unexpected(error)
    assert formatted["message"] == "No such partner."
    assert formatted["extensions"] == {"code": "NOT_FOUND"}


def test_several_domain_errors_answer_with_the_first_code():
    errors = DomainErrors(
        [
            DomainError(ErrorCode.INVALID_INPUT, "Bad cycle.", ["cycleFrom"]),
            DomainError(ErrorCode.NOT_FOUND, "No such partner.", ["partnerId"]),
        ]
    )

    formatted = format_error(_wrapped(errors), "req-2")

    assert formatted["extensions"]["code"] == "INVALID_INPUT"
    assert "Bad cycle." in formatted["message"]


def test_anything_else_is_still_masked():
    formatted = format_error(_wrapped(KeyError("secret")), "req-3")

    assert formatted["message"] == "Unexpected error."
    assert formatted["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": "req-3"}
