"""The consumption domain's enumerations, stored in the database.

The GraphQL schema exposes these same classes (`app/schema/consumption/enums.py` adds the
descriptions); there is no second copy.
"""

from enum import StrEnum


class DetailKind(StrEnum):
    """What a consumption detail line records."""

    USAGE = "USAGE"
    PREPAID = "PREPAID"
    PERCENTILE = "PERCENTILE"
    CORRECTION = "CORRECTION"
    REFUND = "REFUND"


class BillCycleStatus(StrEnum):
    PROVISIONAL = "PROVISIONAL"
    FINAL = "FINAL"
