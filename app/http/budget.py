"""Admitting a query: its cost must fit the per-query maximum and the token's bucket."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import FragmentDefinitionNode, GraphQLSchema

from app.http.cost import CostCalculator, actual_cost
from app.http.documents import DocumentInspector
from app.http.throttle import Throttle
from app.services.core.principal import Principal
from app.settings import Settings


class BudgetRefusal(Exception):
    """The query may not run: too costly (`MAX_COST_EXCEEDED`) or throttled (`THROTTLED`)."""

    def __init__(self, code: str, message: str, cost: dict[str, Any], retry_after: float = 0):
        super().__init__(message)
        self.code = code
        self.message = message
        self.cost = cost
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class Admission:
    key: str
    requested: int


class QueryBudget:
    def __init__(self, schema: GraphQLSchema, documents: DocumentInspector, settings: Settings):
        self.documents = documents
        self.calculator = CostCalculator(schema, settings.default_page_size)
        self.throttle = Throttle(
            settings.throttle_maximum_available, settings.throttle_restore_rate
        )
        self.max_cost = settings.max_query_cost

    def admit(
        self,
        principal: Principal,
        query: str,
        operation_name: str | None,
        variables: dict[str, Any] | None,
    ) -> Admission | None:
        """Check the query's requested cost; None when it cannot be costed (it will fail)."""
        if principal.token_id is None:
            return None
        document = self.documents.parse(query)
        operation = self.documents.operation(query, operation_name)
        if document is None or operation is None or not self.documents.is_valid(query):
            return None  # execution reports the parse or validation errors
        fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        try:
            requested = self.calculator.requested(operation, fragments, variables)
        except (TypeError, ValueError, KeyError, AssertionError):
            return None  # malformed arguments: validation will say what is wrong
        key = f"token:{principal.token_id}"
        if requested > self.max_cost:
            raise BudgetRefusal(
                "MAX_COST_EXCEEDED",
                f"This query would cost {requested} points; the maximum is {self.max_cost}. "
                "Ask for smaller pages (first/last) or fewer nested lists.",
                self._cost(requested, None, key),
            )
        if not self.throttle.allows(key, requested):
            wait = self.throttle.seconds_until(key, requested)
            raise BudgetRefusal(
                "THROTTLED",
                f"Throttled: this query needs {requested} points; retry in {wait:.1f} s.",
                self._cost(requested, None, key),
                retry_after=wait,
            )
        return Admission(key, requested)

    def settle(self, admission: Admission, data: Any) -> dict[str, Any]:
        """Pay the actual cost; returns `extensions.cost` for the response."""
        actual = actual_cost(admission.requested, data)
        self.throttle.spend(admission.key, actual)
        return self._cost(admission.requested, actual, admission.key)

    def _cost(self, requested: int, actual: int | None, key: str) -> dict[str, Any]:
        return {
            "requestedQueryCost": requested,
            "actualQueryCost": actual,
            "throttleStatus": self.throttle.status(key).as_json(),
        }
