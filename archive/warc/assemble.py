"""One article from several captures: the pages of a multi-page post and the
post's REST JSON (``/wp-json/wp/v2/posts/<id>``).

A post page names the captures that complete it: ``Article.page_urls`` (every
page of a post split with ``<!--nextpage-->``) and ``Article.rest_url`` (the
``<link rel="alternate" type="application/json">``). The crawl fetches them
right after page 1 and stores one article once all have answered; ``reindex``
and ``import`` find the same captures in the WARC files. Both call
``assemble`` (the parser's ``merge_pages`` and ``apply_rest``), so the rows
are the same.

The REST API is a source, not a requirement: a 401/403/404 (common on
government sites), a body that is not JSON, or JSON about another post changes
nothing — the article stands on its HTML alone.

Which answer of a part counts (``settles``), for the crawl and the rebuild
alike: the **final** answer the crawl that fetched page 1 got for it. A 2xx
or a refusal that a retry does not change (a 4xx other than 408/429) settles
the part at once. A transient answer (408, 429, any 5xx) or a redirect does
not: the crawl asks again (Scrapy's retry) or follows it, and the WARC file
holds that later answer after the first — the later one counts. A part whose
every answer was transient (retries exhausted: the crawl calls ``failed``; the
rebuild reaches the end of that crawl's files) settles as failed, and the post
is stored from what it has.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import unquote

from archive.parser.model import Article
from archive.parser.multipage import merge_pages, page_number
from archive.parser.rest import apply_rest

REST_POST = re.compile(r"/wp-json/wp/v2/posts/(\d+)/?$|[?&]rest_route=/wp/v2/posts/(\d+)")
MAX_REST_BYTES = 8 * 1024 * 1024    # a post's JSON beyond this is not read (it stays in the WARC)


def rest_post_id(url: str) -> int | None:
    """The post id of a REST post URL (``…/wp-json/wp/v2/posts/123``), else None."""
    m = REST_POST.search(url.split("#", 1)[0].split("?_embed", 1)[0])
    if not m:
        return None
    return int(m.group(1) or m.group(2))


def with_embed(url: str) -> str:
    """The REST post URL asking for ``_embed`` (the author's name and the terms in one fetch)."""
    return url + ("&" if "?" in url else "?") + "_embed"


def load_rest(body: bytes | None) -> dict | None:
    """The REST post object from a 200 response body, or None when it is not one."""
    if not body or len(body) > MAX_REST_BYTES:
        return None
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("id"), int) else None


REST, PAGE, FAILED = "rest", "page", "failed"   # PostParts.route: where an answer goes


def settles(status: int | None) -> bool:
    """Whether an answer with this HTTP status is a part's final answer (module doc):
    a 2xx, or a 4xx a retry does not change; not a transient 408/429/5xx, a redirect,
    or no answer at all."""
    if status is None:
        return False
    return 200 <= status < 300 or (400 <= status < 500 and status not in (408, 429))


def assemble(pages: list[Article], rest: dict | None = None) -> Article:
    """The article of a post from its pages (page 1 first) and its REST post object."""
    article = merge_pages(pages) if len(pages) > 1 else pages[0]
    return apply_rest(article, rest) if rest is not None else article


# ---- gathering the parts: the same bookkeeping for the crawl and the rebuild -----------

def page_key(url: str) -> tuple[str, int]:
    """(page 1's URL, normalised for matching; page number) of a post page URL."""
    stem, n = page_number(url)
    return unicodedata.normalize("NFC", unquote(stem)).rstrip("/"), n


@dataclass
class Held:
    """A post's page 1 waiting for its other pages and its REST answer."""
    first: Article
    capture_id: int | None
    fetched_at: str | None
    pages: dict[int, Article] = field(default_factory=dict)
    want_pages: set[int] = field(default_factory=set)
    want_rest: bool = False
    rest: dict | None = None


@dataclass(frozen=True)
class Ready:
    """An assembled article, to be saved with page 1's capture and time."""
    article: Article
    capture_id: int | None
    fetched_at: str | None


