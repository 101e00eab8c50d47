"""The crawl planner (archive/crawl/planner.py) on its own: no Scrapy, no network."""

from __future__ import annotations

from datetime import date

from archive.crawl.planner import DEFER, FETCH, NOT_DUE, SKIP, CrawlPlanner
from archive.crawl.revisit import KnownPage, RevisitPolicy

TODAY = date(2026, 12, 1)
B = "http://127.0.0.1:8765"
LM = "Sun, 01 Nov 2026 03:00:00 GMT"


def post(article_id, published="2026-01-05T10:00:00+07:00", *, etag='"e"', lm=LM,
         current=True, gone=False):
    return KnownPage("2026-11-20T00:00:00Z", etag, lm, published, True, article_id, current, gone)


def planner(known=None, full=False, period=90):
    known = {f"{B}/old.html": post(1), f"{B}/recent.html": post(2, "2026-11-30T09:00:00+07:00"),
             f"{B}/wp-content/uploads/a.jpg": KnownPage("2026-11-20T00:00:00Z", None, None, None, False),
             **(known or {})}
    return CrawlPlanner(known, RevisitPolicy(recent_days=3, period_days=period, today=TODAY), full=full)


def test_a_first_or_full_crawl_fetches_everything_without_conditions():
    for p in (CrawlPlanner({}), planner(full=True)):
        assert not p.incremental
        for url, kind in ((f"{B}/old.html", "post"), (f"{B}/x.jpg", "image"), (f"{B}/", "listing")):
            d = p.plan(url, kind, "2020-01-01")
            assert d.action == FETCH and d.headers is None
        assert p.listing_goes_on([f"{B}/old.html"]) and p.due_vanished() == []


def test_new_urls_are_fetched_known_images_never_again():
    p = planner()
    assert p.plan(f"{B}/new.html", "post").action == FETCH
    assert p.plan(f"{B}/wp-content/uploads/a.jpg", "image").action == SKIP
    assert p.plan(f"{B}/category/x/", "listing").action == FETCH  # listings are how changes are found


def test_lastmod_decides_with_conditional_headers():
    p = planner()
    moved = p.plan(f"{B}/old.html", "post", "2026-11-02T08:00:00+07:00")
    assert moved.action == FETCH and moved.headers == {"If-None-Match": '"e"', "If-Modified-Since": LM}
    assert p.plan(f"{B}/old.html", "post", "2026-11-01T10:00:00+07:00").action == SKIP  # = Last-Modified


def test_a_known_post_without_lastmod_waits_for_the_sitemaps():
    p = planner()
    assert p.plan(f"{B}/recent.html", "post").action == DEFER
    assert p.plan(f"{B}/old.html", "post").action == DEFER
    p.plan(f"{B}/old.html", "post", "2026-10-01T00:00:00+07:00")  # the sitemap decides this one
    due = dict(p.due_deferred())
    assert set(due) == {f"{B}/recent.html"}                       # judged by recency at the end
    assert due[f"{B}/recent.html"].action == FETCH and due[f"{B}/recent.html"].headers
    assert p.due_deferred() == []                                  # once


def test_the_rotation_takes_each_old_post_once_per_period():
    known = {f"{B}/p{i}.html": post(100 + i) for i in range(90)}
    p = planner(known)
    for url in known:
        p.plan(url, "post")
    fetched = [u for u, d in p.due_deferred() if d.action == FETCH]
    assert len(fetched) == 1  # 1/90 of the old posts tonight (article ids 100…189)
    every_night = planner(known, period=1)
    for url in known:
        every_night.plan(url, "post")
    assert all(d.action == FETCH for _, d in every_night.due_deferred())


def test_listing_stops_on_a_page_without_a_new_post():
    p = planner()
    assert not p.listing_goes_on([f"{B}/old.html", f"{B}/recent.html"])
    assert p.listing_goes_on([f"{B}/old.html", f"{B}/brand-new.html"])


def test_vanished_posts_are_rechecked_once_after_the_sitemaps():
    p = planner({f"{B}/old-slug.html": post(3, current=False), f"{B}/deleted.html": post(4, gone=True)})
    assert p.due_vanished() == []                 # no sitemap read yet: nothing is known to be missing
    p.note_sitemap_post(f"{B}/recent.html")
    due = dict(p.due_vanished())
    assert f"{B}/old.html" in due                 # live, but no sitemap lists it any more
    assert f"{B}/recent.html" not in due          # listed
    assert all(d.action == FETCH and d.headers for d in due.values())
    # an old slug or a gone post only on its rotation turn (article id % 90 == today's)
    turn = TODAY.toordinal() % 90
    assert (f"{B}/old-slug.html" in due) == (3 % 90 == turn)
    assert p.due_vanished() == []                 # once per crawl


def test_a_404_of_a_known_post_is_a_deletion():
    p = planner()
    assert p.is_known_post(f"{B}/old.html")
    assert not p.is_known_post(f"{B}/wp-content/uploads/a.jpg") and not p.is_known_post(f"{B}/nope.html")


def test_a_skipped_known_post_says_why_and_a_deferred_one_is_no_skip():
    p = planner()
    assert p.plan(f"{B}/old.html", "post", "2026-10-01T00:00:00+07:00").reason == NOT_DUE
    assert p.plan(f"{B}/wp-content/uploads/a.jpg", "image").reason != NOT_DUE  # not a revisit skip
    assert p.plan(f"{B}/recent.html", "post").reason != NOT_DUE


def test_page_requisites_skip_known_uploads_only():
    p = planner()
    upload = f"{B}/wp-content/uploads/a.jpg"
    assert p.plan_requisite(upload, "image").action == SKIP
    assert p.plan_requisite(f"{B}/wp-content/uploads/new.jpg", "image").action == FETCH
    # a theme file is fetched every crawl, known or not; so is anything the URL policy
    # classifies as a page (a requisite never enters the post rules: no deferral)
    theme = f"{B}/wp-content/themes/t/style.css"
    q = planner({theme: KnownPage("2026-11-20T00:00:00Z", None, None, None, False)})
    assert q.plan_requisite(theme, None).action == FETCH
    assert q.plan_requisite(theme, "requisite").action == FETCH
    assert q.plan_requisite(f"{B}/old.html", "post").action == FETCH and q.due_deferred() == []
    assert planner(full=True).plan_requisite(upload, "image").action == FETCH


def test_the_vanished_check_says_whether_it_ran():
    p = planner()
    p.due_vanished()
    assert not p.vanished_checked             # no sitemap yet: it runs later
    p.note_sitemap_post(f"{B}/old.html")
    p.due_vanished()
    assert p.vanished_checked


def test_a_crawl_planner_from_the_crawl_settings():
    p = CrawlPlanner.for_crawl({f"{B}/old.html": post(1)}, recent_days=5, period_days=30)
    assert p.incremental and p.policy.recent_days == 5 and p.policy.period_days == 30
    assert not CrawlPlanner.for_crawl({f"{B}/old.html": post(1)}, recent_days=5, period_days=30,
                                      full=True).incremental
