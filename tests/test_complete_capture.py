"""Complete capture on the replica: documents (and their text), found on a first crawl,
rebuilt by ``reindex``, revisited by an unchanged ``--full`` recrawl."""

from __future__ import annotations

import sqlite3

import pytest
from clirun import run_cli
from reindex_compare import assert_same

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
    return archive, first, base


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
    # each document fetched once
    dup = conn.execute("SELECT url, count(*) FROM captures WHERE url LIKE '%/wp-content/uploads/%' "
                       "GROUP BY url HAVING count(*) > 1").fetchall()
    assert dup == []


@pytest.mark.slow
def test_unchanged_full_recrawl_writes_revisits_for_every_document(crawled):
    archive, first, base = crawled
    conn = ro(archive / "archive.sqlite")
    crawl2 = conn.execute("SELECT max(id) FROM crawls").fetchone()[0]
    urls = [t["url"] for t in iter_document_truth(POSTS, SEED, base)]
    got = dict(conn.execute(
        f"SELECT url, record_type FROM captures WHERE crawl_id=? AND url IN ({','.join('?' * len(urls))})",
        (crawl2, *urls)).fetchall())
    assert set(got) == set(urls) and set(got.values()) == {"revisit"}
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
