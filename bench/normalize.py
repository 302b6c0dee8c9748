"""The product's and PostGraphile's answers to queries A-C, in one shape, to check that both
returned the same data.

The two differ only in form:

- ids: the product's are global ids (`Customer:42`, base64url), PostGraphile's the raw
  integers (as strings: `BigInt`);
- money: the product answers `Money { amount }` as a decimal string ("30670.72"), and derives
  `available` (balance + credit limit) and `arrears` (max(0, -balance - credit limit));
  PostGraphile answers the stored integers of minor units (scale 2 for balances, 8 for
  consumption) as strings, and the raw columns those two are computed from;
- shape: PostGraphile's `groupedAggregates` keys by (cycle, service type, unit), unordered,
  and its sum of no rows is null where the product says zero.

Each `*_product` / `*_pgl` pair turns one answer (`data`) into plain Python values (ints,
`Decimal`s, strings, lists, dicts) that compare equal exactly when the data is the same.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from app.globalid import from_global_id

ZERO = Decimal(0)


def _id(global_id: str) -> int:
    return from_global_id(global_id)[1]


def _money(value: dict[str, Any] | None) -> Decimal:
    return ZERO if value is None else Decimal(value["amount"])


def _minor(value: str | int | None, scale: int) -> Decimal:
    """A stored integer of minor units (PostGraphile's BigInt/BigFloat string) as a Decimal."""
    return ZERO if value is None else Decimal(value).scaleb(-scale)


def _moment(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value).astimezone(UTC)


def customers_product(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Query A as the product answers it."""
    return [
        {
            "id": _id(c["id"]),
            "name": c["name"],
            "accountName": c["accountName"],
            "associationType": c["associationType"],
            "status": c["status"],
            "account": None
            if c["account"] is None
            else {
                "balance": _money(c["account"]["balance"]),
                "available": _money(c["account"]["available"]),
                "arrears": _money(c["account"]["arrears"]),
            },
            "accountManager": c["accountManager"],
            "resources": [
                {
                    "id": _id(r["id"]),
                    "serviceType": r["serviceType"],
                    "status": r["status"],
                    "expiresAt": _moment(r["expiresAt"]),
                }
                for r in c["resources"]["nodes"]
            ],
            "amountDue": _money(c["consumption"]["amounts"]["amountDue"]),
        }
        for c in data["customers"]["nodes"]
    ]


def customers_pgl(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Query A as PostGraphile answers it (`bench/queries/pgl_A.graphql`)."""
    found = []
    for c in data["customers"]["nodes"]:
        account = c["customerAccount"]
        if account is not None:
            balance, limit = _minor(account["balance"], 2), _minor(account["creditLimit"], 2)
            account = {
                "balance": balance,
                "available": balance + limit,
                "arrears": max(ZERO, -balance - limit),
            }
        total = c["consumptionRollups"]["aggregates"]["sum"]["amountDue"]
        found.append(
            {
                "id": int(c["id"]),
                "name": c["name"],
                "accountName": c["accountName"],
                "associationType": c["associationType"],
                "status": c["status"],
                "account": account,
                "accountManager": c["accountManager"],
                "resources": [
                    {
                        "id": int(r["id"]),
                        "serviceType": r["serviceType"],
                        "status": r["status"],
                        "expiresAt": _moment(r["expiresAt"]),
                    }
                    for r in c["resources"]["nodes"]
                ],
                "amountDue": _minor(total, 8),
            }
        )
    return found


SUMMED = ("listAmount", "cashPaid", "creditPaid", "amountDue")


def summary_product(data: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """Query B as the product answers it: one row per (cycle, service type)."""
    return {
        (row["cycle"], row["serviceType"]): {
            "lines": int(row["lines"]),
            "usage": Decimal(row["usage"]),
            "unit": row["unit"],
            **{name: _money(row["amounts"][name]) for name in SUMMED},
        }
        for row in data["consumptionSummary"]["rows"]
    }


def summary_pgl(data: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """Query B as PostGraphile answers it, its (cycle, service, unit) groups merged per
    (cycle, service type); the unit is kept when the group has one (as the product does)."""
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for group in data["consumptionRollups"]["groupedAggregates"]:
        cycle, service, unit = group["keys"]
        sums = group["sum"]
        row = merged.setdefault(
            (cycle, service),
            {"lines": 0, "usage": ZERO, "unit": unit, **{name: ZERO for name in SUMMED}},
        )
        if row["unit"] != unit:
            row["unit"] = None
        row["lines"] += int(sums["lines"] or 0)
        row["usage"] += _minor(sums["usage"], 8)
        for name in SUMMED:
            row[name] += _minor(sums[name], 8)
    return merged


DETAIL_FIELDS = ("billCycle", "day", "kind", "serviceType", "region", "billingMode", "unit")


def details_product(data: dict[str, Any]) -> dict[str, Any]:
    """Query C as the product answers it: the page's rows and whether another follows."""
    page = data["consumptionDetails"]
    return {
        "hasNextPage": page["pageInfo"]["hasNextPage"],
        "nodes": [
            {
                "id": _id(n["id"]),
                **{name: n[name] for name in DETAIL_FIELDS},
                "usage": Decimal(n["usage"]),
                "unitPrice": None if n["unitPrice"] is None else Decimal(n["unitPrice"]),
                **{name: _money(n["amounts"][name]) for name in SUMMED},
            }
            for n in page["nodes"]
        ],
    }


def details_pgl(data: dict[str, Any]) -> dict[str, Any]:
    """Query C as PostGraphile answers it."""
    page = data["consumptionDetails"]
    return {
        "hasNextPage": page["pageInfo"]["hasNextPage"],
        "nodes": [
            {
                "id": int(n["id"]),
                **{name: n[name] for name in DETAIL_FIELDS},
                "usage": _minor(n["usage"], 8),
                "unitPrice": None if n["unitPrice"] is None else _minor(n["unitPrice"], 8),
                **{name: _minor(n[name], 8) for name in SUMMED},
            }
            for n in page["nodes"]
        ],
    }


NORMALIZERS = {
    "A": (customers_product, customers_pgl),
    "B": (summary_product, summary_pgl),
    "C": (details_product, details_pgl),
}


def differences(query: str, product: dict[str, Any], pgl: dict[str, Any]) -> list[str]:
    """What differs between the two answers' data (empty: the same data). A query without a
    normalizer (D: the two systems run different smallest queries) is not compared."""
    if query not in NORMALIZERS:
        return []
    to_product, to_pgl = NORMALIZERS[query]
    left, right = to_product(product), to_pgl(pgl)
    if left == right:
        return []
    return _describe(left, right, query)


def _describe(left: Any, right: Any, path: str) -> list[str]:
    if isinstance(left, dict) and isinstance(right, dict):
        found = []
        for key in sorted(set(left) | set(right), key=str):
            if key not in left or key not in right:
                found.append(
                    f"{path}.{key}: only in {'PostGraphile' if key in right else 'product'}"
                )
            elif left[key] != right[key]:
                found += _describe(left[key], right[key], f"{path}.{key}")
        return found
    if isinstance(left, list) and isinstance(right, list) and len(left) == len(right):
        found = []
        for i, (a, b) in enumerate(zip(left, right, strict=True)):
            if a != b:
                found += _describe(a, b, f"{path}[{i}]")
        return found
    return [f"{path}: product {_short(left)}, PostGraphile {_short(right)}"]


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 160 else text[:157] + "..."
