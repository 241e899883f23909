"""HTTP transport shared by every source: retries, backoff with jitter, per-host rate limiting.

The old scrapers died on a single DNS failure or TLS handshake timeout (docs/design.md, the replaced
system, cause 7), so every source fetch goes through :class:`SourceHttpClient`, which

* retries connect errors, timeouts, truncated bodies, 5xx and 429 with exponential backoff and jitter,
  honouring ``Retry-After``;
* spaces requests to one host with a :class:`HostRateLimiter`;
* records every attempt, so the run manifest can count them;
* tells "not published yet" (403/404, e.g. an injury PDF before its slot) apart from "source down".

Time never comes from the module directly: the wall clock, the sleep function and the jitter RNG are
injected, so tests replay exact delay schedules without sleeping.
"""

from __future__ import annotations

import email.utils
import json
import random
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any, Literal

import httpx

__all__ = [
    "DEFAULT_USER_AGENT",
    "Attempt",
    "FetchResult",
    "HostRateLimiter",
    "NotPublished",
    "Outcome",
    "RetryPolicy",
    "SourceHttpClient",
    "SourceHttpError",
    "SourceUnavailable",
    "parse_http_date",
    "redact",
    "parse_retry_after",
]

DEFAULT_USER_AGENT = "projections-assets/0.1 (+nba-dk-projections)"

Outcome = Literal[
    "ok",
    "http_4xx",
    "http_429",
    "http_5xx",
    "http_unexpected",
    "request_error",
    "timeout",
    "connect_error",
    "network_error",
    "truncated",
]
"""What one attempt ended with.

``truncated`` is a body shorter than its ``Content-Length`` or a peer closing mid-message;
``network_error`` is a connection lost after it was established (read/write errors);
``http_unexpected`` is a 1xx/3xx that was not followed; ``request_error`` is a request that cannot
succeed however often it is sent (malformed URL, unsupported scheme, redirect loop).
"""

# Outcomes worth another attempt: the same request may well succeed a moment later.
RETRYABLE_OUTCOMES: frozenset[Outcome] = frozenset(
    {"http_429", "http_5xx", "timeout", "connect_error", "network_error", "truncated"}
)

# A 403 is what the injury report host (an S3 bucket) answers for a PDF that is not published yet.
NOT_PUBLISHED_STATUSES = frozenset({403, 404})


# --------------------------------------------------------------------------------------------------
# Retry policy
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetryPolicy:
    """When and how long to wait before retrying a failed attempt.

    The backoff ceiling before retry ``k`` (0-based: ``k = 0`` precedes the second attempt) is
    ``min(max_delay_s, base_delay_s * multiplier ** k)``. The jitter mode turns the ceiling ``c``
    into the actual delay:

    * ``"full"``: uniform in ``[0, c]`` (AWS "full jitter"): spreads concurrent clients the most,
      which matters because every poller fires at the same slot boundary;
    * ``"equal"``: ``c / 2`` plus uniform in ``[0, c / 2]``: never retries immediately;
    * ``"none"``: exactly ``c``.

    A retryable response carrying ``Retry-After`` (429, and 503 in practice) replaces the backoff with
    the server's delay, capped at ``max_retry_after_s`` so a hostile header cannot stall a run.
    """

    max_attempts: int = 5
    base_delay_s: float = 0.5
    max_delay_s: float = 30.0
    multiplier: float = 2.0
    jitter: Literal["full", "equal", "none"] = "full"
    max_retry_after_s: float = 120.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError(f"RetryPolicy.max_attempts must be >= 1, got {self.max_attempts}")
        if self.base_delay_s < 0 or self.max_delay_s < 0 or self.max_retry_after_s < 0:
            raise ValueError("RetryPolicy delays must be non-negative")
        if self.multiplier < 1:
            raise ValueError(f"RetryPolicy.multiplier must be >= 1, got {self.multiplier}")
        if self.jitter not in ("full", "equal", "none"):
            raise ValueError(f"RetryPolicy.jitter must be 'full', 'equal' or 'none', got {self.jitter!r}")

    def backoff_ceiling(self, retry_index: int) -> float:
        """The un-jittered delay before retry ``retry_index`` (0-based)."""
        # Grow step by step and stop at the cap: multiplier ** k overflows a float for large k.
        ceiling = self.base_delay_s
        for _ in range(retry_index):
            ceiling *= self.multiplier
            if ceiling >= self.max_delay_s:
                return self.max_delay_s
        return min(ceiling, self.max_delay_s)

    def delay(self, retry_index: int, rng: random.Random, retry_after_s: float | None = None) -> float:
        """The delay before retry ``retry_index``; ``retry_after_s`` is the server's hint, if any."""
        if retry_after_s is not None:
            return min(max(retry_after_s, 0.0), self.max_retry_after_s)
        ceiling = self.backoff_ceiling(retry_index)
        if self.jitter == "full":
            return rng.uniform(0.0, ceiling)
        if self.jitter == "equal":
            return ceiling / 2 + rng.uniform(0.0, ceiling / 2)
        return ceiling


