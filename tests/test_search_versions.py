"""``search --versions``: every archived version is searched with the search's rules, and
each hit shows what changed against the version before it (a word diff)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from archive.db import open_db
from archive.research.search_versions import search_versions, word_diff

try:
    from .researcher_archive import build_archive
except ImportError:
    from researcher_archive import build_archive


@pytest.fixture(scope="module")
def layout(tmp_path_factory):
    return build_archive(tmp_path_factory.mktemp("versions") / "arch")


@pytest.fixture(scope="module")
def conn(layout):
    c = open_db(layout.db, readonly=True)  # a read-only connection, as the CLI's
    yield c
    c.close()


def got(conn, query, **kw):
    return [(h.article_id, h.version) for h in search_versions(conn, query, limit=50, **kw)]


def test_words_only_in_the_new_version(conn):
    assert got(conn, "Bạch Đằng") == [(1, 2)]
    assert got(conn, "bach dang") == [(1, 2)]
    assert got(conn, "title:(cập nhật)") == [(1, 2)]
    (hit,) = search_versions(conn, "Bạch Đằng")
    assert hit.versions == 2 and hit.seen_at.startswith("2026-11-20")
    assert "{+(cập nhật)+}" in hit.changes and "{+Cầu Bạch Đằng đã thông xe.+}" in hit.changes
    assert "[Bạch] [Đằng]" in hit.snippet


def test_words_in_both_versions_and_in_single_version_posts(conn):
    assert sorted(got(conn, "ven bien")) == [(1, 1), (1, 2)]
    hits = got(conn, "hai phong")
    assert {(1, 1), (1, 2), (2, 1), (6, 1), (9, 1)} == set(hits)
    v1 = next(h for h in search_versions(conn, "ven bien") if h.version == 1)
    assert v1.changes == ""


def test_accents_and_filters_apply(conn):
    assert got(conn, "Bạch Đằng", mode="exact") == [(1, 2)]
    assert got(conn, "Bach Dang", mode="exact") == []
    assert got(conn, "hai phong", since="2024") == [(9, 1)]


def test_word_diff():
    assert word_diff("a b c d", "a b x d") == "a b [-c-] {+x+} d"
    assert word_diff("same", "same") == ""
    far = word_diff(" ".join(map(str, range(40))), " ".join(map(str, range(40))).replace("1 ", "one ", 1)
                    .replace("38", "thirty-eight"))
    assert "…" in far and "{+one+}" in far and "{+thirty-eight+}" in far


def test_cli_versions(layout):
    from crawler.cli import main
    r = CliRunner().invoke(main, ["search", "--versions", "--format", "json", "--archive",
                                  str(layout.root), "Bạch Đằng"])
    assert r.exit_code == 0, r.output
    (hit,) = json.loads(r.output)
    assert hit["version"] == 2 and "{+Cầu Bạch Đằng đã thông xe.+}" in hit["changes"]
    r = CliRunner().invoke(main, ["search", "--versions", "--archive", str(layout.root), "bach dang"])
    assert r.exit_code == 0 and "changed:" in r.output
