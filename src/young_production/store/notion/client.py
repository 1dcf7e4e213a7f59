"""The Notion SDK behind one shared pacer and our retry policy.

Why not the SDK's own retries: it sleeps and resends outside any pacing (so a
burst of retries would overrun the rate limit), and it never retries POST/PATCH
on 5xx, where a create may or may not have landed. We turn its retries off
(`retry=False`, so nothing is retried twice) and do it here:

- every attempt first waits its turn at the `Pacer`, shared by all threads;
- 429 `rate_limited` and 529 `service_overload`: wait Retry-After (holding every
  thread back; a notice when over a minute), however long the overload lasts;
- 409 conflict, other 5xx, timeouts and dropped connections: exponential backoff
  with jitter; for a write that may have landed (5xx, 529, timeout, connection lost),
  the caller's `landed` check runs before anything is sent again;
- anything else is raised at once: 401 `unauthorized`, 403 `restricted_resource` and
  404 on a database or data source as `NotionAccountError` (no entry can be served:
  the run stops), 404 on a page as `NotFound`, 400 validation as `NotionRequestError`.

The Notion-Version is pinned (`NOTION_VERSION`): the code speaks 2025-09-03 (data
sources; `after` in block appends), whatever default a newer SDK would send.

Notion JSON stays inside store/notion/: callers above the store never see it.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
from notion_client import Client, RequestTimeoutError
from notion_client.errors import HTTPResponseError

from ...config import NotionConfig
from ...errors import AccountError, NotFound, StoreError, TransientError

T = TypeVar("T")
Json = dict[str, Any]

log = logging.getLogger(__name__)

NOTION_VERSION = "2025-09-03"
LONG_WAIT_NOTICE_SEC = 60.0
WAIT_STATUSES = frozenset({429, 529})  # the answer says how long to wait (Retry-After)
RETRYABLE_STATUSES = frozenset({409, 500, 502, 503, 504})
_CONTAINER_OPERATIONS = ("databases.", "data_sources.")


class Pacer:
    """Spaces request starts at least 1/rate seconds apart, across every thread.

    A fixed interval rather than a bursty bucket: Notion's limit is an average of
    about 3 requests/s, and evenly spaced requests never trip it.
    """

    def __init__(
        self,
        rate_per_sec: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        if rate_per_sec <= 0:
            raise StoreError(f"the Notion rate limit must be above 0 requests/s, got {rate_per_sec}")
        self.rate = rate_per_sec
        self.interval = 1.0 / rate_per_sec
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next_start = clock()

    def wait_turn(self) -> float:
        """Block until this caller may send; returns the seconds waited."""
        with self._lock:
            now = self._clock()
            start = max(now, self._next_start)
            self._next_start = start + self.interval
        delay = start - now
        if delay > 0:
            self._sleep(delay)
        return max(delay, 0.0)

    def hold(self, seconds: float) -> None:
        """Nobody starts a request for `seconds` from now (after a 429)."""
        with self._lock:
            self._next_start = max(self._next_start, self._clock() + seconds)


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 6  # per request, for 409/5xx/timeouts/lost connections
    max_rate_limited: int = 30  # 429 answers tolerated for one request
    backoff_base_sec: float = 0.5
    backoff_max_sec: float = 30.0

    def backoff(self, failures: int, rng: random.Random) -> float:
        """Exponential, with the upper half jittered so threads do not retry in step."""
        ceiling = min(self.backoff_max_sec, self.backoff_base_sec * 2 ** (failures - 1))
        return ceiling / 2 + rng.uniform(0, ceiling / 2)


class NotionRequestError(StoreError):
    """Notion refused a request; `code` and `notion_message` are Notion's own."""

    def __init__(self, message: str, *, status: int, code: str, notion_message: str):
        super().__init__(message)
        self.status = status
        self.code = code
        self.notion_message = notion_message


class NotionAccountError(AccountError):
    """Notion refused the integration itself (key, capabilities, a database it cannot see)."""

    def __init__(self, message: str, *, status: int, code: str):
        super().__init__(message)
        self.status = status
        self.code = code


