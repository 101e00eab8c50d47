"""`verify --deep` on posts made of several captures: the later pages of multi-page posts
and the REST JSON (`replica --variety`, REST on). The rows the crawl assembled verify
clean, because verify puts each post together again by the rebuild's own rule
(``archive.warc.assemble.reassemble``); a row altered by SQL is still reported."""

from __future__ import annotations

import pytest
from clirun import run_cli
from fidelity_crawl import FAST

from archive.db import open_db
from archive.integrity.rowcheck import _parse
from crawler.replica_process import ReplicaProcess

pytestmark = pytest.mark.slow

POSTS, SEED = 40, 3


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    root = tmp_path_factory.mktemp("deep-parts") / "a"
    with ReplicaProcess(POSTS, SEED, extra_args=("--variety", "--rest", "on")) as replica:
        run_cli("crawl", "--archive", str(root), "--start-url", replica.url, *FAST)
    return root


def _deep(root) -> tuple[int, list[str]]:
    proc = run_cli("verify", "--archive", str(root), "--deep", check=False)
    return proc.returncode, proc.stdout.splitlines()


def test_multipage_and_rest_rows_verify_clean_and_an_altered_one_is_reported(archive):
    conn = open_db(archive / "archive.sqlite")    # the search index's triggers need its functions
    multipage = conn.execute("SELECT id, capture_id, body_text, pages FROM articles WHERE pages > 1"
                             " ORDER BY id").fetchall()
    rest = conn.execute("SELECT count(*) FROM captures WHERE url LIKE '%/wp-json/wp/v2/posts/%'"
                        " AND status = 200").fetchone()[0]
    enriched = conn.execute("SELECT id FROM articles WHERE pages = 1 AND wp_author IS NOT NULL"
                            " AND modified_at IS NOT NULL ORDER BY id").fetchall()
    assert multipage and rest >= POSTS // 2 and enriched, (multipage, rest, enriched)
    rc, lines = _deep(archive)
    assert rc == 0 and not [line for line in lines if line.startswith("article ")], lines[-20:]

    # take out a paragraph of the last page of a multi-page post (not on page 1)
    aid, capture_id, body, pages = multipage[0]
    page1 = _parse(conn, archive / "warc", capture_id,
                   conn.execute("SELECT url FROM captures WHERE id=?", (capture_id,)).fetchone()[0])
    later = [p for p in body.split("\n") if p.strip() and p not in page1.body_text]
    assert later, "the body holds the text of the later pages"
    conn.execute("UPDATE articles SET body_text=? WHERE id=?", (body.replace(later[-1], "", 1), aid))
    # and a field only the REST JSON gives (the account), and a page count
    other = enriched[0][0]
    conn.execute("UPDATE articles SET wp_author='Ai đó' WHERE id=?", (other,))
    third = multipage[1][0] if len(multipage) > 1 else None
    if third is not None:
        conn.execute("UPDATE articles SET pages=1 WHERE id=?", (third,))
    conn.commit()
    conn.close()
    rc, lines = _deep(archive)
    assert rc == 1
    deep = {int(line.split()[1]): line for line in lines
            if line.startswith("article ") and "differs from its WARC record" in line}
    assert "body_text" in deep[aid], deep
    assert "wp_author" in deep[other], deep
    if third is not None:
        assert "pages" in deep[third], deep
    assert set(deep) == {aid, other} | ({third} if third is not None else set()), deep
