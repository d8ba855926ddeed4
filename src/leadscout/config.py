"""Settings: command-line flags > environment variables > defaults.

Worker liveness has ONE source of truth, ``dead_after``: a worker whose heartbeat is
older than that is dead in ``pm_pipeline.worker_heartbeats``, *and* procrastinate
considers its jobs stalled after the same number of seconds (see
:func:`leadscout.workers.app.worker_options`), so the two views can never disagree.
"""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT_DATA_DIR = Path("/var/lib/leadscout")


def default_data_dir() -> Path:
    """Where leadscout keeps its embedded database and logs.

    Run as root, the embedded PostgreSQL package creates a system user and adds o+rx to *every
    parent directory* of its data directory. Under ``/root`` that would open the root home to
    traversal, so as root the data lives under ``/var/lib/leadscout`` (whose parents are
    world-traversable already). A normal user gets their platform data dir
    (``~/.local/share/leadscout`` on Linux), which nothing widens."""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        return ROOT_DATA_DIR
    return Path(platformdirs.user_data_dir("leadscout"))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    database_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("DATABASE_URL", "POSTGRES_URL"),
        description="PostgreSQL DSN. When unset, an embedded PostgreSQL is started.",
    )
    data_dir: Path | None = Field(
        default=None,
        validation_alias=AliasChoices("LEADSCOUT_DATA_DIR"),
        description="Where the embedded database and exports live.",
    )
    batch_size: int = Field(default=10, ge=1, le=1000, validation_alias=AliasChoices("LEAD_LIST_BATCH_SIZE"))
    heartbeat_interval: float = Field(
        default=30.0,
        gt=0,
        validation_alias=AliasChoices("WORKER_HEARTBEAT_INTERVAL", "LEADSCOUT_HEARTBEAT_INTERVAL"),
    )
    dead_after: float = Field(
        default=300.0,
        gt=0,
        validation_alias=AliasChoices("WORKER_DEAD_AFTER", "LEADSCOUT_DEAD_AFTER"),
        description="Seconds without a heartbeat before a worker is dead and its jobs stalled.",
    )
    job_poll_interval: float = Field(
        default=1.0,
        gt=0,
        le=60,
        validation_alias=AliasChoices("LEADSCOUT_JOB_POLL_INTERVAL"),
        description="Seconds between a worker's queue polls when no NOTIFY woke it (new jobs and freed run "
        "locks do); a longer one costs fewer idle transactions, and some hand-overs wait for it.",
    )
    retry_base_seconds: float = Field(default=2.0, ge=0, validation_alias=AliasChoices("LEADSCOUT_RETRY_BASE_SECONDS"))
    job_attempts: int = Field(
        default=3,
        ge=1,
        le=20,
        validation_alias=AliasChoices("LEADSCOUT_JOB_ATTEMPTS"),
        description="Attempts a unit of work gets (transient failures and dead workers) before it fails for good.",
    )
    job_timeout: float = Field(
        default=900.0,
        gt=0,
        validation_alias=AliasChoices("LEADSCOUT_JOB_TIMEOUT"),
        description="A job that hangs this long while its worker lives is failed (and retried).",
    )
    db_wait: float = Field(
        default=10.0,
        gt=0,
        validation_alias=AliasChoices("LEADSCOUT_DB_WAIT"),
        description="How long one database call waits for a connection before it counts as an outage.",
    )
    db_outage_grace: float = Field(
        default=120.0,
        ge=0,
        validation_alias=AliasChoices("LEADSCOUT_DB_OUTAGE_GRACE"),
        description="How long work waits for a database that went away (restart, failover) before it "
        "counts as a failure; an outage inside this window costs no attempt.",
    )
    simulated_latency: float = Field(
        default=0.0,
        ge=0,
        validation_alias=AliasChoices("LEADSCOUT_SIMULATED_LATENCY"),
        description="Seconds of tool latency added to every unit of work (drills and benchmarks only).",
    )
    fetch_cache: Literal["off", "use", "record", "replay", "revalidate"] = Field(
        default="use",
        validation_alias=AliasChoices("LEADSCOUT_FETCH_CACHE"),
        description="page cache in PostgreSQL: off | use | record | replay | revalidate (a stored page is "
        "asked 'changed since?' with the validators its server sent)",
    )
    search_max_age: float = Field(
        default=3_600.0,
        ge=0,
        validation_alias=AliasChoices("LEADSCOUT_SEARCH_MAX_AGE"),
        description="Seconds a search answer is reused by later runs (a run always reuses the answers given "
        "since it started): a monitor's daily tick asks again, runs within the hour pay once per query.",
    )
    fetch_cache_max_age: float = Field(
        default=86_400.0,
        gt=0,
        validation_alias=AliasChoices("LEADSCOUT_FETCH_CACHE_MAX_AGE"),
        description="Seconds a cached page is used (mode use): a run reads each page once, and a page a "
        "day old is read again.",
    )
    fetch_timeout: float = Field(default=10.0, gt=0, validation_alias=AliasChoices("LEADSCOUT_FETCH_TIMEOUT"))
    politeness_delay: float = Field(default=0.25, ge=0, validation_alias=AliasChoices("LEADSCOUT_POLITENESS_DELAY"))
    http_proxy: str | None = Field(
        default=None,
        validation_alias=AliasChoices("LEADSCOUT_HTTP_PROXY"),
        description="Proxy for research traffic (loopback goes direct); unset: the standard HTTP_PROXY variables.",
    )
    search_provider: str | None = Field(default=None, validation_alias=AliasChoices("LEADSCOUT_SEARCH_PROVIDER"))
    searxng_url: str | None = Field(default=None, validation_alias=AliasChoices("LEADSCOUT_SEARXNG_URL"))
    serper_api_key: SecretStr | None = Field(default=None, validation_alias=AliasChoices("SERPER_API_KEY"))
    serper_base_url: str = Field(default="https://google.serper.dev", validation_alias=AliasChoices("SERPER_BASE_URL"))
    brave_api_key: SecretStr | None = Field(default=None, validation_alias=AliasChoices("BRAVE_API_KEY"))
    brave_base_url: str = Field(default="https://api.search.brave.com", validation_alias=AliasChoices("BRAVE_BASE_URL"))
    dns_server: str | None = Field(
        default=None,
        validation_alias=AliasChoices("LEADSCOUT_DNS_SERVER"),
        description="host[:port] of the DNS server for MX lookups; unset: the system resolver.",
    )
    smtp_probe_port: int = Field(
        default=25,
        ge=1,
        le=65535,
        validation_alias=AliasChoices("LEADSCOUT_SMTP_PROBE_PORT"),
        description="Port of the MX hosts that email verification talks to (RCPT TO, never DATA).",
    )
    email_verification: bool = Field(default=True, validation_alias=AliasChoices("LEADSCOUT_EMAIL_VERIFICATION"))
    email_verifier: Literal["smtp", "reacher"] = Field(
        default="smtp",
        validation_alias=AliasChoices("LEADSCOUT_EMAIL_VERIFIER"),
        description="smtp: talk to the MX hosts from here (port 25); reacher: ask a Reacher server (REACHER_URL).",
    )
    smtp_helo: str = Field(
        default="verify.leadscout.local",
        validation_alias=AliasChoices("LEADSCOUT_SMTP_HELO"),
        description="The HELO name of email verification: a name of your own domain (strangers are greylisted).",
    )
    smtp_mail_from: str = Field(
        default="verify@leadscout.invalid",
        validation_alias=AliasChoices("LEADSCOUT_SMTP_MAIL_FROM"),
        description="The MAIL FROM of email verification: an address of your own domain.",
    )
    smtp_proxy: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("LEADSCOUT_SMTP_PROXY"),
        description="socks5://[user:pass@]host:port that carries email verification past a blocked port 25.",
    )
    greylist_delay: float = Field(
        default=20.0, ge=0, le=600, validation_alias=AliasChoices("LEADSCOUT_GREYLIST_DELAY"),
        description="Seconds before a greylisted address (4xx on RCPT) is asked once more.",
    )  # fmt: skip
    render: Literal["auto", "off"] = Field(
        default="auto",
        validation_alias=AliasChoices("LEADSCOUT_RENDER"),
        description="auto: script apps are rendered in headless Chromium when leadscout[render] is installed.",
    )
    render_pages: int = Field(
        default=20, ge=0, le=10_000, validation_alias=AliasChoices("LEADSCOUT_RENDER_PAGES"),
        description="Script-app pages rendered per site (a worker renders for every site it reads).",
    )  # fmt: skip
    render_seconds: float = Field(default=15.0, gt=0, le=120, validation_alias=AliasChoices("LEADSCOUT_RENDER_SECONDS"))
    chromium: str | None = Field(default=None, validation_alias=AliasChoices("LEADSCOUT_CHROMIUM"))
    reacher_url: str | None = Field(default=None, validation_alias=AliasChoices("REACHER_URL"))
    reacher_token: SecretStr | None = Field(default=None, validation_alias=AliasChoices("REACHER_TOKEN"))
    smtp_host: str | None = Field(default=None, validation_alias=AliasChoices("SMTP_HOST"))
    smtp_port: int = Field(default=587, ge=1, le=65535, validation_alias=AliasChoices("SMTP_PORT"))
    smtp_user: str | None = Field(default=None, validation_alias=AliasChoices("SMTP_USER", "SMTP_USERNAME"))
    smtp_password: SecretStr | None = Field(default=None, validation_alias=AliasChoices("SMTP_PASSWORD"))
    smtp_from: str = Field(default="leadscout@localhost", validation_alias=AliasChoices("SMTP_FROM"))
    smtp_starttls: bool = Field(default=False, validation_alias=AliasChoices("SMTP_STARTTLS"))
    notify_to: str | None = Field(
        default=None,
        validation_alias=AliasChoices("LEADSCOUT_NOTIFY_TO"),
        description="Comma-separated addresses told when a run completes.",
    )
    exports_dir: Path | None = Field(
        default=None,
        validation_alias=AliasChoices("LEADSCOUT_EXPORTS_DIR"),
        description="Where completed runs write their files (default: <data dir>/exports).",
    )
    hubspot_token: SecretStr | None = Field(default=None, validation_alias=AliasChoices("HUBSPOT_ACCESS_TOKEN"))
    webhook_attempts: int = Field(
        default=12,
        ge=1,
        le=50,
        validation_alias=AliasChoices("LEADSCOUT_WEBHOOK_ATTEMPTS"),
        description="Deliveries tried per webhook event before it is given up (shown as failed).",
    )
    webhook_retry_base: float = Field(
        default=30.0,
        ge=0,
        validation_alias=AliasChoices("LEADSCOUT_WEBHOOK_RETRY_BASE"),
        description="Seconds before the first webhook retry; each next wait doubles, up to webhook_retry_cap "
        "(12 attempts span about 5 hours).",
    )
    webhook_retry_cap: float = Field(default=3600.0, gt=0, validation_alias=AliasChoices("LEADSCOUT_WEBHOOK_RETRY_CAP"))
    webhook_timeout: float = Field(
        default=10.0, gt=0, validation_alias=AliasChoices("LEADSCOUT_WEBHOOK_TIMEOUT"),
        description="Seconds a receiver has to answer one delivery.",
    )  # fmt: skip
    webhook_allow_hosts: str = Field(
        default="",
        validation_alias=AliasChoices("LEADSCOUT_WEBHOOK_ALLOW_HOSTS"),
        description="Comma-separated hosts a webhook may target although they are private, loopback or "
        "link-local (e.g. a receiver on this machine).",
    )
    hubspot_api_base: str = Field(default="https://api.hubapi.com", validation_alias=AliasChoices("HUBSPOT_API_BASE"))
    llm: str | None = Field(
        default=None,
        validation_alias=AliasChoices("LEADSCOUT_LLM"),
        description="The model, e.g. openai:gpt-5-mini (with OPENAI_API_KEY), or any model name of the server at "
        "LEADSCOUT_LLM_BASE_URL. Unset: no LLM, everything runs deterministically.",
    )
    llm_base_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("LEADSCOUT_LLM_BASE_URL"),
        description="An OpenAI-compatible API root (Ollama, vLLM, llama.cpp, LM Studio), e.g. http://127.0.0.1:11434/v1",
    )
    llm_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("LEADSCOUT_LLM_API_KEY", "OPENAI_API_KEY")
    )
    llm_timeout: float = Field(default=60.0, gt=0, validation_alias=AliasChoices("LEADSCOUT_LLM_TIMEOUT"))
    llm_max_output_tokens: int = Field(
        default=4096,
        ge=16,
        validation_alias=AliasChoices("LEADSCOUT_LLM_MAX_OUTPUT_TOKENS"),
        description="Tokens one model answer may generate: stops a looping model from running to its timeout.",
    )
    agent_max_steps: int = Field(
        default=40,
        ge=1,
        le=500,
        validation_alias=AliasChoices("LEADSCOUT_AGENT_MAX_STEPS"),
        description="Model requests one agent discovery turn may make.",
    )
    max_usd_per_run: float | None = Field(default=5.0, ge=0, validation_alias=AliasChoices("LEADSCOUT_MAX_USD_PER_RUN"))
    max_llm_requests_per_run: int | None = Field(
        default=400, ge=0, validation_alias=AliasChoices("LEADSCOUT_MAX_LLM_REQUESTS_PER_RUN")
    )
    max_tokens_per_run: int | None = Field(
        default=4_000_000, ge=0, validation_alias=AliasChoices("LEADSCOUT_MAX_TOKENS_PER_RUN")
    )
    max_usd_per_company: float | None = Field(
        default=0.25, ge=0, validation_alias=AliasChoices("LEADSCOUT_MAX_USD_PER_COMPANY")
    )
    max_llm_requests_per_company: int | None = Field(
        default=12, ge=0, validation_alias=AliasChoices("LEADSCOUT_MAX_LLM_REQUESTS_PER_COMPANY")
    )
    api_token: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("LEADSCOUT_API_TOKEN"),
        description="Bearer token of the REST API and dashboard; required when serving beyond loopback.",
    )
    monitor_poll: int = Field(
        default=15,
        ge=1,
        le=60,
        validation_alias=AliasChoices("LEADSCOUT_MONITOR_POLL"),
        description="How often (s) workers look for monitors whose tick is due.",
    )
    monitor_recheck_every: int = Field(
        default=4,
        ge=1,
        le=100,
        validation_alias=AliasChoices("LEADSCOUT_MONITOR_RECHECK_EVERY"),
        description="A monitor asks about the pages behind a rejection, and a known company's pages other than "
        "the one proving the criteria, once every this many ticks (in turn: each tick asks about a share).",
    )
    monitor_unreachable_after: int = Field(
        default=3,
        ge=1,
        le=100,
        validation_alias=AliasChoices("LEADSCOUT_MONITOR_UNREACHABLE_AFTER"),
        description="Consecutive failed ticks before a monitor reports a company's site unreachable.",
    )
    monitor_email_days: int = Field(
        default=30,
        ge=0,
        le=3650,
        validation_alias=AliasChoices("LEADSCOUT_MONITOR_EMAIL_DAYS"),
        description="A monitor re-verifies its contacts' emails when this many days have passed.",
    )
    run_filter_id: str | None = Field(default=None, validation_alias=AliasChoices("RUN_FILTER_ID"))
    worker_max_loops: int | None = Field(default=None, ge=1, validation_alias=AliasChoices("WORKER_MAX_LOOPS"))

    @model_validator(mode="after")
    def _heartbeat_fits_dead_after(self) -> Settings:
        if self.heartbeat_interval * 2 > self.dead_after:
            raise ValueError(
                "WORKER_DEAD_AFTER must be at least twice WORKER_HEARTBEAT_INTERVAL "
                f"(got {self.dead_after}s and {self.heartbeat_interval}s), or live workers "
                "would be declared dead between two heartbeats"
            )
        return self

    @cached_property
    def loop_stall_limit(self) -> float:
        """Seconds a worker's event loop may be busy before its heartbeat stops (a wedged loop is
        dead); at least 30 s, so a loaded machine's long parse never looks like a death."""
        return max(self.dead_after, 30.0)

    @cached_property
    def sweep_interval(self) -> int:
        """How often (s) the stalled-job sweeper runs: a quarter of dead_after, 1..30 s."""
        return max(1, min(30, int(self.dead_after // 4)))


def load_settings(**overrides: object) -> Settings:
    from pydantic import ValidationError

    from leadscout.errors import ConfigError

    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = [f"{'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg']}" for e in exc.errors()]
        raise ConfigError("invalid settings: " + "; ".join(lines)) from None
