"""Signed webhooks through the outbox: real workers, a real receiver over HTTP that fails on
purpose, every delivery verified with the standardwebhooks library."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from leadscout.config import Settings
from leadscout.criteria import parse_criteria
from leadscout.db.store import Store
from leadscout.models import Run
from leadscout.pipeline import state
from leadscout.pipeline.runs import create_run
from leadscout.sandbox.receiver import FlakyReceiver
from leadscout.serving import ThreadedServer
from leadscout.webhooks.signing import new_secret
from leadscout.workers.runner import WorkerConfig, run_worker

pytestmark = [pytest.mark.integration]


async def _runs_with_webhook(store: Store, url: str, secret: str, count: int) -> list[Run]:
    endpoint = await store.insert_webhook_endpoint(url, secret)
    options = {"sources": ["directory"], "webhook": {"endpoint_id": str(endpoint), "url": url}}
    return [
        await create_run(store, parse_criteria({"quantity": 1, "state": "TX"}), batch_size=10, options=options)
        for _ in range(count)
    ]


async def _ask_each(store: Store, runs: list[Run]) -> None:
    """What a batch that ran out of candidates commits: the move and, with it, the webhook event."""
    for run in runs:
        async with store.transaction() as conn:
            option = {"action": "expand_location", "label": "Expand the location"}
            assert await state.move(store, conn, run, "ask_user", reason="search_exhausted", options=[option])


async def _deliver_all(store: Store, settings: Settings, dsn: str, runs: list[Run]) -> list[Any]:
    ids = {r.id for r in runs}

    async def settled() -> bool:
        rows = [m for m in await store.list_outbox(limit=10_000) if m.run_id in ids and m.endpoint_id]
        return len(rows) == len(runs) and all(m.status in ("sent", "failed") for m in rows)

    await run_worker(settings, dsn, WorkerConfig(concurrency=4, install_signal_handlers=False, until=settled))
    return [m for m in await store.list_outbox(limit=10_000) if m.run_id in ids and m.endpoint_id]


async def test_every_event_reaches_a_flaky_receiver_once_and_signed(
    store: Store, settings: Settings, dsn: str, caplog: pytest.LogCaptureFixture
) -> None:
    secret = new_secret()
    receiver = FlakyReceiver(secret, fail_rate=0.3, slow_rate=0.1, slow_seconds=1.0, seed=3)
    fast = settings.model_copy(
        update={"webhook_retry_base": 0.02, "webhook_attempts": 20, "webhook_timeout": 0.4,
                "webhook_allow_hosts": "127.0.0.1"}
    )  # fmt: skip
    caplog.set_level(logging.DEBUG)
    with ThreadedServer(receiver.app) as server:
        runs = await _runs_with_webhook(store, f"{server.url}/hooks", secret, 40)
        await _ask_each(store, runs)
        messages = await _deliver_all(store, fast, dsn, runs)
    assert len(messages) == 40, "one event per move"
    assert {m.status for m in messages} == {"sent"}, [(m.status, m.last_error) for m in messages]
    assert set(receiver.handled) == {f"msg_{m.id}" for m in messages}, "every event arrived"
    assert receiver.counts["rejected"] == 0, "every signature verified with the standardwebhooks library"
    assert receiver.counts["failed_on_purpose"] > 0 and receiver.counts["slow"] > 0, receiver.counts
    assert max(m.attempts for m in messages) > 1, "failures were retried"
    payloads = {p["data"]["run_id"]: p for p in receiver.handled.values()}
    assert set(payloads) == {str(r.id) for r in runs}
    assert {p["type"] for p in payloads.values()} == {"run.needs_user_decision"}
    assert payloads[str(runs[0].id)]["data"]["options"] == [
        {"action": "expand_location", "label": "Expand the location"}
    ]
    # the secret is never logged, stored with the run, or put in an event
    assert secret not in caplog.text
    for run in runs:
        fresh = await store.get_run(run.id)
        assert fresh is not None and secret not in json.dumps(fresh.options)
        assert all(secret not in json.dumps(e.payload) for e in await store.events_since(run.id))


async def test_a_move_announces_once_however_often_it_is_retried(store: Store) -> None:
    runs = await _runs_with_webhook(store, "https://hooks.example.com/leadscout", new_secret(), 1)
    await _ask_each(store, runs)
    async with store.transaction() as conn:  # a retried job with the stale run: the guarded move loses
        assert not await state.move(store, conn, runs[0], "ask_user", reason="search_exhausted", options=[])
    assert len([m for m in await store.list_outbox(runs[0].id) if m.endpoint_id]) == 1


async def test_a_private_target_is_refused_and_an_unanswered_one_given_up(
    store: Store, settings: Settings, dsn: str
) -> None:
    secret = new_secret()
    never = FlakyReceiver(secret, fail_rate=1.0)
    quick = settings.model_copy(update={"webhook_retry_base": 0.01, "webhook_attempts": 3, "webhook_timeout": 0.5})
    with ThreadedServer(never.app) as server:
        refused = await _runs_with_webhook(store, f"{server.url}/hooks", secret, 1)
        await _ask_each(store, refused)
        [message] = await _deliver_all(store, quick, dsn, refused)
        assert (message.status, message.attempts) == ("failed", 1), "a refused target is not retried"
        assert "LEADSCOUT_WEBHOOK_ALLOW_HOSTS" in (message.last_error or "")
        assert never.counts["requests"] == 0

        allowed = quick.model_copy(update={"webhook_allow_hosts": "127.0.0.1"})
        failing = await _runs_with_webhook(store, f"{server.url}/hooks", secret, 1)
        await _ask_each(store, failing)
        [message] = await _deliver_all(store, allowed, dsn, failing)
    assert (message.status, message.attempts) == ("failed", 3), "given up after the set number of tries"
    assert "HTTP 503" in (message.last_error or "")
    assert never.counts["requests"] == 3
