"""The shared source transport: retries, backoff, Retry-After, rate limiting and attempt records.

Nothing here sleeps or reads the real clock: a fake clock advances only when the client "sleeps", and
every test asserts the exact delays that would have been slept.
"""

from __future__ import annotations

import email.utils
import pickle
import random
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from projections_assets.sources.http import (
    DEFAULT_USER_AGENT,
    HostRateLimiter,
    NotPublished,
    RetryPolicy,
    SourceHttpClient,
    SourceHttpError,
    SourceUnavailable,
    parse_retry_after,
)

BASE_URL = "https://ak-static.cms.nba.com"
PDF_PATH = "/referee/injury/Injury-Report_2025-12-22_05_30PM.pdf"
START = datetime(2025, 12, 22, 22, 20, tzinfo=UTC)
SEED = 20251222

Handler = Callable[[httpx.Request], httpx.Response]


class FakeClock:
    """Epoch-seconds clock that moves only when something sleeps on it."""

    def __init__(self, start: datetime = START) -> None:
        self.now = start.timestamp()
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def scripted(*steps: int | Exception | httpx.Response) -> tuple[Handler, list[httpx.Request]]:
    """A handler answering each request with the next step (a status, a Response, or an exception)."""
    remaining: Iterator[int | Exception | httpx.Response] = iter(steps)
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        step = next(remaining)
        if isinstance(step, Exception):
            raise step
        if isinstance(step, httpx.Response):
            return step
        return httpx.Response(step, content=b"%PDF-1.7 body" if step == 200 else b"")

    return handle, seen


def make_client(
    handler: Handler,
    clock: FakeClock,
    *,
    retry: RetryPolicy | None = None,
    rate_limiter: HostRateLimiter | None = None,
) -> SourceHttpClient:
    return SourceHttpClient(
        base_url=BASE_URL,
        transport=httpx.MockTransport(handler),
        retry=retry or RetryPolicy(max_attempts=5, base_delay_s=0.5, max_delay_s=30.0, multiplier=2.0),
        rate_limiter=rate_limiter,
        clock=clock,
        sleep=clock.sleep,
        rng=random.Random(SEED),
    )


def full_jitter_schedule(count: int, base: float = 0.5, multiplier: float = 2.0) -> list[float]:
    """The delays full jitter must draw from a fresh RNG with SEED: uniform(0, base * multiplier**k)."""
    rng = random.Random(SEED)
    return [rng.uniform(0.0, base * multiplier**k) for k in range(count)]


# ---------------------------------------------------------------------------------------------------
# Success and retries
# ---------------------------------------------------------------------------------------------------


def test_success_on_first_attempt_records_one_attempt_and_never_sleeps() -> None:
    clock = FakeClock()
    handler, seen = scripted(httpx.Response(200, content=b"%PDF", headers={"ETag": '"abc"'}))
    with make_client(handler, clock) as client:
        result = client.get(PDF_PATH, params={"v": "2"}, source_name="injury_pdf")

    assert result.content == b"%PDF"
    assert result.status == 200
    assert result.url == f"{BASE_URL}{PDF_PATH}?v=2"
    assert result.headers["etag"] == '"abc"'
    assert result.source_name == "injury_pdf"
    assert result.fetched_at == START
    assert result.attempt_count == 1
    (attempt,) = result.attempts
    assert (attempt.outcome, attempt.status, attempt.delay_before_s, attempt.error) == ("ok", 200, 0.0, None)
    assert attempt.started_at == START
    assert clock.sleeps == []
    assert seen[0].headers["User-Agent"] == DEFAULT_USER_AGENT


def test_user_agent_is_configurable() -> None:
    handler, seen = scripted(200)
    client = SourceHttpClient(
        base_url=BASE_URL, transport=httpx.MockTransport(handler), user_agent="nba-dk-bot/2"
    )
    client.get("/x", source_name="schedule")
    assert seen[0].headers["User-Agent"] == "nba-dk-bot/2"


