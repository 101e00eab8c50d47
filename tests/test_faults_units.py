"""The pure parts of ``crawler.middlewares``: Retry-After, backoff, delays, URL patterns, inflation bounds."""

from __future__ import annotations

import functools
import gzip
import zlib
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest

from archive.crawl.estimate import slot_delay_for
from crawler.middlewares.decompression import TooLarge, check_decoded_size
from crawler.middlewares.redirect_guard import host_allowed
from crawler.middlewares.retry_after import backoff, parse_retry_after
from crawler.middlewares.trap_guard import canonical, url_pattern

NOW = datetime(2026, 11, 28, 12, 0, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("value, seconds", [
    (b"120", 120.0), ("0", 0.0), (" 7 ", 7.0),
    (format_datetime(NOW + timedelta(seconds=90), usegmt=True), 90.0),
    (format_datetime(NOW - timedelta(hours=1), usegmt=True), 0.0),  # in the past: no wait
    ("Sat, 28 Nov 2026 12:00:30 GMT", 30.0),
    (None, None), ("", None), ("soon", None), ("-5", None), ("1.5", None),
])
def test_parse_retry_after(value, seconds):
    assert parse_retry_after(value, now=NOW) == seconds


def test_backoff_is_exponential_at_least_retry_after_and_capped():
    assert [backoff(n, 1.0, 300.0, None) for n in (1, 2, 3, 4)] == [1.0, 2.0, 4.0, 8.0]
    assert backoff(1, 1.0, 300.0, 30.0) == 30.0        # Retry-After wins when longer
    assert backoff(6, 1.0, 300.0, 2.0) == 32.0         # a server that keeps throttling: back off more
    assert backoff(20, 1.0, 300.0, None) == 300.0      # capped
    assert backoff(1, 1.0, 60.0, 86400.0) == 60.0      # an absurd Retry-After is capped too


def test_slot_delay_keeps_the_randomised_lower_bound_at_crawl_delay():
    assert slot_delay_for(2.0, 0.0) == 2.0
    assert slot_delay_for(2.0, 0.5) == 4.0  # uniform in [2, 6]: never below 2
    assert slot_delay_for(2.0, 1.0) == 2.0  # jitter of 1 has no positive lower bound to widen


@pytest.mark.parametrize("url, pattern", [
    ("http://h/lich/2026/11/", "h/lich/0/0/"),
    ("http://h/lich/1907/3/12/", "h/lich/0/0/0/"),
    ("http://h:8080/tim-kiem/page/17/?sort=date&order=desc", "h/tim-kiem/page/0/?order&sort"),
    ("http://H/dieu-16-luat-so-24-2018.html", "h/dieu-0-luat-so-0-0.html"),
])
def test_url_pattern_folds_digits(url, pattern):
    assert url_pattern(url) == pattern


@pytest.mark.parametrize("url, expected", [
    ("javascript:void(0)", None), ("mailto:a@b.vn", None), ("tel:+84225", None),
    ("data:text/html,x", None), ("ftp://h/x", None),
    ("http://h/wp-content/../category/chinh-tri/", "http://h/category/chinh-tri/"),
    ("http://h/%63ategory/%6Binh-te/", "http://h/category/kinh-te/"),
    ("http://h/category/a/%2E%2E/b/", "http://h/category/b/"),
    ("http://h/a/./b/#frag", "http://h/a/b/"),
    ("http://h/?b=2&a=1", "http://h/?a=1&b=2"),
])
def test_canonical(url, expected):
    assert canonical(url) == expected


def test_host_allowed_ignores_ports_and_allows_subdomains():
    domains = ["thanhphohaiphong.gov.vn"]
    assert host_allowed("thanhphohaiphong.gov.vn", domains)
    assert host_allowed("www.thanhphohaiphong.gov.vn", domains)
    assert host_allowed("127.0.0.5", ["127.0.0.5:80"])
    assert not host_allowed("evilthanhphohaiphong.gov.vn", domains)
    assert not host_allowed("offsite.invalid", domains)
    assert not host_allowed(None, domains)


@functools.cache
def _bomb(mib: int) -> bytes:
    return gzip.compress(b"\0" * (mib * 1024 * 1024), 9)


BIG = 16  # MiB inflated: four times the limit below (made once: compressing is the cost)


def test_inflation_is_bounded_for_gzip_deflate_and_layers():
    limit = 4 * 1024 * 1024
    check_decoded_size(_bomb(3), ["gzip"], limit)  # under the limit: fine
    with pytest.raises(TooLarge):
        check_decoded_size(_bomb(BIG), ["gzip"], limit)
    with pytest.raises(TooLarge):
        check_decoded_size(_bomb(BIG), ["x-gzip"], limit)
    raw = zlib.compressobj(9, zlib.DEFLATED, -15)
    with pytest.raises(TooLarge):  # raw deflate, as some servers send it
        check_decoded_size(raw.compress(b"\0" * BIG * 2**20) + raw.flush(), ["deflate"], limit)
    with pytest.raises(TooLarge):  # zlib-wrapped deflate
        check_decoded_size(zlib.compress(b"\0" * BIG * 2**20, 9), ["deflate"], limit)
    with pytest.raises(TooLarge):  # a bomb inside a bomb
        check_decoded_size(gzip.compress(_bomb(BIG)), ["gzip", "gzip"], limit)
    with pytest.raises(TooLarge):  # many small gzip members add up
        check_decoded_size(_bomb(3) * 3, ["gzip"], limit)


def test_inflation_check_leaves_odd_bodies_to_scrapy():
    check_decoded_size(b"not gzip at all", ["gzip"], 10)
    check_decoded_size(_bomb(BIG)[:1000], ["gzip"], 10 * 2**20)  # cut short: not a bomb
    check_decoded_size(b"\x00" * 100, ["br"], 10)
    check_decoded_size(b"x" * 100, ["identity"], 10)
