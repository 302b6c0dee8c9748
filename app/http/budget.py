"""Admitting an operation: its cost must fit the per-query maximum and the caller's bucket.

Every operation that executes is costed and paid for: the endpoint has already chosen the one
operation that runs (and refused a document it cannot choose in), the cost is reserved from the
caller's bucket before execution -- a token's, or for anonymous callers their client address's
-- and the part the operation did not use is refunded after.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
)
from graphql.execution.values import get_variable_values

from app.http.cost import CostArgumentError, CostCalculator, actual_cost
from app.http.throttle import Throttle
from app.services.core.principal import Principal
from app.settings import Settings


class BudgetRefusal(Exception):
    """The operation may not run: too costly (`MAX_COST_EXCEEDED`), throttled (`THROTTLED`) or
    asking for an out-of-range page (`BAD_USER_INPUT`)."""

    def __init__(
        self,
        code: str,
        message: str,
        cost: dict[str, Any] | None,
        retry_after: int = 0,
        error: GraphQLError | None = None,
    ):
        super().__init__(message)
        self.code = code
        self.message = message
        self.cost = cost
        self.retry_after = retry_after
        self.error = error


@dataclass(frozen=True, slots=True)
class Admission:
    key: str
    requested: int


def bucket_key(principal: Principal, client_address: str | None) -> str:
    if principal.token_id is not None:
        return f"token:{principal.token_id}"
    return f"anonymous:{client_address or 'unknown'}"


class QueryBudget:
    def __init__(self, schema: GraphQLSchema, settings: Settings):
        self.schema = schema
        self.calculator = CostCalculator(
            schema,
            settings.default_page_size,
            settings.max_page_size,
            settings.introspection_cost,
        )
        self.throttle = Throttle(
            settings.throttle_maximum_available, settings.throttle_restore_rate
        )
        self.max_cost = settings.max_query_cost

    def admit(
        self,
        key: str,
        document: DocumentNode,
        operation: OperationDefinitionNode,
        variables: dict[str, Any] | None,
    ) -> Admission | None:
        """Reserve the operation's requested cost from the bucket `key`.

        None only when the variables do not coerce: graphql-core then refuses the operation
        before executing anything (with these same errors), so there is nothing to pay for.
        """
        coerced = get_variable_values(
            self.schema, operation.variable_definitions or [], variables or {}
        )
        if isinstance(coerced, list):
            return None
        fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        try:
            requested = self.calculator.requested(operation, fragments, coerced.coerced)
        except CostArgumentError as error:
            raise BudgetRefusal("BAD_USER_INPUT", error.message, None, error=error) from None
        if requested > self.max_cost:
            raise BudgetRefusal(
                "MAX_COST_EXCEEDED",
                f"This query would cost {requested} points; the maximum is {self.max_cost}. "
                "Ask for smaller pages (first/last) or fewer nested lists.",
                self._cost(requested, None, key),
            )
        # check and take in one synchronous step: no other request runs in between
        if not self.throttle.reserve(key, requested):
            wait = self.throttle.seconds_until(key, requested)
            raise BudgetRefusal(
                "THROTTLED",
                f"Throttled: this query needs {requested} points; retry in {wait} s.",
                self._cost(requested, None, key),
                retry_after=wait,
            )
        return Admission(key, requested)

    def settle(self, admission: Admission, data: Any) -> dict[str, Any]:
        """Refund what the operation did not use; returns `extensions.cost` for the response."""
        actual = actual_cost(admission.requested, data)
        self.throttle.refund(admission.key, admission.requested - actual)
        return self._cost(admission.requested, actual, admission.key)

    def _cost(self, requested: int, actual: int | None, key: str) -> dict[str, Any]:
        return {
            "requestedQueryCost": requested,
            "actualQueryCost": actual,
            "throttleStatus": self.throttle.status(key).as_json(),
        }