def test_constructor_does_no_io_and_rejects_ambiguous_arguments() -> None:
    handler, seen = scripted()
    SourceHttpClient(base_url=BASE_URL, transport=httpx.MockTransport(handler))
    assert seen == []
    with pytest.raises(ValueError, match="either"):
        SourceHttpClient(httpx.Client(), base_url=BASE_URL)


def test_timeouts_are_configurable() -> None:
    client = SourceHttpClient(base_url=BASE_URL, connect_timeout_s=2.0, read_timeout_s=17.0)
    timeout = client._client.timeout
    assert (timeout.connect, timeout.read) == (2.0, 17.0)


def test_caller_provided_client_is_used_and_not_closed() -> None:
    handler, _ = scripted(200)
    inner = httpx.Client(base_url=BASE_URL, transport=httpx.MockTransport(handler))
    with SourceHttpClient(inner) as client:
        assert client.get("/odds", source_name="odds").status == 200
    assert not inner.is_closed


def test_5xx_then_success_follows_the_jittered_backoff_schedule() -> None:
    clock = FakeClock()
    handler, _ = scripted(503, 500, 502, 200)
    result = make_client(handler, clock).get(PDF_PATH, source_name="injury_pdf")

    expected = full_jitter_schedule(3)
    assert [a.outcome for a in result.attempts] == ["http_5xx", "http_5xx", "http_5xx", "ok"]
    assert [a.status for a in result.attempts] == [503, 500, 502, 200]
    assert [a.delay_before_s for a in result.attempts] == [0.0, *expected]
    assert clock.sleeps == expected
    # Each attempt is stamped after the delay that preceded it.
    assert [a.started_at for a in result.attempts] == [
        START + timedelta(seconds=sum(expected[:k])) for k in range(4)
    ]
    assert result.attempts[0].error == "HTTP 503 Service Unavailable"


@pytest.mark.parametrize(
    ("jitter", "check"),
    [
        ("none", lambda k, d, c: d == c),
        ("full", lambda k, d, c: 0.0 <= d <= c),
        ("equal", lambda k, d, c: c / 2 <= d <= c),
    ],
)
def test_backoff_grows_geometrically_up_to_the_cap(
    jitter: str, check: Callable[[int, float, float], bool]
) -> None:
    policy = RetryPolicy(base_delay_s=0.5, max_delay_s=10.0, multiplier=3.0, jitter=jitter)  # type: ignore[arg-type]
    ceilings = [policy.backoff_ceiling(k) for k in range(6)]
    assert ceilings == [0.5, 1.5, 4.5, 10.0, 10.0, 10.0]
    assert policy.backoff_ceiling(10_000) == 10.0  # no float overflow for absurd indexes
    rng = random.Random(SEED)
    for k, ceiling in enumerate(ceilings):
        assert check(k, policy.delay(k, rng), ceiling)


def test_equal_jitter_draws_the_upper_half_from_the_seeded_rng() -> None:
    policy = RetryPolicy(base_delay_s=1.0, multiplier=2.0, jitter="equal")
    rng, replay = random.Random(SEED), random.Random(SEED)
    assert [policy.delay(k, rng) for k in range(3)] == [
        c / 2 + replay.uniform(0.0, c / 2) for c in (1.0, 2.0, 4.0)
    ]


def test_invalid_policies_are_rejected() -> None:
    for kwargs in ({"max_attempts": 0}, {"multiplier": 0.5}, {"base_delay_s": -1}, {"jitter": "half"}):
        with pytest.raises(ValueError):
            RetryPolicy(**kwargs)  # type: ignore[arg-type]


