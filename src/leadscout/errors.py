"""The leadscout error tree. Each class docstring is its default message.

LeadscoutError
├── UserError               bad input from the user: a flag, a file, criteria (exit 2, never retried)
│   ├── InvalidCriteria
│   ├── ImportFileError
│   └── NotFound
├── ConfigError             the environment is not set up (exit 2, never retried)
├── TransientError          a failure worth retrying (network, a restarting database)
└── PermanentError          a failure that retrying cannot fix (auth, a bad page)
"""

from __future__ import annotations


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


class ConfigError(LeadscoutError):
    """leadscout is not configured correctly."""

    exit_code = 2


class TransientError(LeadscoutError):
    """A temporary failure: the job is retried with backoff."""


class PermanentError(LeadscoutError):
    """A failure that a retry cannot fix: the job is not retried."""