class NotionClient:
    """Paced, retried access to the Notion endpoints the store uses."""

    def __init__(
        self,
        sdk: Client,
        pacer: Pacer,
        *,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        notice: Callable[[str], None] = log.warning,
        rng: random.Random | None = None,
    ):
        self.sdk = sdk
        self.pacer = pacer
        self.policy = policy or RetryPolicy()
        self._sleep = sleep
        self._notice = notice
        self._rng = rng or random.Random()
        self._count_lock = threading.Lock()
        self.requests_sent = 0

    @classmethod
    def from_config(cls, config: NotionConfig, *, pacer: Pacer | None = None, **kwargs: Any) -> NotionClient:
        if not config.api_key:
            raise StoreError(
                "no Notion API key: set NOTION_API_KEY (in the environment or .env), "
                "see the README section on connecting Notion"
            )
        sdk = Client(
            auth=config.api_key,
            base_url=config.base_url.rstrip("/"),
            timeout_ms=int(config.timeout_sec * 1000),
            retry=False,
            notion_version=NOTION_VERSION,
            logger=logging.getLogger(f"{__name__}.sdk"),
            log_level=logging.CRITICAL,
        )
        return cls(sdk, pacer or Pacer(config.rate_limit_per_sec), **kwargs)

    def close(self) -> None:
        self.sdk.close()

    # ---- the retry loop ----------------------------------------------------------------

    def call(
        self,
        operation: str,
        send: Callable[[], T],
        *,
        idempotent: bool,
        landed: Callable[[], T | None] | None = None,
    ) -> T:
        """Send one request with pacing and retries.

        `idempotent`: resending cannot change the outcome (reads, property updates).
        `landed`: for other writes, looks up whether an attempt whose answer was lost
        took effect, returning its result (or None to send again).
        """
        failures = 0
        rate_limited = 0
        maybe_landed = False
        while True:
            if maybe_landed and landed is not None:
                found = landed()
                if found is not None:
                    return found
            self.pacer.wait_turn()
            with self._count_lock:
                self.requests_sent += 1
            try:
                return send()
            except HTTPResponseError as error:
                if error.status in WAIT_STATUSES:
                    # 529 comes from an overloaded Notion: a write may have landed before it
                    maybe_landed = maybe_landed or (not idempotent and error.status == 529)
                    rate_limited += 1
                    if rate_limited > self.policy.max_rate_limited:
                        what = "rate-limiting" if error.status == 429 else "answering overloaded to"
                        raise TransientError(
                            f"Notion kept {what} {operation} ({rate_limited} times in a row)"
                        ) from None
                    self._wait_retry_after(operation, error)
                    continue
                if error.status not in RETRYABLE_STATUSES and error.status < 500:
                    raise _as_store_error(operation, error) from None
                maybe_landed = maybe_landed or (not idempotent and error.status != 409)
                cause: str = f"{error.status} {_code(error)}"
            except (httpx.TransportError, RequestTimeoutError) as error:
                maybe_landed = maybe_landed or not idempotent
                cause = f"{type(error).__name__}: {error}"
            failures += 1
            if failures >= self.policy.max_attempts:
                raise TransientError(f"Notion {operation} failed {failures} times, last: {cause}") from None
            delay = self.policy.backoff(failures, self._rng)
            log.info("Notion %s failed (%s); retry %d in %.1f s", operation, cause, failures, delay)
            self._sleep(delay)

    def _wait_retry_after(self, operation: str, error: HTTPResponseError) -> None:
        wait = _retry_after(error)
        if wait > LONG_WAIT_NOTICE_SEC:
            why = "rate limit" if error.status == 429 else "overload"
            self._notice(
                f"Notion {why}: asked to wait {wait:.0f} s before {operation}; waiting "
                "(the run continues afterwards)"
            )
        self.pacer.hold(wait)

    # ---- endpoints -------------------------------------------------------------------

    def me(self) -> Json:
        return self.call("users.me", lambda: self.sdk.users.me(), idempotent=True)

    def retrieve_database(self, database_id: str) -> Json:
        return self.call("databases.retrieve", lambda: self.sdk.databases.retrieve(database_id), idempotent=True)

    def create_database(self, body: Json, landed: Callable[[], Json | None]) -> Json:
        return self.call("databases.create", lambda: self.sdk.databases.create(**body),
                         idempotent=False, landed=landed)

    def retrieve_data_source(self, data_source_id: str) -> Json:
        return self.call("data_sources.retrieve", lambda: self.sdk.data_sources.retrieve(data_source_id),
                         idempotent=True)

    def update_data_source(self, data_source_id: str, body: Json) -> Json:
        """Schema edits (adding a property) are idempotent: the same edit twice leaves one property."""
        return self.call("data_sources.update", lambda: self.sdk.data_sources.update(data_source_id, **body),
                         idempotent=True)

    def query_data_source(self, data_source_id: str, body: Json) -> Json:
        return self.call("data_sources.query", lambda: self.sdk.data_sources.query(data_source_id, **body),
                         idempotent=True)

    def create_page(self, body: Json, landed: Callable[[], Json | None]) -> Json:
        return self.call("pages.create", lambda: self.sdk.pages.create(**body), idempotent=False, landed=landed)

    def retrieve_page(self, page_id: str) -> Json:
        return self.call("pages.retrieve", lambda: self.sdk.pages.retrieve(page_id), idempotent=True)

    def update_page(self, page_id: str, body: Json, landed: Callable[[], Json | None] | None = None) -> Json:
        """Property updates are idempotent; trashing is not (a retry would hit the trash)."""
        return self.call("pages.update", lambda: self.sdk.pages.update(page_id, **body),
                         idempotent=landed is None, landed=landed)

    def retrieve_page_property(self, page_id: str, property_id: str, cursor: str | None) -> Json:
        params: Json = {"page_size": 100, **({"start_cursor": cursor} if cursor else {})}
        return self.call("pages.properties.retrieve",
                         lambda: self.sdk.pages.properties.retrieve(page_id, property_id, **params),
                         idempotent=True)

    def list_children(self, block_id: str, cursor: str | None) -> Json:
        params: Json = {"page_size": 100, **({"start_cursor": cursor} if cursor else {})}
        return self.call("blocks.children.list", lambda: self.sdk.blocks.children.list(block_id, **params),
                         idempotent=True)

    def append_children(self, block_id: str, body: Json, landed: Callable[[], Json | None]) -> Json:
        return self.call("blocks.children.append", lambda: self.sdk.blocks.children.append(block_id, **body),
                         idempotent=False, landed=landed)

    def retrieve_block(self, block_id: str) -> Json:
        return self.call("blocks.retrieve", lambda: self.sdk.blocks.retrieve(block_id), idempotent=True)

    def delete_block(self, block_id: str) -> Json:
        def landed() -> Json | None:
            block = self.retrieve_block(block_id)
            return block if block.get("in_trash") or block.get("archived") else None

        return self.call("blocks.delete", lambda: self.sdk.blocks.delete(block_id), idempotent=False, landed=landed)


