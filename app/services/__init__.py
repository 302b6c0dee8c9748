"""Business rules, permissions and transactions; no GraphQL. See docs/import-contracts.md."""
