"""The monitors' queries (``monitors.sql``), a part of :class:`leadscout.db.store.Store`."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from psycopg import AsyncConnection

from leadscout.models.monitors import Check, Monitor, MonitorRun

Conn = AsyncConnection[Any]


class MonitorQueries:
    if TYPE_CHECKING:

        async def _rows(self, name: str, conn: Conn | None = None, /, **params: Any) -> list[dict[str, Any]]: ...
        async def _one(self, name: str, conn: Conn | None = None, /, **params: Any) -> dict[str, Any] | None: ...

    async def insert_monitor(self, conn: Conn | None = None, **values: Any) -> Monitor:
        row = await self._one("insert_monitor", conn, **values)
        assert row is not None
        return Monitor.model_validate(row)

    async def get_monitor(self, monitor_id: UUID, conn: Conn | None = None) -> Monitor | None:
        row = await self._one("get_monitor", conn, id=monitor_id)
        return Monitor.model_validate(row) if row else None

    async def list_monitors(self) -> list[Monitor]:
        return [Monitor.model_validate(r) for r in await self._rows("list_monitors")]

    async def set_monitor_paused(self, monitor_id: UUID, paused: bool, next_tick_at: datetime) -> Monitor | None:
        row = await self._one("set_monitor_paused", id=monitor_id, paused=paused, next_tick_at=next_tick_at)
        return Monitor.model_validate(row) if row else None

    async def delete_monitor(self, monitor_id: UUID) -> bool:
        return await self._one("delete_monitor", id=monitor_id) is not None

    async def due_monitors(self, conn: Conn, limit: int = 20) -> list[Monitor]:
        return [Monitor.model_validate(r) for r in await self._rows("due_monitors", conn, limit=limit)]

    async def take_tick(self, conn: Conn, monitor_id: UUID, due: datetime, next_tick_at: datetime) -> bool:
        row = await self._one("take_tick", conn, id=monitor_id, due=due, next_tick_at=next_tick_at)
        return row is not None

    async def next_tick_no(self, conn: Conn, monitor_id: UUID) -> int:
        row = await self._one("next_tick_no", conn, monitor_id=monitor_id)
        return int(row["tick_no"]) if row else 1

    async def insert_monitor_run(
        self, conn: Conn, monitor_id: UUID, tick_at: datetime, trigger: str, run_id: UUID, tick_no: int
    ) -> MonitorRun:
        row = await self._one(
            "insert_monitor_run", conn, monitor_id=monitor_id, tick_at=tick_at, trigger=trigger, run_id=run_id,
            tick_no=tick_no,
        )  # fmt: skip
        assert row is not None
        return MonitorRun.model_validate(row)

    async def monitor_run_of_run(self, run_id: UUID, conn: Conn | None = None) -> MonitorRun | None:
        row = await self._one("monitor_run_of_run", conn, run_id=run_id)
        return MonitorRun.model_validate(row) if row else None

    async def lock_monitor_run(self, monitor_run_id: UUID, conn: Conn) -> MonitorRun | None:
        row = await self._one("lock_monitor_run", conn, id=monitor_run_id)
        return MonitorRun.model_validate(row) if row else None

    async def list_monitor_runs(self, monitor_id: UUID, limit: int = 20) -> list[MonitorRun]:
        rows = await self._rows("list_monitor_runs", monitor_id=monitor_id, limit=limit)
        return [MonitorRun.model_validate(r) for r in rows]

    async def deliver_monitor_run(self, conn: Conn, monitor_run_id: UUID, result: dict[str, Any]) -> bool:
        return await self._one("deliver_monitor_run", conn, id=monitor_run_id, result=result) is not None

    async def monitor_companies(self, monitor_id: UUID, status: str | None = None) -> list[dict[str, Any]]:
        return await self._rows("monitor_companies", monitor_id=monitor_id, status=status)

    async def upsert_monitor_company(self, conn: Conn, **values: Any) -> None:
        await self._rows("upsert_monitor_company", conn, **values)

    async def monitor_checks(self, monitor_run_id: UUID) -> list[Check]:
        rows = await self._rows("monitor_checks", monitor_run_id=monitor_run_id)
        return [Check.model_validate(r["outcome"]) for r in rows]

    async def insert_monitor_check(self, monitor_run_id: UUID, check: Check) -> None:
        await self._rows(
            "insert_monitor_check",
            monitor_run_id=monitor_run_id,
            domain=check.domain,
            outcome=check.model_dump(mode="json"),
            fetches=check.fetches,
        )

    async def monitor_memory(self, monitor_id: UUID) -> list[dict[str, Any]]:
        return await self._rows("monitor_memory", monitor_id=monitor_id)

    async def remember_candidates(self, conn: Conn, monitor_id: UUID, run_id: UUID) -> None:
        await self._rows("remember_candidates", conn, monitor_id=monitor_id, run_id=run_id)
