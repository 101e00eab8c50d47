"""``search --all``: several archives' hits merged. A broad query's hits (all scored 0)
interleave across archives by the broad rule's group, then by when each post was first
archived — not portal by portal; other queries merge by relevance as before."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from click.testing import CliRunner

import archive.research.search as search_mod
from archive.db import open_db
from archive.layout import ArchiveLayout
from archive.research.search import (
    MERGE_BROAD,
    MERGE_BY_SCORE,
    search,
    search_portals,
)

AT = 50  # queries matching more than this many posts of an archive are broad (``broad=AT``)
START = datetime(2026, 11, 1, tzinfo=timezone.utc)


def _archive(root, n: int, *, hour: int, step: int, titled_every: int, marked_every: int):
    """An archive of ``n`` posts that all say ``cong`` (or ``công``); the posts are first
    archived one every ``step`` hours from ``hour``, in id order (the two archives' capture
    times interleave), every ``titled_every``-th with the word in its title."""
    ArchiveLayout(root).db.parent.mkdir(parents=True, exist_ok=True)
    conn = open_db(ArchiveLayout(root).db)
    rows = []
    for i in range(1, n + 1):
        seen = (START + timedelta(hours=hour + step * i)).strftime("%Y-%m-%dT%H:%M:%SZ")
        word = "công" if i % marked_every == 0 else "cong"
        title = f"tin {word} số {i}" if i % titled_every == 0 else f"tin số {i}"
        rows.append((i, f"https://portal.example/{root.name}/p{i}.html", title,
                     f"lời dẫn {word} {i}", "nội dung bài viết",
                     "2020-01-01T08:00:00+07:00", seen, seen))
    with conn:
        conn.executemany("INSERT INTO articles (wp_post_id, url, title, lead, body_text,"
                         " published_at, first_seen_at, last_seen_at) VALUES (?,?,?,?,?,?,?,?)",
                         rows)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return root


@pytest.fixture(scope="module")
def archives(tmp_path_factory):
    base = tmp_path_factory.mktemp("portals")
    alpha = _archive(base / "alpha", 120, hour=0, step=2, titled_every=3, marked_every=4)
    beta = _archive(base / "beta", 40, hour=1, step=6, titled_every=5, marked_every=2)
    conns = {name: open_db(ArchiveLayout(root).db, readonly=True)
             for name, root in (("alpha", alpha), ("beta", beta))}
    yield base, conns
    for c in conns.values():
        c.close()


def _sources(conns):
    return [("alpha", conns["alpha"]), ("beta", conns["beta"])]


def test_broad_hits_interleave_by_group_then_first_archived(archives):
    _, conns = archives
    hits = search_portals(_sources(conns), "cong", limit=300, broad=AT)
    assert len(hits) == 160
    assert all(h.score == 0 and h.broad_group is not None for h in hits)
    # each archive's ids grow with their capture time, so the merge is a plain sort here
    expected = sorted(hits, key=lambda h: h.first_seen_at, reverse=True)
    expected.sort(key=lambda h: h.broad_group)
    assert [(h.portal, h.article_id) for h in hits] == \
        [(h.portal, h.article_id) for h in expected]
    # groups: letters as typed in the title, elsewhere, any reading in the title, the rest
    assert [h.broad_group for h in hits] == sorted(h.broad_group for h in hits)
    assert {h.broad_group for h in hits} == {1, 2, 3, 4}
    # interleaved, not portal by portal within each group (at most 7 changes of portal)
    portals = [h.portal for h in hits]
    assert set(portals[:5]) == {"alpha", "beta"}
    assert sum(a != b for a, b in zip(portals, portals[1:])) > 20
    # each archive's own order is kept (beta, not broad alone, is ranked by the same rule)
    for name in ("alpha", "beta"):
        own = search(conns[name], "cong", limit=300, broad=0)
        assert [h.article_id for h in hits if h.portal == name] == [h.article_id for h in own]


def test_broad_pages_follow_the_merged_order(archives):
    _, conns = archives
    whole = search_portals(_sources(conns), "cong", limit=60, broad=AT)
    pages = [h for k in range(3) for h in
             search_portals(_sources(conns), "cong", limit=20, offset=20 * k, broad=AT)]
    assert [(h.portal, h.article_id) for h in pages] == [(h.portal, h.article_id) for h in whole]


def test_other_queries_merge_by_score(archives):
    _, conns = archives
    hits = search_portals(_sources(conns), "cong", limit=300, rank="bm25", broad=AT)
    assert all(h.broad_group is None for h in hits)
    assert [(not h.exact_letters, h.score) for h in hits] == \
        sorted((not h.exact_letters, h.score) for h in hits)
    narrow = search_portals(_sources(conns), "số 7", limit=10, broad=AT)  # not broad anywhere
    assert narrow and all(h.broad_group is None for h in narrow)


def test_cli_summary_says_how_the_merged_list_is_ordered(archives, monkeypatch):
    from crawler.cli import main
    base, _ = archives
    config = base / "portals.toml"
    config.write_text("".join(
        f'[sites.{n}]\nstart_url = "https://{n}.example/"\narchive = "{base / n}"\n\n'
        for n in ("alpha", "beta")), encoding="utf-8")
    monkeypatch.setattr(search_mod, "BROAD_MATCHES", AT)
    runner = CliRunner()
    broad = runner.invoke(main, ["search", "--all", "--config", str(config), "--format", "json",
                                 "--limit", "5", "cong"])
    assert broad.exit_code == 0, broad.output
    assert f"hits of 2 archives (alpha, beta) merged {MERGE_BROAD}" in broad.stderr
    assert "first_seen_at" in MERGE_BROAD
    narrow = runner.invoke(main, ["search", "--all", "--config", str(config), "--format", "json",
                                  "số 7"])
    assert narrow.exit_code == 0, narrow.output
    assert f"merged {MERGE_BY_SCORE}" in narrow.stderr
