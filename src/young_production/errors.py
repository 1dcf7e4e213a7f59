"""One error hierarchy for the whole package.

`YPError` is what a user can act on: the CLI prints its message on one line and
exits non-zero, never a traceback. `TransientError` marks failures worth retrying
(network hiccups, 5xx, rate limits); everything else is permanent for the entry
it happened on.
"""

from __future__ import annotations


class YPError(Exception):
    """A failure with a message a person can act on."""


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
