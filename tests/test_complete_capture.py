"""Complete capture on the replica: documents (and their text), page requisites (CSS, JS,
web font, background image, icons) and every listing page, found on a first crawl, rebuilt
by ``reindex``, revisited by an unchanged ``--full`` recrawl."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from clirun import run_cli
from reindex_compare import assert_same

from archive.parser.requisites import css_requisites, html_requisites, is_stylesheet
from archive.text import fold
from archive.warc.read import read_record
from archive.warc.record_io import http_payload
from crawler.replica_process import ReplicaProcess
from replica.content import Corpus
from replica.listing import listing_paths
from replica.truth import iter_document_truth

POSTS, SEED = 40, 3
FAST = ("-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8")


def ro(path) -> sqlite3.Connection:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    return conn


LIVE: dict[str, str] = {}


def fetched_twice(conn, urls) -> list[str]:
    """URLs of ``urls`` that the first crawl fetched more than once (each is taken once per crawl)."""
    return [r[0] for r in conn.execute("SELECT url FROM captures WHERE crawl_id=1 GROUP BY url "
                                       "HAVING count(*) > 1") if r[0] in urls]


def last_crawl_records(conn) -> tuple[int, dict[str, str]]:
    """The last crawl's id and the record type of each URL it captured."""
    crawl = conn.execute("SELECT max(id) FROM crawls").fetchone()[0]
    return crawl, dict(conn.execute("SELECT url, record_type FROM captures WHERE crawl_id=?", (crawl,)))


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """A first crawl, a copy of its database, then an unchanged ``--full`` recrawl."""
    root = tmp_path_factory.mktemp("complete")
    archive = root / "archive"
    with ReplicaProcess(posts=POSTS, seed=SEED) as replica:
        run_cli("crawl", "--archive", str(archive), "--start-url", replica.url, *FAST)
        first = root / "first.sqlite"
        src = sqlite3.connect(archive / "archive.sqlite")
        src.execute(f"VACUUM INTO '{first}'")
        src.close()
        run_cli("crawl", "--archive", str(archive), "--start-url", replica.url, "--full", *FAST)
        base = replica.url.rstrip("/")
        LIVE["url"] = replica.url  # the replica runs while the module's tests do
        yield archive, first, base


@pytest.mark.slow
def test_first_crawl_archives_every_document_with_its_text(crawled):
    archive, first, base = crawled
    conn = ro(first)
    truth = list(iter_document_truth(POSTS, SEED, base))
    assert len(truth) >= POSTS
    rows = {(r["wp_post_id"], r["url"]): r for r in conn.execute(
        "SELECT a.wp_post_id, d.* FROM documents d JOIN articles a ON a.id = d.article_id")}
    assert len(rows) == len(truth)
    for want in truth:
        row = rows[(want["wp_post_id"], want["url"])]
        assert row["capture_id"] is not None, want["url"]
        assert (row["link_text"], row["file_name"], row["mime_type"], row["text"]) == \
            (want["link_text"], want["file_name"], want["mime_type"], want["text"])
        assert len(row["sha1"]) == 40 and row["size"] > 0
    assert conn.execute("SELECT count(*) FROM documents WHERE article_id IS NULL").fetchone()[0] == 0
    assert fetched_twice(conn, {t["url"] for t in truth}) == []


@pytest.mark.slow
def test_unchanged_full_recrawl_writes_revisits_for_every_document(crawled):
    archive, first, base = crawled
    conn = ro(archive / "archive.sqlite")
    crawl2, got = last_crawl_records(conn)
    urls = [t["url"] for t in iter_document_truth(POSTS, SEED, base)]
    assert {got.get(u) for u in urls} == {"revisit"}
    # the rows now name the newest capture and keep their text
    stale = conn.execute("SELECT count(*) FROM documents d JOIN captures c ON c.id = d.capture_id "
                         "WHERE c.crawl_id != ? OR (d.mime_type = 'application/pdf' AND d.text IS NULL)",
                         (crawl2,)).fetchone()[0]
    assert stale == 0


@pytest.mark.slow
def test_reindex_rebuilds_the_document_rows(crawled, tmp_path):
    archive, _, _ = crawled
    rebuilt = tmp_path / "rebuilt.sqlite"
    run_cli("reindex", "--archive", str(archive), "--db", str(rebuilt))
    counts = assert_same(ro(archive / "archive.sqlite"), ro(rebuilt))
    assert counts["documents"] > POSTS


@pytest.mark.slow
def test_first_crawl_captures_every_listing_page(crawled):
    _, first, base = crawled
    want = {base + path for path in listing_paths(Corpus(POSTS, SEED))}
    got = {r[0] for r in ro(first).execute("SELECT url FROM captures WHERE status=200")}
    assert len(want) > 20 and sorted(want - got) == []


def _payload(archive, row) -> bytes:
    rec = read_record(archive / "warc" / row["warc_file"], row["warc_offset"])
    return http_payload(rec)


def referenced_requisites(archive, conn) -> set[str]:
    """Every requisite the archived pages and stylesheets name (read back from the WARCs)."""
    want: set[str] = set()
    for row in conn.execute("SELECT url, content_type, warc_file, warc_offset FROM captures "
                            "WHERE status=200 AND record_type='response'"):
        ctype = row["content_type"] or ""
        if ctype.startswith("text/html"):
            want.update(html_requisites(_payload(archive, row), row["url"]))
        elif is_stylesheet(row["url"], ctype):
            want.update(css_requisites(_payload(archive, row), row["url"]))
    return want


