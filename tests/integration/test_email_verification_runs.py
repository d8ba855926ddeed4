"""Whole runs on the sandbox web with email verification where users are: port 25 blocked (the
world's MX hosts on an address nothing answers), and the Reacher backend (a double of its HTTP API)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import SecretStr

from leadscout.config import Settings
from leadscout.criteria import parse_criteria
from leadscout.db.store import Store
from leadscout.models import Status
from leadscout.pipeline.runs import create_run
from leadscout.research.judge.mailcheck import BLOCKED_NOTICE
from leadscout.sandbox.mail import MailServers
from leadscout.sandbox.reacher import ReacherDouble
from leadscout.sandbox.server import SandboxServer
from leadscout.serving import ThreadedServer
from leadscout.workers.runner import WorkerConfig, run_worker

pytestmark = pytest.mark.integration
AUSTIN = {"quantity": 4, "cities": ["Austin"], "state": "TX", "geo_scope": "city"}


async def _run(store: Store, settings: Settings, dsn: str) -> Any:
    run = await create_run(store, parse_criteria(AUSTIN), batch_size=4, options={"sources": ["web"], "sandbox": {}})

    async def settled() -> bool:
        current = await store.get_run(run.id)
        return current is not None and current.status != Status.ACTIVE

    await run_worker(settings, dsn, WorkerConfig(concurrency=2, install_signal_handlers=False, until=settled))
    return run


async def test_a_run_with_port_25_blocked_keeps_every_email_unknown_and_says_so_once(
    store: Store, settings: Settings, dsn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    sandbox = SandboxServer(seed=7, timeout_seconds=5)
    sandbox.mail = MailServers(sandbox.world, sandbox.app.injector, mx_address="192.0.2.1")  # nothing answers there
    with sandbox:
        for key, value in sandbox.env().items():
            monkeypatch.setenv(key, value)
        wired = sandbox.settings_for(settings).model_copy(update={"fetch_timeout": 2.0, "politeness_delay": 0.05})
        run = await _run(store, wired, dsn)
    emails = [c for c in await store.run_contacts(run.id) if c.email]
    assert emails, "some companies publish their people's addresses"
    assert {c.email_status for c in emails} == {"unknown(port_25_blocked)"}  # never invalid, never valid
    notices = [e for e in await store.events_since(run.id) if e.event == "email_verification_notice"]
    assert [e.payload["message"] for e in notices] == [BLOCKED_NOTICE]


async def test_the_same_run_with_reacher_gets_reachers_verdicts_and_reasons(
    store: Store, settings: Settings, dsn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with SandboxServer(seed=7, timeout_seconds=5) as sandbox:
        double = ReacherDouble(sandbox.world, token="rch-secret")
        with ThreadedServer(double.app) as reacher:
            for key, value in sandbox.env().items():
                monkeypatch.setenv(key, value)
            wired = sandbox.settings_for(settings).model_copy(
                update={"fetch_timeout": 2.0, "politeness_delay": 0.05, "email_verifier": "reacher",
                        "reacher_url": reacher.url, "reacher_token": SecretStr("rch-secret"),
                        "smtp_helo": "mail.example-pm.com"}
            )  # fmt: skip
            run = await _run(store, wired, dsn)
    emails = [c for c in await store.run_contacts(run.id) if c.email]
    assert emails and double.requests
    assert all(r.get("hello_name") == "mail.example-pm.com" for r in double.requests)
    for contact in emails:
        answer = double.answer(contact.email or "")
        assert contact.email_check is not None and contact.email_check.status in ("valid", "risky", "unknown")
        if answer["is_reachable"] == "safe":
            assert contact.email_status == "valid"
        if answer["is_reachable"] == "risky" and answer["smtp"].get("is_catch_all"):
            assert contact.email_check.reason in ("catch_all", "published_on_site")  # kept: the site publishes it
    verified = [a for a, _ in sandbox.mail.handler.rcpt_log if a.rpartition("@")[2] in sandbox.world.by_domain]
    assert verified == []  # no mailbox was asked over SMTP from here: Reacher did (only the notice was sent)