def test_timeouts_and_connect_errors_are_retried() -> None:
    clock = FakeClock()
    handler, _ = scripted(
        httpx.ConnectError("[Errno -3] Temporary failure in name resolution"),
        httpx.ConnectTimeout("SSL handshake timed out"),
        httpx.ReadTimeout("read timed out"),
        httpx.ReadError("connection reset by peer"),
        200,
    )
    result = make_client(handler, clock).get("/odds", source_name="odds")

    assert [a.outcome for a in result.attempts] == [
        "connect_error",
        "timeout",
        "timeout",
        "network_error",
        "ok",
    ]
    assert result.attempts[0].error == "ConnectError: [Errno -3] Temporary failure in name resolution"
    assert result.attempts[0].status is None
    assert clock.sleeps == full_jitter_schedule(4)


class _CutShort(httpx.SyncByteStream):
    """A body whose connection drops after the first chunk."""

    def __iter__(self) -> Iterator[bytes]:
        yield b"%PDF-1.7 partial"
        raise httpx.RemoteProtocolError("peer closed connection without sending complete message body")


def test_truncated_bodies_are_retried() -> None:
    clock = FakeClock()
    short = httpx.Response(200, content=b"%PDF", headers={"Content-Length": "4096"})
    handler, _ = scripted(short, httpx.Response(200, stream=_CutShort()), 200)
    result = make_client(handler, clock).get(PDF_PATH, source_name="injury_pdf")

    assert [a.outcome for a in result.attempts] == ["truncated", "truncated", "ok"]
    assert result.attempts[0].error == "BodyLengthMismatch: body has 4 bytes, Content-Length says 4096"
    assert "peer closed connection" in (result.attempts[1].error or "")
    assert result.content == b"%PDF-1.7 body"


def test_gzip_body_is_not_mistaken_for_a_truncated_one() -> None:
    import gzip

    payload = gzip.compress(b'{"games": [1, 2]}')
    response = httpx.Response(
        200, content=payload, headers={"Content-Encoding": "gzip", "Content-Length": str(len(payload))}
    )
    handler, _ = scripted(response)
    result = make_client(handler, FakeClock()).get("/schedule", source_name="schedule")
    assert result.json() == {"games": [1, 2]}
    assert result.attempt_count == 1


# ---------------------------------------------------------------------------------------------------
# Retry-After
# ---------------------------------------------------------------------------------------------------


def test_429_retry_after_seconds_replaces_the_backoff() -> None:
    clock = FakeClock()
    handler, _ = scripted(httpx.Response(429, headers={"Retry-After": "7"}), 200)
    result = make_client(handler, clock).get("/odds", source_name="odds")

    assert [a.outcome for a in result.attempts] == ["http_429", "ok"]
    assert clock.sleeps == [7.0]
    assert result.attempts[1].delay_before_s == 7.0


def test_429_retry_after_http_date_is_relative_to_the_injected_clock() -> None:
    clock = FakeClock()
    when = email.utils.format_datetime(START + timedelta(seconds=12), usegmt=True)
    handler, _ = scripted(httpx.Response(429, headers={"Retry-After": when}), 200)
    make_client(handler, clock).get("/odds", source_name="odds")
    assert clock.sleeps == [12.0]


def test_retry_after_is_capped_and_unparseable_values_fall_back_to_backoff() -> None:
    clock = FakeClock()
    handler, _ = scripted(
        httpx.Response(429, headers={"Retry-After": "86400"}),
        httpx.Response(503, headers={"Retry-After": "soon"}),
        200,
    )
    retry = RetryPolicy(max_attempts=3, base_delay_s=0.5, max_retry_after_s=60.0)
    make_client(handler, clock, retry=retry).get("/odds", source_name="odds")
    # The first retry uses the capped header; the second has no usable header, so it takes the
    # second draw of the schedule (the first draw was never made).
    rng = random.Random(SEED)
    assert clock.sleeps == [60.0, rng.uniform(0.0, 1.0)]


