"""`feeds sync` against a local HTTP server serving recorded files, on SQLite and PostgreSQL:
conditional requests, paging, retries, and every failure leaving the stored snapshot untouched."""

from __future__ import annotations

import threading
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import orjson
import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from hemostat.cli.feeds import app as feeds_app
from hemostat.config import Settings, get_settings
from hemostat.domain.vulnerability import FeedKind
from hemostat.services.feed_http import HttpPolicy
from hemostat.services.sync import DEFAULT_URLS, SyncConfig, SyncOutcome, sync_feeds
from hemostat.services.uow import engine_for

ASSETS = Path(__file__).resolve().parents[1] / "assets" / "feeds"
FEED_TABLES = (
    "feeds",
    "vulnerabilities",
    "vuln_keys",
    "kev_entries",
    "epss_scores",
    "csaf_advisories",
    "feed_quarantine",
)
FAST = HttpPolicy(connect_timeout=2, read_timeout=0.3, max_tries=3, backoff=0.01, max_wait=5)


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before anything is sent
    cut_at: int | None = None  # send only this many body bytes, then close


@dataclass
class Seen:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]


class Server:
    """Routes map a path (plus ``?startIndex=N`` for paged APIs) to replies used in turn; the
    last reply repeats. Requests are recorded for assertions."""

    def __init__(self) -> None:
        self.routes: dict[str, list[Reply]] = {}
        self.seen: list[Seen] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                url = urlsplit(self.path)
                query = parse_qs(url.query)
                outer.seen.append(Seen(url.path, query, dict(self.headers.items())))
                key = url.path + (
                    f"?startIndex={query['startIndex'][0]}" if "startIndex" in query else ""
                )
                replies = outer.routes.get(key) or [Reply(404, b"not found")]
                reply = replies.pop(0) if len(replies) > 1 else replies[0]
                if reply.delay:
                    time.sleep(reply.delay)
                self.send_response(reply.status)
                for k, v in reply.headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                body = reply.body if reply.cut_at is None else reply.body[: reply.cut_at]
                self.wfile.write(body)
                if reply.cut_at is not None:
                    self.close_connection = True

            def log_message(self, *_: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def route(self, path: str, *replies: Reply) -> str:
        self.routes[path] = list(replies)
        return self.url + path.split("?", maxsplit=1)[0]


@pytest.fixture
def server() -> Iterator[Server]:
    srv = Server()
    thread = threading.Thread(target=srv.httpd.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.httpd.shutdown()
    srv.httpd.server_close()


@pytest.fixture
def db(settings: Settings) -> Settings:
    with engine_for(settings).begin() as conn:
        for table in reversed(FEED_TABLES):
            conn.execute(sa.text(f"DELETE FROM {table}"))
    return settings


def state(settings: Settings) -> tuple[object, ...]:
    """Everything a failed sync must leave alone."""
    with engine_for(settings).connect() as conn:
        rows = conn.execute(
            sa.text("SELECT name, snapshot, records, etag FROM feeds ORDER BY name")
        )
        return (
            [tuple(r) for r in rows],
            *(conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one() for t in FEED_TABLES),
        )


def sync(
    settings: Settings, kind: FeedKind, url: str, *, sleeps: list[float] | None = None, **kw: object
) -> SyncOutcome:
    config = SyncConfig(mirrors={kind: url}, http=FAST, nvd_delay=0, osv_ecosystems=("Go",))
    log = sleeps if sleeps is not None else []
    (outcome,) = sync_feeds(
        settings=settings,
        kinds=[kind],
        config=config,
        sleep=log.append,
        **kw,  # type: ignore[arg-type]
    )
    return outcome


def kev_reply(name: str = "kev-6.json", etag: str = '"v1"') -> Reply:
    return Reply(
        body=(ASSETS / name).read_bytes(),
        headers={"ETag": etag, "Content-Type": "application/json"},
    )


def test_kev_sync_then_not_modified(db: Settings, server: Server) -> None:
    url = server.route("/kev.json", kev_reply(), Reply(304))
    first = sync(db, FeedKind.KEV, url)
    assert (first.status, first.report and first.report.records) == ("updated", 6)
    before = state(db)
    second = sync(db, FeedKind.KEV, url)
    assert second.status == "unchanged" and "2025-08-25" in second.message
    assert server.seen[-1].headers.get("If-None-Match") == '"v1"'
    assert state(db) == before


def test_epss_gzip_and_osv_all_zip(db: Settings, server: Server, tmp_path: Path) -> None:
    epss = server.route("/epss.csv.gz", Reply(body=(ASSETS / "epss-small.csv.gz").read_bytes()))
    assert sync(db, FeedKind.EPSS, epss).report.records == 5  # type: ignore[union-attr]
    archive = tmp_path / "all.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for f in sorted((ASSETS / "osv-go").glob("*.json")):
            zf.write(f, f.name)
    server.route("/osv/Go/all.zip", Reply(body=archive.read_bytes()))
    outcome = sync(db, FeedKind.OSV, server.url + "/osv")
    assert (outcome.feed, outcome.status) == ("osv:Go", "updated")
    assert outcome.report is not None and outcome.report.records == 3
    assert server.seen[-1].path == "/osv/Go/all.zip"


def test_nvd_api_paging_then_incremental_window(db: Settings, server: Server) -> None:
    page1, page2 = ((ASSETS / "nvd" / f"page-{n}.json").read_bytes() for n in (1, 2))
    url = server.route("/nvd?startIndex=0", Reply(body=page1))
    server.route("/nvd?startIndex=2", Reply(body=page2))
    first = sync(db, FeedKind.NVD, url)
    assert first.status == "updated" and first.report is not None
    assert (first.report.added, first.report.records) == (3, 3)
    assert [s.query["startIndex"] for s in server.seen] == [["0"], ["2"]]
    assert "lastModStartDate" not in server.seen[0].query  # nothing stored yet: everything
    empty = {"resultsPerPage": 0, "startIndex": 0, "totalResults": 0, "vulnerabilities": []}
    server.route("/nvd?startIndex=0", Reply(body=orjson.dumps(empty)))
    second = sync(db, FeedKind.NVD, url)
    assert second.status == "updated" and second.report is not None
    assert second.report.records == 3
    window = server.seen[-1].query
    assert "lastModStartDate" in window and "lastModEndDate" in window


def test_csaf_provider_metadata_and_rolie_feed(db: Settings, server: Server) -> None:
    docs = sorted((ASSETS / "csaf").glob("*.json"))
    for doc in docs:
        server.route(f"/docs/{doc.name}", Reply(body=doc.read_bytes()))
    entries = [{"id": d.stem, "content": {"src": f"/docs/{d.name}"}} for d in docs]
    server.route("/rolie.json", Reply(body=orjson.dumps({"feed": {"entry": entries}})))
    meta = {"distributions": [{"rolie": {"feeds": [{"url": "/rolie.json", "tlp_label": "WHITE"}]}}]}
    url = server.route("/provider-metadata.json", Reply(body=orjson.dumps(meta)))
    outcome = sync(db, FeedKind.CSAF, url)
    assert (outcome.status, outcome.feed) == ("updated", "csaf:CISA")
    assert outcome.report is not None and outcome.report.added == 2


FAILURES = {
    "truncated": Reply(body=(ASSETS / "kev-7.json").read_bytes(), cut_at=300),
    "empty": Reply(body=b""),
    "not-found": Reply(404, b"gone"),
    "slow": Reply(body=(ASSETS / "kev-7.json").read_bytes(), delay=1.0),
    "server-error": Reply(503, b"busy"),
    "corrupt": Reply(body=(ASSETS / "kev-7.json").read_bytes()[:-40]),
}


@pytest.mark.parametrize("mode", list(FAILURES))
def test_failures_keep_the_previous_snapshot(db: Settings, server: Server, mode: str) -> None:
    url = server.route("/kev.json", kev_reply())
    assert sync(db, FeedKind.KEV, url).status == "updated"
    before = state(db)
    server.route("/kev.json", FAILURES[mode])
    outcome = sync(db, FeedKind.KEV, url)
    assert outcome.status == "failed"
    assert outcome.message.endswith("kept snapshot of 2025-08-25")
    if mode != "corrupt":
        assert outcome.message.startswith("network failure")
    assert state(db) == before


def test_retry_after_is_honoured_then_success(db: Settings, server: Server) -> None:
    url = server.route("/kev.json", Reply(429, b"slow down", {"Retry-After": "2"}), kev_reply())
    sleeps: list[float] = []
    outcome = sync(db, FeedKind.KEV, url, sleeps=sleeps)
    assert outcome.status == "updated"
    assert sleeps == [2.0]  # the server's wait, not the backoff
    assert len(server.seen) == 2


def test_retries_are_bounded(db: Settings, server: Server) -> None:
    url = server.route("/kev.json", Reply(503, b"busy", {"Retry-After": "3600"}))
    sleeps: list[float] = []
    outcome = sync(db, FeedKind.KEV, url, sleeps=sleeps)
    assert outcome.status == "failed" and "HTTP 503" in outcome.message
    assert len(server.seen) == FAST.max_tries and sleeps == [FAST.max_wait] * 2
    assert "no previous snapshot" in outcome.message


def test_shrink_guard_refuses_a_synced_catalog_that_lost_most_records(
    db: Settings, server: Server
) -> None:
    url = server.route("/kev.json", kev_reply())
    sync(db, FeedKind.KEV, url)
    before = state(db)
    server.route("/kev.json", kev_reply("kev-2.json", '"v2"'))
    refused = sync(db, FeedKind.KEV, url)
    assert refused.status == "failed" and "refusing a snapshot with 2 records" in refused.message
    assert state(db) == before
    accepted = sync(db, FeedKind.KEV, url, allow_shrink=True)
    assert accepted.status == "updated" and accepted.report is not None
    assert accepted.report.records == 2


def test_mirrors_and_http_policy_come_from_settings(db: Settings, server: Server) -> None:
    url = server.route("/mirror/kev.json", kev_reply())

    class FeedSettings(Settings):  # the fields config.py declares as HEMOSTAT_FEED_*
        feed_mirror_kev: str = url
        feed_read_timeout: float = 0.3
        feed_osv_ecosystems: str = "PyPI, npm"

    config = SyncConfig.from_settings(FeedSettings(database_url=db.database_url))
    assert config.url(FeedKind.KEV) == url and config.http.read_timeout == 0.3
    assert config.osv_ecosystems == ("PyPI", "npm")
    assert config.url(FeedKind.EPSS) == DEFAULT_URLS[FeedKind.EPSS]
    (outcome,) = sync_feeds(settings=db, kinds=[FeedKind.KEV], config=config)
    assert outcome.status == "updated" and server.seen[-1].path == "/mirror/kev.json"


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    if "postgresql" in settings.database_url:
        pytest.skip("CLI wiring is database-independent; exercised on SQLite")
    monkeypatch.setenv("HEMOSTAT_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("COLUMNS", "200")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_cli_status_shows_the_bundled_snapshot_and_sync_reports_failure(
    cli_env: None, server: Server
) -> None:
    runner = CliRunner()
    status = runner.invoke(feeds_app, ["status", "--format", "json"])
    assert status.exit_code == 0, status.output
    rows = {r["feed"]: r for r in orjson.loads(status.stdout)}
    assert rows["kev"]["origin"] == "bundled" and rows["kev"]["records"] == 1404
    url = server.route("/kev.json", Reply(404, b"gone"))
    failed = runner.invoke(feeds_app, ["sync", "--kind", "kev", "--mirror", f"kev={url}"])
    assert failed.exit_code == 1
    assert "kept snapshot of 2025-08-25" in " ".join(failed.stdout.split())
    server.route("/kev.json", kev_reply())
    shrunk = runner.invoke(feeds_app, ["sync", "-k", "kev", "--mirror", f"kev={url}"])
    assert shrunk.exit_code == 1 and "--allow-shrink" in shrunk.stdout  # refused, with the way out
    ok = runner.invoke(
        feeds_app, ["sync", "-k", "kev", "--mirror", f"kev={url}", "--allow-shrink", "-f", "json"]
    )
    assert ok.exit_code == 0, ok.output
    (outcome,) = orjson.loads(ok.stdout)
    assert outcome["status"] == "updated" and outcome["report"]["records"] == 6
    bad = runner.invoke(feeds_app, ["sync", "--mirror", "nonsense"])
    assert bad.exit_code != 0
