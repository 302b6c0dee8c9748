"""Documents shared by the reserved-company tests."""

from __future__ import annotations

ADD = """
mutation Add($input: AddReservedCompanyInput!) {
  addReservedCompany(input: $input) {
    reservedCompany { id companyName creditCode reason }
    userErrors { code field message }
  }
}
"""


LIST = "{ reservedCompanies(first: 10) { nodes { id companyName } } }"
