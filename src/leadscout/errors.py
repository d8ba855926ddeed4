"""The leadscout error tree. Each class docstring is its default message.

LeadscoutError
├── UserError               bad input from the user: a flag, a file, criteria (exit 2, never retried)
│   ├── InvalidCriteria     well formed, but not a request that can be worked (a range upside down)
│   ├── ImportFileError
│   ├── NotFound
│   └── Conflict            the object is not in a state that allows this (a decision on a finished run)
├── ConfigError             the environment is not set up (exit 2, never retried)
│   └── NotConfiguredFor    a request needs what this installation lacks (the agent without a model)
├── TransientError          a failure worth retrying (network, a restarting database)
├── PermanentError          a failure that retrying cannot fix (auth, a bad page)
├── LlmError                the language model failed or answered something unusable (callers degrade)
└── BudgetExceeded          a spending cap was reached (leadscout.usage): the work stops, keeping what it found
"""

from __future__ import annotations

from uuid import UUID


class LeadscoutError(Exception):
    """Something went wrong in leadscout."""

    exit_code = 1

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or (self.__doc__ or "").strip())


class UserError(LeadscoutError):
    """The input was not valid."""

    exit_code = 2


class InvalidCriteria(UserError):
    """The run criteria are not valid."""


class ImportFileError(UserError):
    """The file could not be imported."""


class NotFound(UserError):
    """No such object."""


class Conflict(UserError):
    """The object is not in a state that allows this."""


class ConfigError(LeadscoutError):
    """leadscout is not configured correctly."""

    exit_code = 2


class NotConfiguredFor(ConfigError):
    """This request needs something leadscout is not configured with here."""


class TransientError(LeadscoutError):
    """A temporary failure: the job is retried with backoff."""


class PermanentError(LeadscoutError):
    """A failure that a retry cannot fix: the job is not retried."""


class LlmError(LeadscoutError):
    """The language model failed or gave an answer that cannot be used."""


class BudgetExceeded(LeadscoutError):
    """A spending cap was reached: the work stops and keeps what it found."""

    def __init__(self, limit: str, spent: float | int, cap: float | int) -> None:
        super().__init__(f"{limit} cap reached: {spent} of {cap}")
        self.limit, self.spent, self.cap = limit, spent, cap


def id_or_not_found(value: UUID | str, what: str, listing: str) -> UUID:
    """``value`` as an id; NotFound saying it is not ``what``'s id and where the ids are listed."""
    if isinstance(value, UUID):
        return value
    try:
        return UUID(str(value))
    except ValueError:
        raise NotFound(f"{value!r} is not a {what} id (a UUID, see `{listing}`)") from None
