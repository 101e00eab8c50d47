"""The revisit policy alone (archive.crawl.revisit): what a recurring crawl re-fetches."""

from __future__ import annotations

from datetime import date

from archive.crawl.revisit import KnownPage, RevisitPolicy

TODAY = date(2026, 11, 28)


def page(fetched="2026-11-20T10:00:00Z", last_modified=None, published=None, article_id=None,
         etag=None, current=True, gone=False) -> KnownPage:
    return KnownPage(fetched, etag, last_modified, published, article_id is not None, article_id,
                     current, gone)


def test_unknown_url_is_fetched():
    assert RevisitPolicy(today=TODAY).should_fetch("http://h/new.html", None)


def test_lastmod_is_compared_with_the_servers_last_modified_not_our_clock():
    policy = RevisitPolicy(today=TODAY)
    # our fetch happened (by our clock) before the server's dates: server clock ahead
    known = page(fetched="2026-11-20T00:00:00Z", last_modified="Sun, 29 Nov 2026 01:39:00 GMT",
                 published="2019-01-01T00:00:00+07:00", article_id=7)
    assert not policy.should_fetch("u", known, "2026-11-29T08:39:00+07:00")  # same instant
    assert policy.should_fetch("u", known, "2026-11-30T08:00:00+07:00")      # edited since


def test_lastmod_without_validators_falls_back_to_fetch_time():
    policy = RevisitPolicy(today=TODAY)
    known = page(fetched="2026-11-20T00:00:00Z", published="2019-01-01T00:00:00+07:00", article_id=7)
    assert policy.should_fetch("u", known, "2026-11-21T00:00:00Z")
    assert not policy.should_fetch("u", known, "2026-11-19T00:00:00Z")


def test_recent_posts_are_rechecked():
    policy = RevisitPolicy(recent_days=3, period_days=10_000, today=TODAY)
    assert policy.should_fetch("u", page(published="2026-11-26T09:00:00+07:00", article_id=1))
    assert not policy.should_fetch("u", page(published="2026-10-01T09:00:00+07:00", article_id=1))


def test_rotation_takes_an_even_share_each_day_and_covers_every_post_in_a_period():
    period = 90
    articles = range(1, 501)
    seen: set[int] = set()
    for offset in range(period):
        day = date.fromordinal(TODAY.toordinal() + offset)
        policy = RevisitPolicy(recent_days=0, period_days=period, today=day)
        todays = {a for a in articles
                  if policy.should_fetch(f"u{a}", page(published="2019-01-01", article_id=a))}
        assert len(todays) in (500 // period, 500 // period + 1)
        seen |= todays
    assert seen == set(articles)


def test_period_one_rechecks_everything():
    policy = RevisitPolicy(recent_days=0, period_days=1, today=TODAY)
    assert policy.should_fetch("u", page(published="2019-01-01", article_id=5))


def test_conditional_headers_from_validators():
    known = page(etag='W/"abc"', last_modified="Wed, 19 Aug 2026 10:42:00 GMT", article_id=1)
    assert RevisitPolicy.conditional_headers(known) == {
        "If-None-Match": 'W/"abc"', "If-Modified-Since": "Wed, 19 Aug 2026 10:42:00 GMT"}
    assert RevisitPolicy.conditional_headers(page()) == {}
    assert RevisitPolicy.conditional_headers(None) == {}