def test_parse_retry_after() -> None:
    assert parse_retry_after("120", START) == 120.0
    assert parse_retry_after(" 0 ", START) == 0.0
    assert parse_retry_after("-5", START) == 0.0
    assert parse_retry_after("Mon, 22 Dec 2025 22:20:30 GMT", START) == 30.0
    assert parse_retry_after("Mon, 22 Dec 2025 22:00:00 GMT", START) == 0.0  # already past
    assert parse_retry_after("tomorrow-ish", START) is None
    assert parse_retry_after("", START) is None
    assert parse_retry_after(None, START) is None


# ---------------------------------------------------------------------------------------------------
# Giving up
# ---------------------------------------------------------------------------------------------------


def test_exhausted_retries_raise_source_unavailable_naming_url_source_and_count() -> None:
    clock = FakeClock()
    handler, seen = scripted(503, httpx.ConnectError("boom"), 500, 503, httpx.ReadTimeout("slow"))
    client = make_client(handler, clock)
    with pytest.raises(SourceUnavailable) as info:
        client.get("/v2/odds", params={"date": "2025-12-22"}, source_name="odds")

    error = info.value
    url = f"{BASE_URL}/v2/odds?date=2025-12-22"
    assert str(error) == f"odds: GET {url} failed after 5 attempts; last error: ReadTimeout: slow"
    assert (error.url, error.source_name) == (url, "odds")
    assert len(error.attempts) == len(seen) == 5
    assert [a.outcome for a in error.attempts] == [
        "http_5xx",
        "connect_error",
        "http_5xx",
        "http_5xx",
        "timeout",
    ]
    # No pointless sleep after the last attempt.
    assert clock.sleeps == full_jitter_schedule(4)


def test_errors_survive_pickling_with_their_attempts() -> None:
    handler, _ = scripted(404)
    with pytest.raises(NotPublished) as info:
        make_client(handler, FakeClock()).get(PDF_PATH, source_name="injury_pdf")
    copy = pickle.loads(pickle.dumps(info.value))
    assert type(copy) is NotPublished
    assert (str(copy), copy.url, copy.status, copy.attempts) == (
        str(info.value),
        info.value.url,
        404,
        info.value.attempts,
    )


@pytest.mark.parametrize("status", [403, 404])
def test_403_and_404_raise_not_published_without_retry(status: int) -> None:
    clock = FakeClock()
    handler, seen = scripted(status)
    with pytest.raises(NotPublished) as info:
        make_client(handler, clock).get(PDF_PATH, source_name="injury_pdf")

    assert info.value.url == f"{BASE_URL}{PDF_PATH}"
    assert info.value.status == status
    assert [a.outcome for a in info.value.attempts] == ["http_4xx"]
    assert len(seen) == 1
    assert clock.sleeps == []
    assert PDF_PATH in str(info.value)


def test_other_4xx_is_a_distinct_non_retried_error() -> None:
    handler, seen = scripted(400)
    with pytest.raises(SourceHttpError) as info:
        make_client(handler, FakeClock()).get("/odds", source_name="odds")
    assert not isinstance(info.value, NotPublished | SourceUnavailable)
    assert info.value.status == 400
    assert len(seen) == 1


def test_a_request_that_cannot_succeed_is_not_retried() -> None:
    handler, seen = scripted(httpx.UnsupportedProtocol("Request URL has an unsupported protocol 'ftp://'"))
    with pytest.raises(SourceHttpError) as info:
        make_client(handler, FakeClock()).get("/feed", source_name="lineups")
    assert not isinstance(info.value, SourceUnavailable)
    assert [a.outcome for a in info.value.attempts] == ["request_error"]
    assert len(seen) == 1