_SECRET_PARAMS = re.compile(r"(?i)([?&](?:apikey|api_key|key|token|access_token)=)[^&#]+")


def redact(url: str) -> str:
    """A URL safe to log and store: API keys and tokens in its query replaced by `***`."""
    return _SECRET_PARAMS.sub(r"\1***", url)


def parse_http_date(value: str | None) -> datetime | None:
    """An RFC 9110 HTTP-date (``Date``, ``Last-Modified``, ``Retry-After``) as an aware UTC datetime."""
    if not value or not value.strip():
        return None
    try:
        when = email.utils.parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    # HTTP-dates are always GMT; a zone-less parse means "-0000".
    return when.astimezone(UTC) if when.tzinfo else when.replace(tzinfo=UTC)


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait according to a ``Retry-After`` header (delta-seconds or HTTP-date).

    Returns ``None`` for a missing or unparseable header, so the caller falls back to its backoff;
    a date in the past means "retry now" (0.0).
    """
    if value is None or not value.strip():
        return None
    try:
        return max(float(value.strip()), 0.0)
    except ValueError:
        pass
    when = parse_http_date(value)
    return None if when is None else max((when - now).total_seconds(), 0.0)


# --------------------------------------------------------------------------------------------------
# Per-host rate limiter
# --------------------------------------------------------------------------------------------------


class HostRateLimiter:
    """A token bucket per host, implemented as GCRA (one "theoretical arrival time" per host).

    With ``burst=1`` this is a plain minimum interval between requests to a host. Each caller reserves
    its slot under the lock and sleeps outside it, so concurrent threads queue up at the right spacing
    without holding the lock while asleep. Requests to different hosts never wait for each other.
    """

    def __init__(
        self,
        min_interval_s: float,
        *,
        burst: int = 1,
        per_host_interval_s: Mapping[str, float] | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """``min_interval_s`` applies to every host not overridden in ``per_host_interval_s``."""
        if min_interval_s < 0:
            raise ValueError(f"min_interval_s must be non-negative, got {min_interval_s}")
        if burst < 1:
            raise ValueError(f"burst must be >= 1, got {burst}")
        self.min_interval_s = min_interval_s
        self.burst = burst
        self.per_host_interval_s: Mapping[str, float] = MappingProxyType(dict(per_host_interval_s or {}))
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next_free: dict[str, float] = {}

    def interval_for(self, host: str) -> float:
        """The minimum spacing for ``host``."""
        return self.per_host_interval_s.get(host, self.min_interval_s)

    def reserve(self, host: str) -> float:
        """Reserve the next slot for ``host`` and return how long the caller must wait for it."""
        interval = self.interval_for(host)
        with self._lock:
            now = self._clock()
            theoretical = max(self._next_free.get(host, now), now)
            # The bucket lets `burst` requests through back to back before spacing kicks in.
            wait = max(theoretical - (self.burst - 1) * interval - now, 0.0)
            self._next_free[host] = theoretical + interval
        return wait

    def acquire(self, host: str) -> float:
        """Block until a request to ``host`` may go out; returns the time waited."""
        wait = self.reserve(host)
        if wait > 0:
            self._sleep(wait)
        return wait


# --------------------------------------------------------------------------------------------------
# Results and errors
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attempt:
    """One HTTP attempt, successful or not, as counted in the run manifest."""

    url: str
    started_at: datetime
    outcome: Outcome
    status: int | None = None
    delay_before_s: float = 0.0
    """Backoff (or ``Retry-After``) slept before this attempt; 0.0 for the first."""
    throttled_s: float = 0.0
    """Time spent waiting for the per-host rate limiter before this attempt."""
    error: str | None = None
    """Why the attempt failed (``None`` when it succeeded)."""
    server_date: datetime | None = None
    """The host's clock when it answered (its ``Date`` header), if it answered with one."""


