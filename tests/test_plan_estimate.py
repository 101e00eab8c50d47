"""``archive.crawl.estimate``: the arithmetic of ``crawl --plan`` (no Scrapy, no network)."""

from __future__ import annotations

import math

import pytest

from archive.crawl.estimate import (
    DEFAULT_PER_POST,
    DEFAULT_THEME_FILES,
    Politeness,
    Would,
    capped,
    default_per_post,
    estimate,
    human_duration,
    slot_delay_for,
    would_fetch,
)
from archive.crawl.planner import CrawlPlanner
from archive.crawl.revisit import KnownPage, RevisitPolicy


def polite(**kw) -> Politeness:
    base = dict(download_delay=1.0, jitter=0.5, concurrent_requests=8, per_domain=1, autothrottle=False,
                autothrottle_max_delay=60.0, autothrottle_target=1.0)
    return Politeness(**{**base, **kw})


def test_interval_is_the_slot_delay_or_the_shared_latency():
    assert polite().interval(0.05) == 1.0
    assert polite(download_delay=0.0).interval(0.2) == pytest.approx(0.2)       # one at a time
    assert polite(download_delay=0.0, per_domain=4).interval(0.2) == pytest.approx(0.05)
    assert polite(download_delay=0.0, per_domain=16, concurrent_requests=4).interval(0.2) == \
        pytest.approx(0.05)                                                      # the global cap
    assert polite(download_delay=0.0).interval(0.0) > 0                          # the CPU floor


def test_crawl_delay_is_honoured_as_the_crawl_delay_middleware_does():
    # the randomised delay's lower bound delay*(1-jitter) is the Crawl-delay: mean 2 × 3 s
    assert polite(crawl_delay=3.0).interval(0.01) == pytest.approx(slot_delay_for(3.0, 0.5)) == 6.0
    assert polite(crawl_delay=3.0, jitter=0.0).interval(0.01) == 3.0
    assert polite(crawl_delay=0.2).interval(0.01) == 1.0                        # DOWNLOAD_DELAY is more
    assert polite(crawl_delay=500.0, crawl_delay_max=60.0, jitter=0.0).interval(0.01) == 60.0


def test_autothrottle_follows_the_latency_between_its_bounds():
    assert polite(autothrottle=True).interval(0.1) == 1.0                      # never below DOWNLOAD_DELAY
    assert polite(autothrottle=True).interval(3.0) == 3.0
    assert polite(autothrottle=True, autothrottle_target=2.0).interval(3.0) == pytest.approx(3.0)
    assert polite(autothrottle=True, autothrottle_target=2.0, per_domain=2).interval(3.0) == \
        pytest.approx(1.5)
    assert polite(autothrottle=True, autothrottle_max_delay=2.0, per_domain=8).interval(10.0) == 2.0


def test_default_fetches_per_post_follow_the_switches():
    everything = default_per_post(images=True, documents=True, requisites=True, follow_links=True, rest=True)
    assert everything == pytest.approx(sum(v for k, v in DEFAULT_PER_POST.items()
                                           if k != "images_without_requisites"))
    assert default_per_post(images=False, documents=False, requisites=False, follow_links=False,
                            rest=False) == 1.0
    assert default_per_post(images=True, documents=False, requisites=False, follow_links=False,
                            rest=False) == pytest.approx(1.0 + DEFAULT_PER_POST["images_without_requisites"])


def known_post(article_id: int, fetched="2026-01-01T00:00:00Z", published="2020-01-01T00:00:00+07:00"):
    return KnownPage(fetched, None, None, published, True, article_id)


def test_a_first_crawl_would_fetch_every_post():
    posts = {f"http://x/{i}.html": None for i in range(10)}
    would = would_fetch(CrawlPlanner({}), posts, from_sitemaps=True)
    assert (would.new, would.recheck, would.vanished, would.known) == (10, 0, 0, 0)