def test_a_30_percent_failing_host_still_serves_50_requests_with_six_attempts() -> None:
    flaky = random.Random(SEED)
    failure_count = 0

    def fail() -> httpx.Response:
        # Whether a request fails is random; how it fails cycles so every failure kind occurs.
        nonlocal failure_count
        failure_count += 1
        kind = failure_count % 5
        if kind == 0:
            raise httpx.ConnectError("Temporary failure in name resolution")
        if kind == 1:
            raise httpx.ReadTimeout("timed out")
        if kind == 2:
            return httpx.Response(429, headers={"Retry-After": "1"})
        if kind == 3:
            return httpx.Response(200, content=b"{}", headers={"Content-Length": "99"})
        return httpx.Response(503)

    def handle(request: httpx.Request) -> httpx.Response:
        if flaky.random() < 0.3:
            return fail()
        return httpx.Response(200, content=request.url.path.encode())

    clock = FakeClock()
    client = make_client(handler=handle, clock=clock, retry=RetryPolicy(max_attempts=6))
    results = [client.get(f"/boxscore/{i}", source_name="boxscore") for i in range(50)]

    assert [r.content for r in results] == [f"/boxscore/{i}".encode() for i in range(50)]
    attempts = [a for r in results for a in r.attempts]
    failed = [a for a in attempts if a.outcome != "ok"]
    assert len(attempts) == 50 + len(failed)
    assert 10 <= len(failed) <= 40  # the seeded host really did fail about 30% of the time
    assert {a.outcome for a in failed} >= {"http_5xx", "http_429", "truncated", "connect_error", "timeout"}
    assert len(clock.sleeps) == len(failed)


# ---------------------------------------------------------------------------------------------------
# Rate limiting
# ---------------------------------------------------------------------------------------------------


def test_rate_limiter_spaces_one_host_but_not_different_hosts() -> None:
    clock = FakeClock()
    limiter = HostRateLimiter(2.0, clock=clock, sleep=clock.sleep)
    handler, seen = scripted(200, 200, 200)
    client = make_client(handler, clock, rate_limiter=limiter)

    first = client.get("https://stats.nba.com/a", source_name="boxscore")
    other = client.get("https://api.draftkings.com/b", source_name="draftables")
    second = client.get("https://stats.nba.com/c", source_name="boxscore")

    assert clock.sleeps == [2.0]
    assert [r.attempts[0].throttled_s for r in (first, other, second)] == [0.0, 0.0, 2.0]
    assert second.attempts[0].started_at - first.attempts[0].started_at == timedelta(seconds=2)
    assert len(seen) == 3


def test_rate_limiter_only_waits_for_the_remainder_of_the_interval() -> None:
    clock = FakeClock()
    limiter = HostRateLimiter(1.5, per_host_interval_s={"slow.test": 10.0}, clock=clock, sleep=clock.sleep)
    assert limiter.acquire("fast.test") == 0.0
    clock.now += 1.0
    assert limiter.acquire("fast.test") == 0.5
    clock.now += 60.0  # long idle: no debt carried over
    assert limiter.acquire("fast.test") == 0.0
    assert limiter.acquire("slow.test") == 0.0
    assert limiter.acquire("slow.test") == 10.0
    assert clock.sleeps == [0.5, 10.0]


def test_rate_limiter_burst_lets_a_few_requests_through_then_spaces_them() -> None:
    clock = FakeClock()
    limiter = HostRateLimiter(1.0, burst=3, clock=clock, sleep=clock.sleep)
    waits = [limiter.reserve("h") for _ in range(5)]
    assert waits == [0.0, 0.0, 0.0, 1.0, 2.0]


def test_rate_limiter_hands_concurrent_threads_distinct_slots() -> None:
    clock = FakeClock()
    limiter = HostRateLimiter(0.25, clock=clock, sleep=clock.sleep)
    waits: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(16)

    def worker() -> None:
        barrier.wait()
        wait = limiter.reserve("h")
        with lock:
            waits.append(wait)

    threads = [threading.Thread(target=worker) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(waits) == [0.25 * k for k in range(16)]


def test_limiter_rejects_nonsense() -> None:
    with pytest.raises(ValueError):
        HostRateLimiter(-1.0)
    with pytest.raises(ValueError):
        HostRateLimiter(1.0, burst=0)