class PostParts:
    """Holds page 1 of each post that has other parts until every part answered.

    ``hold(article, …)`` → the part URLs to fetch (empty: nothing to wait for, save
    the article as it is); ``page(article)``, ``rest(url, status, body)`` and
    ``failed(url)`` report a part and return the posts now complete; ``drain()``
    gives the posts whose parts never answered (saved with what they have).
    ``fetch_rest=False`` leaves the REST API out.
    """

    def __init__(self, *, fetch_rest: bool = True):
        self.fetch_rest = fetch_rest
        self.held: dict[object, Held] = {}
        self._by_page: dict[tuple[str, int], object] = {}
        self._by_rest: dict[int, object] = {}

    def __len__(self) -> int:
        return len(self.held)

    def hold(self, article: Article, capture_id: int | None, fetched_at: str | None) -> list[str]:
        if article.page > 1:
            return []
        key = article.wp_post_id if article.wp_post_id is not None else article.url
        want_pages = {n for n in range(1, len(article.page_urls) + 1) if n != article.page}
        urls = [article.page_urls[n - 1] for n in sorted(want_pages)]
        rest_id = rest_post_id(article.rest_url) if (self.fetch_rest and article.rest_url) else None
        if rest_id is not None and article.wp_post_id not in (None, rest_id):
            rest_id = None                     # a REST link to another post: not this one's
        if rest_id is not None:
            urls.append(with_embed(article.rest_url))
        if not urls or key in self.held:
            return []
        self.held[key] = Held(article, capture_id, fetched_at, want_pages=want_pages,
                              want_rest=rest_id is not None)
        for n in want_pages:
            self._by_page[page_key(article.page_urls[n - 1])[0], n] = key
        if rest_id is not None:
            self._by_rest[rest_id] = key
        return urls

    def is_part(self, url: str) -> bool:
        """Whether ``url`` is a part some held post waits for."""
        rid = rest_post_id(url)
        return rid in self._by_rest if rid is not None else page_key(url) in self._by_page

    def route(self, url: str, status: int | None, parse: bool) -> str | None:
        """Where an answer goes, one rule for the rebuild and ``reassemble`` (the crawl's
        callbacks are routed by Scrapy the same way): ``REST`` (the JSON of a held post,
        for ``rest``), ``PAGE`` (a page to parse: page 1 is held, a later page goes to
        ``page``, an unreadable part to ``failed``), ``FAILED`` (a part's final answer
        that is not a page, e.g. a 404) or None (not a part, nothing to parse).
        ``parse`` is the capture→rows decision ``wants_parse``."""
        part = bool(self.held) and self.is_part(url)
        if part and rest_post_id(url) is not None:
            return REST
        if parse:
            return PAGE
        return FAILED if part and settles(status) else None

    def page(self, article: Article) -> list[Ready]:
        """A later page (``article.page > 1``) arrived."""
        key = self._pop_page(article)
        if key is None:
            return []
        held = self.held[key]
        held.pages[article.page] = article
        held.want_pages.discard(article.page)
        return self._check(key)

    def _pop_page(self, article: Article):
        for url in (article.url, *article.page_urls[article.page - 1:article.page]):
            stem, _ = page_key(url)
            key = self._by_page.pop((stem, article.page), None)
            if key is not None:
                return key
        return None

    def rest(self, url: str, status: int | None, body: bytes | None) -> list[Ready]:
        """The REST post URL answered (any status; ``body`` decoded). An answer that
        does not settle the part (``settles``: a transient 5xx/429, a redirect) is
        passed over: the post waits for the next answer."""
        if not settles(status):
            return []
        return self._rest_settled(url, load_rest(body) if status == 200 else None)

    def _rest_settled(self, url: str, rest: dict | None) -> list[Ready]:
        rid = rest_post_id(url)
        key = self._by_rest.pop(rid, None) if rid is not None else None
        if key is None:
            return []
        held = self.held[key]
        held.want_rest = False
        held.rest = rest
        return self._check(key)

    def failed(self, url: str) -> list[Ready]:
        """A part that will not answer (connection failure or transient answers after the
        last retry, a page that is not the post's): settled without it."""
        rid = rest_post_id(url)
        if rid is not None:
            return self._rest_settled(url, None)
        stem, n = page_key(url)
        key = self._by_page.pop((stem, n), None)
        if key is None:
            return []
        self.held[key].want_pages.discard(n)
        return self._check(key)

    def _check(self, key) -> list[Ready]:
        held = self.held[key]
        if held.want_pages or held.want_rest:
            return []
        return [self._ready(key)]

    def _ready(self, key) -> Ready:
        held = self.held.pop(key)
        pages = [held.first] + [held.pages[n] for n in sorted(held.pages)]
        return Ready(assemble(pages, held.rest), held.capture_id, held.fetched_at)

    def drain(self) -> list[Ready]:
        self._by_page.clear()
        self._by_rest.clear()
        return [self._ready(key) for key in list(self.held)]


# ---- one post again, from the captures that followed its page 1 ------------------------

@dataclass(frozen=True)
class Answer:
    """A later capture of the crawl that fetched a post's page 1, as ``reassemble``
    reads it: ``parse`` is ``capture_rows.wants_parse`` of it; ``page()`` its page
    (parsed with the capture→rows guard; None: not a post page; raises when the page
    could not be parsed, which settles nothing); ``body()`` its decoded body (a REST
    answer)."""
    url: str
    status: int | None
    parse: bool
    page: Callable[[], Article | None]
    body: Callable[[], bytes | None]


def reassemble(first: Article, answers: Iterable[Answer]) -> Article:
    """The article the crawl and the rebuild stored for a post whose page 1 is
    ``first``: its parts are looked for, in capture order, among ``answers`` (the
    later captures of the same crawl) with the same ``PostParts`` bookkeeping (which
    answer counts: ``settles``), and ``assemble``d. ``verify --deep`` proves a row
    with it; a part no answer settles is left out, as the rebuild leaves it out."""
    parts = PostParts()
    if not parts.hold(first, None, None):
        return first
    for answer in answers:
        route = parts.route(answer.url, answer.status, answer.parse)
        ready: list[Ready] = []
        if route == REST:
            ready = parts.rest(answer.url, answer.status, answer.body() if answer.status == 200 else None)
        elif route == PAGE:
            try:
                article = answer.page()
            except Exception:  # noqa: BLE001 - an unparsable page settles nothing (an errors row)
                continue
            if article is None:
                ready = parts.failed(answer.url) if parts.is_part(answer.url) else []
            elif article.page > 1:
                ready = parts.page(article)
        elif route == FAILED:
            ready = parts.failed(answer.url)     # a later page's final answer is not the page
        if ready:
            return ready[0].article
    return parts.drain()[0].article
