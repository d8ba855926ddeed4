"""The run state machine: the only place that knows which moves are allowed.

    company_discovery -> company_research -> contact_discovery -> done
    status: active | needs_user_decision | completed | failed | cancelled

A run goes back to company_discovery ("rediscover") when research drops a company whose
facts contradict discovery, when a company ends short of contacts and is replaced, or when the
user decides to replace companies; it reaches
done/completed only through the explicit completion step ("complete").

Every move is a guarded SQL update (``pm_pipeline.transition_run``): it names the state
the caller saw, so when two workers race only one wins, and each win writes a run_events
row. A run is ``completed`` only together with stage ``done`` (also a table CHECK).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from leadscout.db.store import Conn, Store
from leadscout.models import Run, Stage, Status

NEXT_STAGE = {
    Stage.COMPANY_DISCOVERY: Stage.COMPANY_RESEARCH,
    Stage.COMPANY_RESEARCH: Stage.CONTACT_DISCOVERY,
    Stage.CONTACT_DISCOVERY: Stage.DONE,
}


@dataclass(frozen=True)
class Move:
    event: str
    to_stage: Stage | None  # None: stay in the current stage
    to_status: Status
    from_statuses: frozenset[Status]


ADVANCE = "advance"
MOVES: dict[str, Move] = {
    ADVANCE: Move("stage_advanced", None, Status.ACTIVE, frozenset({Status.ACTIVE})),
    "complete": Move("run_completed", Stage.DONE, Status.COMPLETED, frozenset({Status.ACTIVE})),
    "ask_user": Move("needs_user_decision", None, Status.NEEDS_USER_DECISION, frozenset({Status.ACTIVE})),
    "resume": Move("run_resumed", None, Status.ACTIVE, frozenset({Status.NEEDS_USER_DECISION})),
    "accept_partial": Move("partial_accepted", None, Status.ACTIVE, frozenset({Status.NEEDS_USER_DECISION})),
    "rediscover": Move(
        "rediscovery_started",
        Stage.COMPANY_DISCOVERY,
        Status.ACTIVE,
        frozenset({Status.ACTIVE, Status.NEEDS_USER_DECISION}),
    ),
    "fail": Move("run_failed", None, Status.FAILED, frozenset({Status.ACTIVE})),
    "cancel": Move("run_cancelled", None, Status.CANCELLED, frozenset({Status.ACTIVE, Status.NEEDS_USER_DECISION})),
}


class IllegalMove(Exception):
    pass


def target_of(run: Run, name: str) -> tuple[Stage, Status]:
    move = MOVES[name]
    if run.status not in move.from_statuses:
        raise IllegalMove(f"cannot {name} a run that is {run.status}")
    if name == ADVANCE:
        if run.stage not in NEXT_STAGE or NEXT_STAGE[run.stage] == Stage.DONE:
            raise IllegalMove(f"cannot advance from {run.stage}; use 'complete'")
        return NEXT_STAGE[run.stage], move.to_status
    if name == "complete" and run.stage != Stage.CONTACT_DISCOVERY:
        raise IllegalMove(f"cannot complete a run in {run.stage}")
    if name == "rediscover" and run.status == Status.ACTIVE and run.stage == Stage.COMPANY_DISCOVERY:
        raise IllegalMove("an active run already in discovery cannot go back to it")
    return move.to_stage or run.stage, move.to_status


async def move(store: Store, conn: Conn | None, run: Run, name: str, **payload: Any) -> bool:
    """Apply a named move to ``run`` as the caller last saw it; True if this caller won."""
    to_stage, to_status = target_of(run, name)
    won = await store.transition_run(
        conn,
        run_id=run.id,
        from_stage=run.stage.value,
        from_status=run.status.value,
        to_stage=to_stage.value,
        to_status=to_status.value,
        event=MOVES[name].event,
        payload=payload,
    )
    if won and conn is not None:
        await _announce(store, conn, run, MOVES[name].event, payload)
    return won


async def _announce(store: Store, conn: Conn, run: Run, event: str, payload: dict[str, Any]) -> None:
    """A move the run's webhook listens for goes to the outbox, in the move's transaction."""
    from leadscout.pipeline import jobs
    from leadscout.webhooks.events import run_event

    message = run_event(run, event, payload)
    if message is not None and (message_id := await store.insert_outbox(message, conn)) is not None:
        await jobs.enqueue(store, conn, jobs.webhook_job(run, message_id))
