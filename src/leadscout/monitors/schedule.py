"""A monitor's schedule: a standard 5-field cron expression (UTC), parsed by croniter."""

from __future__ import annotations

from datetime import UTC, datetime

from croniter import CroniterError, croniter

from leadscout.errors import InvalidCriteria, UserError


def check_cron(expression: str) -> str:
    """The expression, when it is a valid 5-field cron line; InvalidCriteria saying how otherwise."""
    text = " ".join(expression.split())
    if len(text.split(" ")) != 5 or not croniter.is_valid(text):
        raise InvalidCriteria(
            f"--every {expression!r} is not a 5-field cron expression (minute hour day month weekday), "
            "e.g. '0 6 * * 1' for Mondays at 06:00 UTC or '*/30 * * * *' for every 30 minutes"
        )
    return text


def next_tick(expression: str, after: datetime | None = None) -> datetime:
    """The schedule's first instant strictly after ``after`` (default: now), in UTC."""
    base = (after or datetime.now(UTC)).astimezone(UTC)
    try:
        instant: datetime = croniter(expression, base).get_next(datetime)
    except CroniterError as exc:  # a row written by hand: say which
        raise UserError(f"monitor schedule {expression!r} cannot be read: {exc}") from None
    return instant.astimezone(UTC)
