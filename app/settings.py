"""Settings from the environment (and an optional `.env` file), with safe laptop defaults."""

from datetime import date
from decimal import Decimal
from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every tunable of the service. Each field maps to an upper-case environment variable."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = Field(
        "sqlite+aiosqlite:///./partner_console.db",
        description="Primary database (SQLAlchemy async URL).",
    )
    database_read_url: str | None = Field(
        None, description="Read replica for heavy BI reads; defaults to the primary."
    )
    sql_echo: bool = Field(False, description="Log every SQL statement.")
    host: str = Field("127.0.0.1", description="Address `serve` binds to.")
    port: int = Field(8000, description="Port `serve` listens on.")
    workers: int = Field(
        1,
        description="Worker processes `serve` starts when `--workers` is not given (1-64). "
        "More than one: a supervisor runs them, each with its own event loop and, where the "
        "kernel balances it (Linux), its own SO_REUSEPORT socket (app/serving/).",
    )
    serve_reuse_port: bool = Field(
        True,
        description="With several workers, give each its own listening socket with "
        "SO_REUSEPORT, so the kernel spreads connections evenly; false (or on a platform "
        "where SO_REUSEPORT does not balance): one listening socket shared by all workers.",
    )
    serve_shutdown_timeout_seconds: int = Field(
        30,
        ge=1,
        description="On SIGTERM/SIGINT, how long a serving process lets the requests in "
        "flight finish before closing their connections; a worker still alive 5 s later is "
        "killed by the supervisor.",
    )
    worker_pid_header: bool = Field(
        False,
        description="Add `X-Worker-Pid: <pid>` to every response, naming the process that "
        "answered (load tests, the benchmark's per-worker split); off in production.",
    )
    log_level: str = Field("INFO", description="Python log level.")
    graphiql: bool = Field(True, description="Serve GraphiQL on GET /graphql from a browser.")

    default_page_size: int = Field(
        20, description="Page size when neither first nor last is given."
    )
    max_page_size: int = Field(100, description="Largest allowed `first`/`last`.")
    max_nodes_ids: int = Field(100, description="Most ids accepted by `nodes(ids:)`.")
    max_query_depth: int = Field(12, description="Deepest allowed selection nesting.")
    max_aliases: int = Field(
        30, description="Most aliases in one operation (a fragment counts once per spread)."
    )
    max_field_repeats: int = Field(
        20, description="Most times one response name may occur in one merged selection set."
    )
    max_tokens: int = Field(5000, description="Most lexical tokens allowed in one document.")
    max_request_bytes: int = Field(
        1_000_000, description="Largest request body (or GET query string) in bytes; else 413."
    )
    max_document_bytes: int = Field(
        100_000, description="Largest GraphQL document (`query`) in UTF-8 bytes; else 413."
    )
    switch_interval_ms: float = Field(
        1.0,
        gt=0,
        description="How often (ms) a serving process's threads hand each other the "
        "interpreter: a document validated in a worker thread gives the event loop its turn "
        "at least this often (Python's default is 5).",
    )
    document_cache_bytes: int = Field(
        262_144,
        description="Parsed/validated documents kept in cache, by their total size in bytes "
        "(a cached document's syntax tree lives on the heap that the garbage collector's full "
        "passes walk: bounded by size, those passes stay short whatever documents arrive).",
    )
    plain_object_executor: bool = Field(
        True,
        description=(
            "Complete plain objects with PlainObjectExecutor's per-selection plans; false: "
            "strawberry's own graphql-core executor (same answers, slower)."
        ),
    )
    lookahead_prefetch: bool = Field(
        True,
        description=(
            "Load a page's batched nested fields (a customer's account, manager, resources, "
            "amount due) for the whole page before completing it (app/schema/core/prefetch.py); "
            "false: each field's resolver loads it (same answers, slower)."
        ),
    )
    max_query_cost: int = Field(1000, description="Most cost points one query may request.")
    throttle_maximum_available: int = Field(
        1000, description="Cost points a token's bucket holds when full."
    )
    throttle_restore_rate: int = Field(50, description="Cost points a bucket regains per second.")
    introspection_cost: int = Field(
        10, description="Fixed cost of an operation that only introspects (`__schema`, ...)."
    )
    token_last_used_resolution_seconds: int = Field(
        60, description="How stale a token's `lastUsedAt` may get before it is written again."
    )
    token_last_used_flush_seconds: float = Field(
        5.0,
        ge=0,
        description="How often (s) a serving process writes the `lastUsedAt` of the tokens it "
        "saw, in one UPDATE, off the requests' path (and once more at shutdown); 0: after each "
        "response that is due one, as a background task.",
    )
    principal_cache: bool = Field(
        True,
        description="Keep authenticated tokens' principals in the process, so a request "
        "reaches the database only for its own work; invalidated at once, on every worker, "
        "when a token, its user, its partner's settings or a customer's associations change "
        "(PostgreSQL LISTEN/NOTIFY; SQLite: in the process). False: every request looks its "
        "token up.",
    )
    principal_cache_size: int = Field(
        10_000, ge=1, description="Most principals the cache holds (least recently used go)."
    )
    principal_cache_max_age_seconds: float = Field(
        30.0,
        gt=0,
        description="Longest a cached principal is used before its token is looked up again: "
        "the safety net for a change made outside the application (say, by psql).",
    )
    principal_listener_check_seconds: float = Field(
        5.0,
        gt=0,
        description="How often (s) the cache's LISTEN connection checks that PostgreSQL still "
        "answers (and how long it waits before reconnecting at first); while it is down, the "
        "cache is empty and unused.",
    )
    read_only_autocommit: bool = Field(
        True,
        description="Queries (read-only requests) send no BEGIN/COMMIT: on PostgreSQL each "
        "statement runs in its own implicit transaction (READ COMMITTED gives each statement "
        "its own snapshot either way); a query that tries to write fails. False: one "
        "transaction per request, as for mutations.",
    )
    api_token_max_lifetime_days: int = Field(
        366, description="Latest `expiresAt` a token created through the API may have, in days."
    )

    business_timezone: str = Field(
        "Asia/Shanghai", description="Calendar for bill cycles, days and due dates."
    )
    working_day_holidays_country: str = Field(
        "CN",
        description="Country whose public holidays and make-up working days (调休) the "
        "working-day calendar takes from the `holidays` package; empty: Monday-Friday only.",
    )
    working_day_extra_holidays: list[date] = Field(
        default_factory=list,
        description="Extra days off (JSON list of ISO dates), e.g. a holiday announced after "
        "the installed `holidays` release.",
    )
    working_day_extra_working_days: list[date] = Field(
        default_factory=list,
        description="Extra working days (JSON list of ISO dates), e.g. a make-up Saturday "
        "(调休) the package doesn't know yet; wins over every holiday.",
    )
    withdrawal_due_working_days: int = Field(
        7, ge=1, description="Working days after its approval's business date a withdrawal is due."
    )

    max_money_amount: Decimal = Field(
        Decimal("10000000.00"), description="Largest amount one money mutation accepts (CNY)."
    )
    wechat_payment_cap: Decimal = Field(
        Decimal("50000.00"), description="WeChat Pay's per-payment limit for recharges (CNY)."
    )
    general_remittance_account_number: str = Field(
        "0200049619200088888",
        description="The vendor's general remittance account (通用汇款账号), shared by partners.",
    )
    remittance_bank_name: str = Field(
        "Industrial and Commercial Bank of China, Beijing Branch",
        description="Bank of the remittance accounts (the general and the dedicated ones).",
    )
    remittance_account_holder: str = Field(
        "Huawei Cloud Computing Technologies Co., Ltd.",
        description="Holder of the remittance accounts (the vendor's collecting entity).",
    )
    idempotency_key_ttl_hours: int = Field(
        24, description="How long an idempotency key's first outcome is kept and replayed."
    )
    arrears_freeze_after_days: int = Field(
        15, description="Days in GRACE_PERIOD before arrears freeze on-demand resources."
    )
    resource_grace_period_days: int = Field(
        15,
        description="Days a yearly/monthly resource stays in GRACE_PERIOD after its expiry "
        "before it reads EXPIRED.",
    )
    original_route_windows: dict[str, dict[str, int | None]] = Field(
        {
            "HUAWEI_CLOUD_COMPUTING": {"ALIPAY": 3, "BANK_TRANSFER": None},
            "OTHER": {"ALIPAY": 11, "WECHAT": 11, "UNIONPAY": 3},
        },
        description=(
            "Per contracting entity and channel: months during which a recharge may only be "
            "withdrawn by its original route (null: at any age)."
        ),
    )
    # Partner certification (docs/partners.md).
    certification_validity_months: int = Field(
        12, ge=1, description="Months a certification or a renewal adds (calendar months)."
    )
    certification_renewal_window_days: int = Field(
        90,
        ge=0,
        description="Days before its end from which a certification in force may be renewed.",
    )
    certification_expiry_notice_days: int = Field(
        30, ge=0, description="Days before its end at which a partner is told it expires."
    )
    # Customer acquisition and association lifecycle (DOMAIN.md > Customer acquisition).
    registration_validity_days: int = Field(
        15, description="Days an approved registration stays valid without an association."
    )
    registration_expiry_notice_days: int = Field(
        3,
        ge=0,
        description="Days before an approved registration lapses at which its "
        "partner is told (once).",
    )
    max_open_registrations: int = Field(
        100, description="Most pending or approved-unexpired registrations a partner may hold."
    )
    invitation_online_validity_days: int = Field(
        7, description="Days an online invitation link stays valid."
    )
    invitation_offline_validity_days: int | None = Field(
        None, description="Days an offline invitation link stays valid (unset: until revoked)."
    )
    invitation_link_base_url: str = Field(
        "https://console.example.com/invitations/accept",
        description="Base of invitation links; the token is appended as `?token=`.",
    )
    association_change_interval_months: int = Field(
        3,
        description="A partner starts at most one disassociation/switch per customer per N months.",
    )
    association_change_wait_after_customer_request_months: int = Field(
        3, description="Months a partner waits after a customer-filed disassociation request."
    )
    customer_disassociation_interval_months: int = Field(
        3, description="A customer files at most one disassociation request per N months."
    )
    association_change_response_days: int = Field(
        15, description="Days a customer has to answer a partner's request before it expires."
    )
    customer_disassociation_auto_approve_days: int = Field(
        15, description="Days after which an unanswered customer disassociation is auto-approved."
    )
    # Orders (DOMAIN.md > Orders).
    order_close_after_hours: int = Field(
        24, description="Hours after which an unpaid order is CLOSED."
    )
    unsubscribe_full_refund_days: int = Field(
        5, description="Days after purchase within which an unsubscribe refunds in full."
    )

    # Consumption (DOMAIN.md > Consumption).
    max_ingest_batch: int = Field(
        1000, description="Most usage records one `ingestUsage` mutation accepts."
    )
    consumption_retention_months: int = Field(
        18,
        ge=1,
        description=(
            "Months consumption details are kept after their bill cycle ends (closed cycles "
            "only); then `consumption.purge` removes them, keeping rollups and FINAL bills."
        ),
    )
    consumption_purge_batch_rows: int = Field(
        5000, ge=1, description="Most rows one batch of the consumption purge deletes."
    )
    consumption_purge_max_batches: int = Field(
        200, ge=1, description="Most batches one run of the `consumption.purge` job deletes."
    )
    export_batch_rows: int = Field(
        2000, description="Rows fetched per round trip by the streaming consumption exports."
    )
    parquet_row_group_rows: int = Field(
        20_000,
        ge=1,
        description="Rows per row group of the Parquet export (the most it holds in memory).",
    )


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings (tests may clear the cache after changing the environment)."""
    return Settings()
