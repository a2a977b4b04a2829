"""Downloading feed files: conditional GET, bounded retries honouring Retry-After, timeouts, a
body cap, streamed to a file. Nothing here touches the database."""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx

from hemostat import __version__
from hemostat.errors import FeedError

RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
GiB = 1024 * 1024 * 1024


class NetworkError(FeedError):
    """The feed could not be downloaded (refused, timed out, cut short, HTTP error)."""

    code = "network_error"


@dataclass(frozen=True, slots=True)
class HttpPolicy:
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    max_tries: int = 3
    backoff: float = 2.0  # first wait between tries; doubles each time
    max_wait: float = 120.0  # cap for Retry-After and backoff waits
    max_bytes: int = 2 * GiB


@dataclass(frozen=True, slots=True)
class Fetched:
    url: str
    not_modified: bool
    path: Path | None
    size: int = 0
    etag: str | None = None
    last_modified: str | None = None


def make_client(policy: HttpPolicy) -> httpx.Client:
    timeout = httpx.Timeout(policy.read_timeout, connect=policy.connect_timeout)
    return httpx.Client(
        timeout=timeout,
        follow_redirects=True,
        headers={"User-Agent": f"hemostat/{__version__} (feed sync)"},
    )


def fetch(
    client: httpx.Client,
    url: str,
    dest: Path,
    *,
    policy: HttpPolicy,
    etag: str | None = None,
    last_modified: str | None = None,
    params: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Fetched:
    """GET ``url`` into ``dest``; ``not_modified`` when the server answers 304 to the validators."""
    sent = dict(headers or {})
    if etag:
        sent["If-None-Match"] = etag
    if last_modified:
        sent["If-Modified-Since"] = last_modified
    for attempt in range(1, policy.max_tries + 1):
        last = attempt == policy.max_tries
        try:
            with client.stream("GET", url, params=params, headers=sent) as resp:
                if resp.status_code in RETRY_STATUS and not last:
                    sleep(_wait(resp, attempt, policy))
                    continue
                return _receive(resp, url, dest, policy)
        except httpx.TransportError as exc:
            if last:
                raise NetworkError(f"{_describe(exc)} after {attempt} tries", file=url) from None
            sleep(min(policy.backoff * 2 ** (attempt - 1), policy.max_wait))
    raise AssertionError("unreachable: the last try returns or raises")  # pragma: no cover


def _receive(resp: httpx.Response, url: str, dest: Path, policy: HttpPolicy) -> Fetched:
    if resp.status_code == 304:
        return Fetched(url, True, None)
    if resp.status_code != 200:
        raise NetworkError(f"HTTP {resp.status_code} {resp.reason_phrase}", file=url)
    declared = resp.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > policy.max_bytes:
        raise NetworkError(f"response declares {declared} bytes, over the cap", file=url)
    size = 0
    with dest.open("wb") as out:
        for chunk in resp.iter_bytes():
            size += len(chunk)
            if size > policy.max_bytes:
                raise NetworkError(f"response exceeds {policy.max_bytes} bytes", file=url)
            out.write(chunk)
    if size == 0:
        raise NetworkError("empty response body", file=url)
    return Fetched(
        url, False, dest, size, resp.headers.get("ETag"), resp.headers.get("Last-Modified")
    )


def _wait(resp: httpx.Response, attempt: int, policy: HttpPolicy) -> float:
    """Seconds to wait before the next try: the server's Retry-After, else exponential backoff."""
    header = resp.headers.get("Retry-After", "").strip()
    wait = policy.backoff * 2 ** (attempt - 1)
    if header.isdigit():
        wait = float(header)
    elif header:
        try:
            when = email.utils.parsedate_to_datetime(header)
            wait = max(0.0, (when - datetime.now(UTC)).total_seconds())
        except (TypeError, ValueError):
            pass
    return float(min(wait, policy.max_wait))


def _describe(exc: httpx.TransportError) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return f"timed out ({type(exc).__name__})"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"connection cut short: {exc}"
    return str(exc) or type(exc).__name__
