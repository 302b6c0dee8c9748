"""What changes a principal, found in one place: the ORM's flushes and bulk statements.

Every writer (services, the CLI, jobs, the demo data, tests) changes the rows a principal is
made of through a session, so the hooks here see every change without any service knowing
of them:

- `api_tokens`: anything but `last_used_at` and `label` (`revoked_at`, `expires_at`, ...),
  and a deleted token -> `t:<id>`;
- `partner_users`: `role`, `deactivated_at` (reactivation too), a deleted user -> `u:...`;
- `partners`: `sales_see_all_customers`, a deleted partner -> `p:<id>`;
- a customer row inserted, deleted, or moved to another cloud account or partner (what
  `account_associations` mirrors), or an `account_associations` row written directly ->
  `a:<cloud account id>` (the old and the new one);
- a bulk `UPDATE`/`DELETE` of one of those tables -> everything (`*`), unless its statement
  says it changes nothing a principal is made of (`NEUTRAL`, the batched `last_used_at`).

When the session flushes (or runs such a bulk statement) the tags are invalidated at once in
every cache of this process, and on PostgreSQL a `pg_notify` is sent *in the same
transaction*: PostgreSQL delivers it to every listener when, and only if, that transaction
commits (a rolled-back savepoint drops its notifications too), so a committed change reaches
every worker and a rolled-back one reaches none. At the session's commit the tags are
invalidated in this process once more: a lookup that ran between the flush and the commit
read the old rows (they were not committed yet) and may have stored them. A flush that is
then rolled back has only emptied some entries here, which costs a lookup, never an answer.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, func, inspect, select
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction, object_session

from app.models import AccountAssociation, ApiToken, Customer, Partner, PartnerUser
from app.services.core import principal_cache as cache
from app.settings import get_settings

CHANNEL = "partner_console_principals"
NEUTRAL = "principal_neutral"  # execution option: this bulk statement changes no principal

_PENDING = "principal_tags"  # session.info: tags changed in this unit of work (for its commit)
_UNSENT = "principal_tags_unsent"  # ... not yet invalidated here nor sent with NOTIFY

_TOKEN_COLUMNS = (
    "revoked_at",
    "expires_at",
    "principal_kind",
    "partner_id",
    "partner_user_id",
    "cloud_account_id",
    "token_hash",
)
_USER_COLUMNS = ("role", "deactivated_at", "partner_id")
_PARTNER_COLUMNS = ("sales_see_all_customers",)
_ASSOCIATION_COLUMNS = ("partner_id", "cloud_account_id")
WATCHED_TABLES = frozenset(
    {"api_tokens", "partner_users", "partners", "customers", "account_associations"}
)


def _changed(target: Any, names: tuple[str, ...]) -> bool:
    attrs = inspect(target).attrs
    return any(attrs[name].history.has_changes() for name in names)


def _record(target: Any, tags: set[str]) -> None:
    session = object_session(target)
    if session is None or not tags:
        return
    session.info.setdefault(_PENDING, set()).update(tags)
    session.info.setdefault(_UNSENT, set()).update(tags)


def _accounts(target: Any) -> set[str]:
    """The cloud accounts whose associations a change of `target` touches, before and after
    (`Customer.cloud_account_id` loads its old value when set: `active_history`)."""
    history = inspect(target).attrs.cloud_account_id.history
    ids = {target.cloud_account_id, *history.deleted}
    return {cache.account_tag(i) for i in ids if i is not None}


@event.listens_for(ApiToken, "after_update")
def _token_updated(_mapper: Any, _connection: Any, target: ApiToken) -> None:
    if _changed(target, _TOKEN_COLUMNS):
        _record(target, {cache.token_tag(target.id)})


@event.listens_for(ApiToken, "after_delete")
def _token_deleted(_mapper: Any, _connection: Any, target: ApiToken) -> None:
    _record(target, {cache.token_tag(target.id)})


@event.listens_for(PartnerUser, "after_update")
def _user_updated(_mapper: Any, _connection: Any, target: PartnerUser) -> None:
    if _changed(target, _USER_COLUMNS):
        _record(target, {cache.user_tag(target.partner_id, target.id)})


@event.listens_for(PartnerUser, "after_delete")
def _user_deleted(_mapper: Any, _connection: Any, target: PartnerUser) -> None:
    _record(target, {cache.user_tag(target.partner_id, target.id)})


@event.listens_for(Partner, "after_update")
def _partner_updated(_mapper: Any, _connection: Any, target: Partner) -> None:
    if _changed(target, _PARTNER_COLUMNS):
        _record(target, {cache.partner_tag(target.id)})


@event.listens_for(Partner, "after_delete")
def _partner_deleted(_mapper: Any, _connection: Any, target: Partner) -> None:
    _record(target, {cache.partner_tag(target.id)})


def _association_written(_mapper: Any, _connection: Any, target: Any) -> None:
    _record(target, _accounts(target))


def _customer_updated(_mapper: Any, _connection: Any, target: Customer) -> None:
    if _changed(target, _ASSOCIATION_COLUMNS):
        _record(target, _accounts(target))


def _association_updated(_mapper: Any, _connection: Any, target: AccountAssociation) -> None:
    # only the mirror writes these rows, with Core statements; an ORM update (there is none)
    # may not know the account it replaced
    _record(target, {cache.ALL})


for _model in (Customer, AccountAssociation):
    event.listen(_model, "after_insert", _association_written)
    event.listen(_model, "after_delete", _association_written)
event.listen(Customer, "after_update", _customer_updated)
event.listen(AccountAssociation, "after_update", _association_updated)


def _publish(session: Session) -> None:
    """Invalidate what this session changed since the last time, here and (PostgreSQL) with
    a NOTIFY in its transaction."""
    tags = session.info.pop(_UNSENT, None)
    if not tags:
        return
    cache.invalidate_everywhere(tags)
    connection = session.connection()
    if connection.dialect.name == "postgresql" and get_settings().principal_cache:
        connection.execute(select(func.pg_notify(CHANNEL, cache.encode(tags))))


@event.listens_for(Session, "after_flush_postexec")
def _flushed(session: Session, _flush_context: UOWTransaction) -> None:
    _publish(session)


@event.listens_for(Session, "do_orm_execute")
def _bulk_statement(state: ORMExecuteState) -> Any:
    if not (state.is_update or state.is_delete) or state.execution_options.get(NEUTRAL):
        return None
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) not in WATCHED_TABLES:
        return None
    result = state.invoke_statement()
    session = state.session
    session.info.setdefault(_PENDING, set()).add(cache.ALL)
    session.info.setdefault(_UNSENT, set()).add(cache.ALL)
    _publish(session)
    return result


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint released: the transaction goes on
    cache.invalidate_everywhere(session.info.get(_PENDING, ()))


@event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction: Any) -> None:
    if transaction.parent is None:  # the unit of work's own transaction, committed or not
        session.info.pop(_PENDING, None)
        session.info.pop(_UNSENT, None)