def test_an_incremental_crawl_asks_the_planner():
    known = {f"http://x/{i}.html": known_post(i) for i in range(5)}
    known["http://x/old.html"] = known_post(1000)                  # no sitemap lists it: vanished
    policy = RevisitPolicy(period_days=90)
    posts = {f"http://x/{i}.html": None for i in range(8)}           # 3 new
    posts["http://x/0.html"] = "2026-06-01T00:00:00Z"                # lastmod moved: re-check
    posts["http://x/1.html"] = "2025-01-01T00:00:00Z"                # lastmod older: skip
    planner = CrawlPlanner(known, policy)
    would = would_fetch(planner, posts, from_sitemaps=True)
    due = sum(policy.in_slice(u, known[u]) for u in ("http://x/2.html", "http://x/3.html", "http://x/4.html"))
    assert would.new == 3
    assert would.known == 5
    assert would.recheck == 1 + due
    assert would.vanished == 1


def test_without_sitemaps_every_known_post_is_a_candidate():
    known = {f"http://x/{i}.html": known_post(i) for i in range(90)}
    planner = CrawlPlanner(known, RevisitPolicy(period_days=90))
    would = would_fetch(planner, {}, from_sitemaps=False)
    assert would.recheck == 1           # one in 90 on its rotation turn (ids 0..89)
    assert would.vanished == 0


def test_windows_are_the_duration_over_max_duration_rounded_up():
    p = polite(download_delay=2.0)
    plan = estimate(start_url="http://x/", source="sitemaps", posts_found=100, listings_found=5,
                    archived=0, incremental=False, full=False, would=Would(new=100), per_post=5.0,
                    per_post_source="default", per_recheck=2.0, discovery_fetches=8, theme=None,
                    latency=0.01, politeness=p, window=300, window_given=True, plan_fetches=6)
    assert plan.fetches == 508
    assert plan.duration == pytest.approx(1016.0)
    assert plan.windows == math.ceil(1016 / 300) == 4
    doubled = estimate(**{**plan_kwargs(plan), "politeness": polite(download_delay=4.0)})
    assert doubled.duration == pytest.approx(2 * plan.duration)
    assert doubled.windows == math.ceil(2032 / 300)
    lines = plan.lines()
    assert any(line.startswith("windows: 4 of 5 min") for line in lines), lines
    assert plan.to_json()["would_fetch_posts"] == 100


def plan_kwargs(plan) -> dict:
    return dict(start_url=plan.start_url, source=plan.source, posts_found=plan.posts_found,
                listings_found=plan.listings_found, archived=plan.archived, incremental=plan.incremental,
                full=plan.full, would=plan.would, per_post=plan.per_post, per_post_source=plan.per_post_source,
                per_recheck=plan.per_recheck, discovery_fetches=plan.discovery_fetches, theme=None,
                latency=plan.latency, politeness=plan.politeness, window=plan.window,
                window_given=plan.window_given, plan_fetches=plan.plan_fetches)


def test_an_incremental_plan_counts_listings_and_theme_files_and_a_full_one_the_full_cost():
    base = dict(start_url="http://x/", source="sitemaps", posts_found=50, listings_found=10, archived=50,
                would=Would(new=2, recheck=3, known=48), per_post=6.0, per_post_source="history",
                per_recheck=2.0, discovery_fetches=8, latency=0.0, politeness=polite(),
                window=21600, window_given=False, plan_fetches=6)
    inc = estimate(**base, incremental=True, full=False, theme=None)
    assert inc.fetches == 8 + (10 + 1 + DEFAULT_THEME_FILES) + 2 * 6 + 3 * 2
    assert estimate(**base, incremental=True, full=False, theme=3).fetches == 8 + 14 + 12 + 6
    full = estimate(**base, incremental=False, full=True, theme=None)
    assert full.fetches == 8 + 5 * 6
    assert full.lines()[0].startswith("plan of the full (everything again) crawl")


def test_human_durations():
    assert human_duration(42) == "42 s"
    assert human_duration(125) == "2 min 5 s"
    assert human_duration(3 * 3600 + 60) == "3 h 1 min"
    assert human_duration(2 * 86400 + 3600) == "2 d 1 h 0 min"


def test_max_pages_caps_the_posts_new_first():
    would = Would(new=10, recheck=5, vanished=2, known=20)
    assert capped(would, 0) == would
    assert capped(would, 12) == Would(10, 2, 0, 20)
    assert capped(would, 4) == Would(4, 0, 0, 20)
    assert capped(would, 100) == would
