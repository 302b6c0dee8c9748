"""Business rules, permissions and transactions; no GraphQL. See docs/import-contracts.md."""

# Every process that runs services (the API, the CLI, jobs) registers the ORM hooks that
# invalidate cached principals when what they are made of changes.
from app.services.core import principal_changes as _principal_changes  # noqa: F401
