"""The webhook events, as outbox rows: ``run.completed``, ``run.needs_user_decision`` and
``monitor.delivered``.

The body follows the Standard Webhooks shape (``type``, ``timestamp``, ``data``) and is stored
whole, so every retry sends the same bytes under the same ``webhook-id``."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from leadscout.models import NewOutboxMessage, Run

if TYPE_CHECKING:
    from leadscout.models.monitors import Delivered

# run move (its run_events name) -> webhook event type
RUN_EVENTS = {"run_completed": "run.completed", "needs_user_decision": "run.needs_user_decision"}


def run_event(run: Run, move_event: str, payload: dict[str, Any]) -> NewOutboxMessage | None:
    """The outbox row announcing a run's move, or None when nobody listens for it."""
    hook = run.options.get("webhook") or {}  # {endpoint_id, url}, set when the run started
    kind = RUN_EVENTS.get(move_event)
    if not hook.get("endpoint_id") or kind is None:
        return None
    endpoint = str(hook["endpoint_id"])
    data: dict[str, Any] = {
        "run_id": str(run.id),
        "status": "completed" if kind == "run.completed" else "needs_user_decision",
        "target_quantity": run.target_quantity,
        "criteria": run.criteria.model_dump(mode="json"),
    }
    if kind == "run.completed":
        data["companies"] = payload.get("companies")
        data["partial"] = bool(payload.get("partial"))
    else:
        data["reason"] = payload.get("reason")
        data["companies_ready"] = payload.get("companies_ready")
        data["options"] = [{"action": o.get("action"), "label": o.get("label")} for o in payload.get("options") or []]
    body = _body(kind, data)
    # the state the run left: a guarded move from it wins once, so this key names one event
    occurrence = f"{run.stage.value}/{run.status.value}@{run.updated_at.timestamp()}"
    return NewOutboxMessage(
        run_id=run.id,
        kind=kind,
        dedupe_key=f"webhook:{endpoint}:{kind}:{run.id}:{occurrence}",
        recipients=[str(hook.get("url", ""))],
        subject=kind,
        body=body,
        endpoint_id=endpoint,  # type: ignore[arg-type]
    )


def monitor_event(endpoint_id: UUID, url: str, run_id: UUID, delivered: Delivered) -> NewOutboxMessage:
    """``monitor.delivered``: one monitor run's new, gone and changed companies (once per run)."""
    kind = "monitor.delivered"
    return NewOutboxMessage(
        run_id=run_id,
        kind=kind,
        dedupe_key=f"webhook:{endpoint_id}:{kind}:{delivered.monitor_run_id}",
        recipients=[url],
        subject=kind,
        body=_body(kind, delivered.model_dump(mode="json")),
        endpoint_id=endpoint_id,
    )


def _body(kind: str, data: dict[str, Any]) -> str:
    """The Standard Webhooks payload (type, timestamp, data), serialised once: every retry sends these bytes."""
    payload = {"type": kind, "timestamp": datetime.now(UTC).isoformat(timespec="seconds"), "data": data}
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
