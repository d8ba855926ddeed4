"""The monitor tools of the MCP server: create, list, show, pause, resume, delete, run a tick now."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from leadscout.db.store import Store
from leadscout.mcp.arguments import request_arguments
from leadscout.monitors import service
from leadscout.pipeline.launch import Launch

if TYPE_CHECKING:
    from leadscout.agents.llm import Llm


def register_monitor_tools(
    tool: Callable[..., Callable[[Any], Any]],
    store: Store,
    *,
    batch_size: int,
    sandbox_seed: int | None,
    sandbox_style: str,
    llm: Llm | None,
) -> None:
    @tool()
    @request_arguments(exclude={"preview"})
    async def create_monitor(
        request_model: Launch, every: str, name: str | None = None, notify: list[str] | None = None
    ) -> dict[str, Any]:
        """Save a request to re-run on a schedule: every is a 5-field cron expression in UTC (e.g.
        "0 6 * * 1"). Without quantity a monitor watches every matching company; with it, at most
        that many new companies a run. Each run delivers new, gone and changed companies (signed
        monitor.delivered webhooks to webhook_url; the secret is returned this once)."""
        launch = request_model
        spec = service.MonitorSpec.parse(launch=launch, every=every, name=name, notify=notify or [])
        created = await service.create(store, spec, llm=llm, sandbox_seed=sandbox_seed, sandbox_style=sandbox_style)
        answer: dict[str, Any] = {
            "id": str(created.monitor.id),
            "criteria": created.prepared.understood.criteria.describe(),
            "next_tick_at": created.monitor.next_tick_at.isoformat(),
        }
        if created.prepared.webhook is not None and created.prepared.webhook.generated:
            answer["webhook_secret"] = created.prepared.webhook.secret.get_secret_value()
        return answer

    @tool()
    async def list_monitors() -> list[dict[str, Any]]:
        """Every monitor with its schedule, next run and how many companies it watches."""
        return [m.model_dump(mode="json") for m in await store.list_monitors()]

    @tool()
    async def get_monitor(monitor_id: str) -> dict[str, Any]:
        """A monitor and its last runs, each with what it delivered (new, gone, changed)."""
        monitor = await service.get(store, monitor_id)
        runs = await store.list_monitor_runs(monitor.id)
        return {"monitor": monitor.model_dump(mode="json"), "runs": [r.model_dump(mode="json") for r in runs]}

    @tool()
    async def pause_monitor(monitor_id: str) -> dict[str, Any]:
        """Stop running a monitor on schedule."""
        return (await service.set_paused(store, monitor_id, True)).model_dump(mode="json")

    @tool()
    async def resume_monitor(monitor_id: str) -> dict[str, Any]:
        """Run a paused monitor on schedule again, from its next instant."""
        return (await service.set_paused(store, monitor_id, False)).model_dump(mode="json")

    @tool()
    async def delete_monitor(monitor_id: str) -> dict[str, str]:
        """Delete a monitor (its runs stay)."""
        await service.delete(store, monitor_id)
        return {"deleted": monitor_id}

    @tool()
    async def run_monitor(monitor_id: str) -> dict[str, Any]:
        """Start one tick of a monitor now; poll get_monitor until that run is delivered."""
        record, run = await service.run_now(store, monitor_id, batch_size=batch_size)
        return {"monitor_run_id": str(record.id), "run_id": str(run.id)}