@dataclass(frozen=True)
class FetchResult:
    """A successful fetch: the payload plus everything needed to store it as bronze.

    ``content`` is the body after HTTP content decoding (gzip etc.), i.e. the document itself;
    ``headers`` are the response headers as received.
    """

    url: str
    status: int
    content: bytes
    headers: Mapping[str, str]
    fetched_at: datetime
    source_name: str
    attempts: tuple[Attempt, ...] = field(default_factory=tuple)

    @property
    def attempt_count(self) -> int:
        """How many HTTP attempts the fetch took (1 when the first one succeeded)."""
        return len(self.attempts)

    def json(self) -> Any:
        """The body decoded as JSON (UTF-8/16/32 detected as RFC 8259 allows)."""
        return json.loads(self.content)


class SourceHttpError(Exception):
    """A source fetch that did not produce a payload; carries every attempt made."""

    def __init__(
        self,
        message: str,
        *,
        url: str,
        source_name: str,
        attempts: tuple[Attempt, ...],
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.url = url
        self.source_name = source_name
        self.attempts = attempts
        self.status = status

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only fields are not replayed by Exception's default pickling, and executors that
        # run steps in subprocesses may pickle the error on its way back.
        return (
            _rebuild_error,
            (type(self), str(self), self.url, self.source_name, self.attempts, self.status),
        )


def _rebuild_error(
    cls: type[SourceHttpError],
    message: str,
    url: str,
    source_name: str,
    attempts: tuple[Attempt, ...],
    status: int | None,
) -> SourceHttpError:
    return cls(message, url=url, source_name=source_name, attempts=attempts, status=status)


class NotPublished(SourceHttpError):
    """The host answered 403/404: the document does not exist (yet). Not retried; callers branch on it."""


class SourceUnavailable(SourceHttpError):
    """Every allowed attempt failed with a transient error; the run should fail naming the URL."""


# --------------------------------------------------------------------------------------------------
# Client
# --------------------------------------------------------------------------------------------------


class BodyLengthMismatch(Exception):
    """The body is shorter or longer than the Content-Length the server declared."""


def _host_key(url: httpx.URL) -> str:
    # host:port, because two loopback feeds on different ports are different servers.
    return url.netloc.decode("ascii")


def _check_length(response: httpx.Response) -> None:
    declared = response.headers.get("Content-Length")
    # A compressed body is decoded by httpx, so its length cannot be compared with the header.
    if declared is None or response.headers.get("Content-Encoding", "identity") != "identity":
        return
    try:
        expected = int(declared)
    except ValueError:
        return
    if len(response.content) != expected:
        raise BodyLengthMismatch(f"body has {len(response.content)} bytes, Content-Length says {expected}")


def _classify_status(status: int) -> Outcome:
    if 200 <= status < 300:
        return "ok"
    if status == 429:
        return "http_429"
    if status >= 500:
        return "http_5xx"
    if 400 <= status < 500:
        return "http_4xx"
    return "http_unexpected"


def _classify_exception(exc: Exception) -> Outcome:
    """The outcome of a failed send; ``request_error`` means retrying cannot help."""
    # Order matters: ConnectTimeout is a TimeoutException, RemoteProtocolError is not a NetworkError.
    if isinstance(exc, httpx.TimeoutException):
        return "timeout"
    if isinstance(exc, httpx.ConnectError):
        return "connect_error"
    if isinstance(exc, httpx.RemoteProtocolError | BodyLengthMismatch):
        return "truncated"
    if isinstance(exc, httpx.NetworkError):
        return "network_error"
    return "request_error"


@dataclass(frozen=True)
class _Sent:
    """What one send produced; ``response`` is set only for a complete 2xx."""

    outcome: Outcome
    status: int | None = None
    error: str | None = None
    retry_after_s: float | None = None
    response: httpx.Response | None = None
    exception: BaseException | None = None
    server_date: datetime | None = None


class SourceHttpClient:
    """GET with retries, backoff, jitter and per-host rate limiting, recording every attempt.

    Either pass a ready ``httpx.Client`` (its owner closes it) or let this class build one from
    ``base_url``, the timeouts and an optional ``transport`` (tests pass ``httpx.MockTransport``).
    Constructing performs no network I/O. Thread-safe as far as ``httpx.Client`` is.
    """

    def __init__(
        self,
        client: httpx.Client | None = None,
        *,
        base_url: str = "",
        connect_timeout_s: float = 5.0,
        read_timeout_s: float = 30.0,
        transport: httpx.BaseTransport | None = None,
        user_agent: str | None = DEFAULT_USER_AGENT,
        retry: RetryPolicy | None = None,
        rate_limiter: HostRateLimiter | None = None,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        """``clock`` returns epoch seconds (it stamps attempts and resolves HTTP-date ``Retry-After``)."""
        if client is not None and (base_url or transport is not None):
            raise ValueError("pass either an httpx.Client or base_url/transport, not both")
        self._owns_client = client is None
        self._client = client or httpx.Client(
            base_url=base_url,
            # Write and pool waits are bounded by the read timeout; connect gets its own, shorter one
            # because a dead host (the replaced system's TLS handshake stalls) should fail fast and retry.
            timeout=httpx.Timeout(read_timeout_s, connect=connect_timeout_s),
            transport=transport,
            follow_redirects=True,
        )
        self.user_agent = user_agent
        self.retry = retry or RetryPolicy()
        self.rate_limiter = rate_limiter
        self._clock = clock
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._rng_lock = threading.Lock()

    def close(self) -> None:
        """Close the underlying client if this object created it."""
        if self._owns_client:
            self._client.close()

    def __enter__(self) -> SourceHttpClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self._clock(), tz=UTC)

    def _next_delay(self, retry_index: int, retry_after_s: float | None) -> float:
        with self._rng_lock:
            return self.retry.delay(retry_index, self._rng, retry_after_s)

    def _send_once(self, url: httpx.URL, headers: Mapping[str, str]) -> _Sent:
        """Send one GET and classify what came back; never raises for transport failures."""
        try:
            response = self._client.get(url, headers=headers)
            outcome = _classify_status(response.status_code)
            server_date = parse_http_date(response.headers.get("Date"))
            if outcome == "ok":
                _check_length(response)
                return _Sent(outcome, response.status_code, response=response, server_date=server_date)
        except (httpx.HTTPError, httpx.InvalidURL, BodyLengthMismatch) as exc:
            return _Sent(_classify_exception(exc), error=f"{type(exc).__name__}: {exc}", exception=exc)
        return _Sent(
            outcome,
            response.status_code,
            error=f"HTTP {response.status_code} {response.reason_phrase}".rstrip(),
            retry_after_s=parse_retry_after(response.headers.get("Retry-After"), self._now()),
            server_date=server_date,
        )

    def get(
        self,
        path_or_url: str,
        params: Mapping[str, Any] | None = None,
        *,
        source_name: str,
        headers: Mapping[str, str] | None = None,
    ) -> FetchResult:
        """Fetch ``path_or_url`` (relative to the base URL, or absolute) and return its payload.

        Raises :class:`NotPublished` on 403/404, :class:`SourceHttpError` on any other non-retryable
        answer, and :class:`SourceUnavailable` once ``retry.max_attempts`` transient failures are used up.
        """
        request_headers = dict(headers or {})
        if self.user_agent is not None:
            request_headers.setdefault("User-Agent", self.user_agent)
        # Build once to learn the full URL for records and messages; each attempt sends a fresh
        # request because a request's stream cannot be replayed after a failed send.
        url = self._client.build_request("GET", path_or_url, params=params).url
        # Records and messages end up in logs and manifests: never with an API key in them.
        url_text = redact(str(url))
        attempts: list[Attempt] = []
        delay = 0.0

        for attempt_index in range(self.retry.max_attempts):
            if delay > 0:
                self._sleep(delay)
            throttled = self.rate_limiter.acquire(_host_key(url)) if self.rate_limiter else 0.0
            started_at = self._now()
            sent = self._send_once(url, request_headers)
            attempts.append(
                Attempt(
                    url_text,
                    started_at,
                    sent.outcome,
                    sent.status,
                    delay,
                    throttled,
                    sent.error,
                    sent.server_date,
                )
            )
            if sent.response is not None:
                return FetchResult(
                    url=redact(str(sent.response.url)),
                    status=sent.response.status_code,
                    content=sent.response.content,
                    headers=MappingProxyType(dict(sent.response.headers)),
                    fetched_at=self._now(),
                    source_name=source_name,
                    attempts=tuple(attempts),
                )
            if sent.outcome not in RETRYABLE_OUTCOMES:
                not_published = sent.status in NOT_PUBLISHED_STATUSES
                error_type = NotPublished if not_published else SourceHttpError
                hint = " (not published yet?)" if not_published else ""
                raise error_type(
                    f"{source_name}: GET {url_text} failed without retry: {sent.error}{hint}",
                    url=url_text,
                    source_name=source_name,
                    attempts=tuple(attempts),
                    status=sent.status,
                ) from sent.exception
            delay = self._next_delay(attempt_index, sent.retry_after_s)

        last = attempts[-1]
        raise SourceUnavailable(
            f"{source_name}: GET {url_text} failed after {len(attempts)} attempts; last error: {last.error}",
            url=url_text,
            source_name=source_name,
            attempts=tuple(attempts),
            status=last.status,
        )