@pytest.mark.slow
def test_first_crawl_archives_every_requisite_of_every_page(crawled):
    archive, first, base = crawled
    conn = ro(first)
    want = referenced_requisites(archive, conn)
    got = {r[0] for r in conn.execute("SELECT url FROM captures WHERE status=200")}
    assert {base + p for p in ("/wp-content/themes/haiphong/style.css?ver=1.4.2",
                               "/wp-content/themes/haiphong/fonts/haiphong-digits.woff",
                               "/wp-content/themes/haiphong/images/header-bg.png",
                               "/wp-content/themes/haiphong/js/navigation.js?ver=1.4.2")} <= want
    assert sorted(want - got) == []
    assert fetched_twice(conn, want) == []


@pytest.mark.slow
def test_unchanged_full_recrawl_writes_revisits_for_every_requisite(crawled):
    archive, _, base = crawled
    _, got = last_crawl_records(ro(archive / "archive.sqlite"))
    want = referenced_requisites(archive, ro(archive.parent / "first.sqlite"))
    missing = sorted(u for u in want if got.get(u) != "revisit")
    assert missing == []


@pytest.mark.slow
def test_qa_in_chromium_finds_no_missing_resource_and_matching_screenshots(crawled):
    """``portal-archive qa``: 20 article pages live (the replica) and replayed (pywb) in Chromium."""
    archive, _, base = crawled
    proc = run_cli("qa", "--archive", str(archive), "--sample", "20", "--json", check=False)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    report = json.loads(proc.stdout)
    summary = report["summary"]
    assert summary["pages"] == 20 and summary["failed"] == 0
    assert summary["missing_resources"] == 0
    assert summary["median_pixel_diff"] <= 1.0
    for page in report["pages"]:
        assert page["live_status"] == 200 and page["replay_status"] == 200
        assert page["live_resources"] >= 6 and page["replay_served"] == page["live_resources"]
        assert page["leaks"] == []
    shots = list(Path(summary["out_dir"]).glob("page-*-replay.png"))
    assert len(shots) == 20


@pytest.mark.slow
def test_qa_reports_what_replay_cannot_serve(crawled):
    """Live now runs another theme: its stylesheet was never archived, and the page looks different."""
    archive, _, base = crawled
    with ReplicaProcess(posts=POSTS, seed=SEED, extra_args=("--theme", "block")) as changed:
        proc = run_cli("qa", "--archive", str(archive), "--sample", "2", "--live", changed.url, "--json",
                       check=False)
    assert proc.returncode == 3, proc.stdout[-2000:] + proc.stderr[-2000:]
    report = json.loads(proc.stdout)
    assert report["summary"]["failed"] == 2
    for page in report["pages"]:
        assert base + "/wp-content/themes/twentytwentythree/style.css?ver=1.3" in page["missing"]
        assert page["pixel_diff"] > 1.0


@pytest.mark.slow
def test_export_and_report_show_the_documents(crawled, tmp_path):
    archive, _, base = crawled
    out = tmp_path / "a.jsonl"
    run_cli("export", "--archive", str(archive), "--format", "jsonl", "-o", str(out))
    rows = {r["wp_post_id"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    for want in iter_document_truth(POSTS, SEED, base):
        row = rows[want["wp_post_id"]]
        assert want["url"] in row["documents"] and want["file_name"] in row["document_names"]
    report = tmp_path / "r.html"
    run_cli("report", "--archive", str(archive), "-o", str(report))
    page = report.read_text(encoding="utf-8")
    pdfs = sum(1 for t in iter_document_truth(POSTS, SEED, base) if t["mime_type"] == "application/pdf")
    assert 'id="t-documents"' in page
    assert f"<td>application/pdf</td><td class=\"n\">{pdfs}</td>" in page


@pytest.mark.slow
def test_search_finds_a_phrase_only_inside_a_pdf(crawled):
    archive, _, base = crawled
    pdfs = [t for t in iter_document_truth(POSTS, SEED, base) if t["mime_type"] == "application/pdf"]
    for want in pdfs[::13]:
        code = next(line for line in want["text"].splitlines() if line.startswith("Mã hồ sơ"))
        for query in (code, fold(code)):  # with its tone marks, and typed without
            plain = json.loads(run_cli("search", "--archive", str(archive), "--format", "json",
                                       f'"{query}"').stdout)
            assert plain == []  # the phrase is in no article's own text
            hits = json.loads(run_cli("search", "--archive", str(archive), "--format", "json",
                                      f'document:"{query}"').stdout)
            assert [(h["in_document"], h["url"]) for h in hits] == \
                [(want["url"], article_url(archive, want["wp_post_id"]))], query


def article_url(archive, wp_post_id: int) -> str:
    return ro(archive / "archive.sqlite").execute(
        "SELECT url FROM articles WHERE wp_post_id=?", (wp_post_id,)).fetchone()[0]


@pytest.mark.slow
def test_max_pages_is_an_article_budget(crawled, tmp_path):
    """--max-pages N stores exactly N articles (it stored 32 for N=3 before the posts it
    requests were counted); listings, documents and requisites fetched on the way do not
    count against it."""
    budget = 8
    run_cli("crawl", "--archive", str(tmp_path / "a"), "--start-url", LIVE["url"],
            "--max-pages", str(budget), *FAST)
    conn = ro(tmp_path / "a" / "archive.sqlite")
    articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert articles == budget
    assert conn.execute("SELECT status FROM crawls").fetchone()[0] == "interrupted"
    others = conn.execute("SELECT count(*) FROM captures WHERE status = 200").fetchone()[0] - articles
    assert others > budget  # robots, sitemaps, documents, theme files and images came too
