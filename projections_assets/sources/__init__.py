"""Sources: fetching raw payloads from the league's hosts (or the loopback feed) robustly.

``http`` is the transport every source shares (retries, backoff, rate limiting, attempt records);
it has no Dagster dependency so parsers, the CLI and tests can use it directly.
"""

from projections_assets.sources.http import (
    Attempt,
    FetchResult,
    HostRateLimiter,
    NotPublished,
    RetryPolicy,
    SourceHttpClient,
    SourceHttpError,
    SourceUnavailable,
)

__all__ = [
    "Attempt",
    "FetchResult",
    "HostRateLimiter",
    "NotPublished",
    "RetryPolicy",
    "SourceHttpClient",
    "SourceHttpError",
    "SourceUnavailable",
]
