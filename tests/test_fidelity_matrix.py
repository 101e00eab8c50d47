"""Done when (issue 11): for each theme (classic, block) × REST API on/refused × JSON-LD
on/off, every articles column equals the replica's truth for ≥ 99 % of posts — through
`portal-archive crawl` run as a subprocess, one crawl per set-up of a --variety replica.
The table itself: bench/fidelity_matrix.py, docs/replica.md."""

from __future__ import annotations

import pytest
from fidelity_crawl import crawl_setup

from replica.fidelity import MATRIX

pytestmark = pytest.mark.slow

POSTS, SEED = 80, 5
THRESHOLD = 0.99
FIELDS = ("wp_post_id", "url", "slug", "title", "lead", "body_text", "published_at", "published_raw",
          "date_is_bulk_import", "event_date", "author", "source", "original_url", "modified_at",
          "wp_author", "pages", "categories", "tags", "images")


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    work = tmp_path_factory.mktemp("fidelity")
    return {setup: crawl_setup(work, *setup, posts=POSTS, seed=SEED) for setup in MATRIX}


def test_every_setup_crawls_cleanly_and_stores_only_articles(results):
    for setup, r in results.items():
        assert r["exit"] == 0, (setup, r["stderr"])
        assert r["extra"] == [], setup          # password-protected posts are not articles
        assert set(r["shares"]) == set(FIELDS)


@pytest.mark.parametrize("field", FIELDS)
def test_field_equals_truth_for_99_percent(results, field):
    low = {}
    for setup, r in results.items():
        equal, total = r["shares"][field]
        if equal < THRESHOLD * total:
            low["/".join(setup)] = (equal, total, [d for d in r["diffs"] if d[1] == field][:2])
    assert not low, low
