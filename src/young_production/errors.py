"""One error hierarchy for the whole package.

`YPError` is what a user can act on: the CLI prints its message on one line and
exits non-zero, never a traceback. `TransientError` marks failures worth retrying
(network hiccups, 5xx, rate limits); everything else is permanent for the entry
it happened on. `AccountError` is neither: the account or the machine cannot serve any
entry, so a run stops.

Every error here (and every subclass anywhere in the package) survives pickling with its
message and attributes, whatever its `__init__` takes: durable runs pickle step errors.
"""

from __future__ import annotations

from typing import Any


def _rebuild(cls: type[BaseException], args: tuple[Any, ...], state: dict[str, Any]) -> BaseException:
    """Unpickle an error without calling its `__init__` (which may take other arguments)."""
    error = cls.__new__(cls, *args)
    error.args = args
    error.__dict__.update(state)
    return error


class YPError(Exception):
    """A failure with a message a person can act on."""

    def __reduce__(self) -> tuple[Any, ...]:
        return _rebuild, (type(self), self.args, dict(self.__dict__))


class ConfigError(YPError):
    """A config file is missing, malformed, or names a missing variable."""


class WorkspaceError(YPError):
    """The workspace does not exist or is not usable."""


class SourceError(YPError):
    """A URL or file cannot be used as a source (unsupported, refused, unreadable)."""


class AddressRefused(SourceError):
    """A URL points to a scheme or network address the guard does not allow."""


class MediaError(YPError):
    """Media could not be fetched, decoded or transcribed."""


class TransientError(YPError):
    """A failure that may go away if the same step is retried."""


class StoreError(YPError):
    """The store refused an operation (unknown id, wrong property type, ...)."""


class NotFound(StoreError):
    """No record with that id."""


class AccountError(YPError):
    """The account or the machine cannot serve any entry: no credit, a revoked key, a missing
    model, a database the integration cannot see. The run stops with this message and leaves
    the remaining entries untouched instead of failing each one."""


class AIError(YPError):
    """An AI provider call failed or returned an answer that does not fit its schema."""


class BudgetExceeded(AIError):
    """A spending limit would be crossed: the run stops, entries stay unprocessed."""
