"""Drill: signed webhook events to a receiver that fails on purpose.

    python bench/webhook_drill.py [--events 100] [--fail 0.3] [--slow 0.1] [--json-out FILE]

Creates ``--events`` runs with a webhook and moves each to ``needs_user_decision`` (one event
each, written in the move's transaction), then works them with real workers. The receiver
(``leadscout.sandbox.receiver``, real HTTP on loopback) answers 503 to a share ``--fail`` of
requests and too late for the sender's timeout on a share ``--slow`` (after handling them, so the
redelivery is a duplicate), verifies every delivery with the standardwebhooks library and handles
each webhook-id once. Checks: every event arrives, no signature fails, a tampered body and a
replayed old timestamp are rejected by the same library. Prints a table and writes JSON (default
bench/results/webhook_drill.json). Retries here wait 0.05 s doubling (the default is 30 s).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from standardwebhooks import Webhook, WebhookVerificationError  # noqa: E402

from leadscout import bench  # noqa: E402
from leadscout.config import Settings  # noqa: E402
from leadscout.criteria import parse_criteria  # noqa: E402
from leadscout.db.connection import open_pool  # noqa: E402
from leadscout.db.store import Store  # noqa: E402
from leadscout.pipeline import state  # noqa: E402
from leadscout.pipeline.runs import create_run  # noqa: E402
from leadscout.sandbox.receiver import FlakyReceiver  # noqa: E402
from leadscout.serving import ThreadedServer  # noqa: E402
from leadscout.webhooks import signing  # noqa: E402
from leadscout.workers.runner import WorkerConfig, run_worker  # noqa: E402


async def drill(args: argparse.Namespace) -> dict[str, Any]:
    secret = signing.new_secret()
    receiver = FlakyReceiver(secret, fail_rate=args.fail, slow_rate=args.slow, slow_seconds=1.5, seed=args.seed)
    with ThreadedServer(receiver.app) as server, bench.fresh_database(bench.admin_dsn()) as dsn:
        settings = Settings(
            database_url=dsn, webhook_retry_base=0.05, webhook_attempts=20, webhook_timeout=0.5,
            webhook_allow_hosts="127.0.0.1", heartbeat_interval=0.5, dead_after=2.0,
        )  # type: ignore[call-arg]  # fmt: skip
        pool = open_pool(dsn, settings, max_size=4)
        await pool.open(wait=True)
        store = Store(pool)
        url = f"{server.url}/hooks"
        endpoint = await store.insert_webhook_endpoint(url, secret)
        options = {"sources": ["directory"], "webhook": {"endpoint_id": str(endpoint), "url": url}}
        criteria = parse_criteria({"quantity": 1, "state": "TX"})
        runs = [await create_run(store, criteria, batch_size=10, options=options) for _ in range(args.events)]
        for run in runs:
            async with store.transaction() as conn:
                await state.move(store, conn, run, "ask_user", reason="search_exhausted", options=[])
        ids = {r.id for r in runs}

        async def settled() -> bool:
            rows = [m for m in await store.list_outbox(limit=100_000) if m.run_id in ids]
            return len(rows) == len(runs) and all(m.status in ("sent", "failed") for m in rows)

        started = time.monotonic()
        await run_worker(settings, dsn, WorkerConfig(concurrency=8, install_signal_handlers=False, until=settled))
        wall = time.monotonic() - started
        messages = [m for m in await store.list_outbox(limit=100_000) if m.run_id in ids]
        await pool.close()
    sent = [m for m in messages if m.status == "sent"]
    body = '{"type":"run.completed"}'
    headers = signing.headers("msg_x", body, [secret])
    old = signing.headers("msg_x", body, [secret], now=datetime.now(UTC) - timedelta(minutes=10))
    return {
        "events": len(messages),
        "delivered": len(sent),
        "arrived_at_receiver": len(receiver.handled),
        "every_event_arrived": set(receiver.handled) == {f"msg_{m.id}" for m in messages},
        "requests": receiver.counts["requests"],
        "answered_503": receiver.counts["failed_on_purpose"],
        "too_slow": receiver.counts["slow"],
        "duplicates_deduplicated": receiver.counts["duplicates"],
        "signatures_rejected": receiver.counts["rejected"],
        "max_attempts": max((m.attempts for m in messages), default=0),
        "tampered_body_rejected": _rejected(secret, body.replace("completed", "failed"), headers),
        "old_timestamp_rejected": _rejected(secret, body, old),
        "wall_seconds": round(wall, 1),
    }


def _rejected(secret: str, body: str, headers: dict[str, str]) -> bool:
    try:
        Webhook(secret).verify(body, headers)
    except WebhookVerificationError:
        return True
    return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=100)
    parser.add_argument("--fail", type=float, default=0.3)
    parser.add_argument("--slow", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json-out", type=Path, default=ROOT / "bench" / "results" / "webhook_drill.json")
    args = parser.parse_args()
    result = asyncio.run(drill(args))
    width = max(len(k) for k in result)
    for key, value in result.items():
        print(f"{key:<{width}}  {value}")
    args.json_out.parent.mkdir(parents=True, exist_ok=True)
    args.json_out.write_text(json.dumps(result, indent=2))
    print(f"wrote {args.json_out}")
    ok = result["every_event_arrived"] and not result["signatures_rejected"]
    sys.exit(0 if ok and result["tampered_body_rejected"] and result["old_timestamp_rejected"] else 1)


if __name__ == "__main__":
    main()