def _retry_after(error: HTTPResponseError) -> float:
    raw = error.headers.get("retry-after") if error.headers is not None else None
    try:
        return max(0.0, float(raw)) if raw is not None else 1.0
    except ValueError:
        return 1.0


def _code(error: HTTPResponseError) -> str:
    return getattr(error.code, "value", error.code)


def _as_store_error(operation: str, error: HTTPResponseError) -> StoreError | NotionAccountError:
    """A refusal as an error a person can act on; refusals of the integration stop the run."""
    message = str(error)
    code = _code(error)
    if error.status == 401:
        return NotionAccountError(
            f"Notion refused the API key (401 {code}): check NOTION_API_KEY, or make a new "
            "integration secret", status=401, code=code,
        )
    if error.status == 403:
        return NotionAccountError(
            f"the Notion integration may not do {operation} (403 {code}: {message}); give it the "
            "capability, or share the page or database with it (… menu > Connections)",
            status=403, code=code,
        )
    if error.status == 404 and _names_a_container(operation, message):
        return NotionAccountError(
            f"Notion has no such database or data source, or it is not shared with the integration "
            f"({message}); open the database, … menu > Connections, then run `yp notion check`",
            status=404, code=code,
        )
    if error.status == 404:
        return NotFound(f"Notion has nothing at that id, or it is not shared with the integration ({message})")
    return NotionRequestError(
        f"Notion refused {operation}: {message}", status=error.status, code=code, notion_message=message
    )


def _names_a_container(operation: str, message: str) -> bool:
    """Whether a 404 is about a database or data source (account-level), not one page."""
    if operation.startswith(_CONTAINER_OPERATIONS):
        return True
    lowered = message.lower()
    return "find database" in lowered or "find data_source" in lowered or "find data source" in lowered
