"""The deterministic post generator: ``Corpus(posts, seed)``.

Only a compact index is built at start (post ids, slug → index, per-term
index arrays); every post is regenerated from ``(seed, index)`` on demand.
Post *i* (0-based) has a larger id and a later (or equal) date than post *i-1*.
The first ~8 % are the bulk import of 26/01/2019 19:00–23:59 whose text names
the earlier event date.
"""

from __future__ import annotations

import bisect
import random
from array import array
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from archive.text import slugify

from . import textgen
from . import words as W
from .accounts import ACCOUNTS, WEIGHTS

TZ = timezone(timedelta(hours=7))
BULK_DAY = datetime(2019, 1, 26, 19, 0, tzinfo=TZ)
FIRST_REGULAR = datetime(2019, 1, 27, 7, 0, tzinfo=TZ)
LAST_REGULAR = datetime(2026, 11, 27, 18, 0, tzinfo=TZ)
LAST_EDIT = datetime(2026, 11, 27, 23, 0, tzinfo=TZ)
BULK_SHARE = 0.08
FIRST_ID = 27

_META, _TITLE, BODY_STREAM, _WP = 1, 2, 3, 4
EDIT_SHARE = 0.2         # variety: posts edited after publication (day 0)
PROTECTED_SHARE = 0.03   # variety: password-protected posts
MULTIPAGE_SHARE = 0.06   # variety: posts split with <!--nextpage-->


_TAG_SLUGS = {name: slugify(name) for name in W.TAGS}


def rng_for(seed: int, index: int, stream: int, attempt: int = 0) -> random.Random:
    return random.Random(((seed & 0xFFFFFFFF) << 40) | (index << 12) | (attempt << 4) | stream)


@dataclass(frozen=True)
class Meta:
    """What listings, sitemaps and links need: cheap to regenerate."""
    index: int
    id: int
    slug: str
    title: str
    published: datetime
    categories: tuple[tuple[str, str], ...]
    tags: tuple[tuple[str, str], ...]
    n_images: int
    bulk: bool
    modified: datetime
    version: int = 0
    author_id: int = 1           # the WordPress account (replica.accounts)
    protected: bool = False      # password-protected (variety only)
    pages: int = 1               # <!--nextpage--> pages (variety only)


@dataclass
class Post:
    """A whole post: ``blocks`` after the lead, in order.

    Block kinds: ``("p", text)``, ``("h2"|"h3", text)``, ``("dash", text)`` (an
    en-dash list line in its own paragraph), ``("ul", [items])``, ``("nbsp",)``,
    ``("img", Image)``, ``("link", before, anchor, after, href)`` (href is a
    site path, an absolute off-site URL, or None when the target post was deleted).
    """
    meta: Meta
    lead: str
    blocks: list = field(default_factory=list)
    author: str | None = None
    source: str | None = None
    source_sep: str = ". "
    original_url: str | None = None
    event_date: str | None = None
    nfd: bool = False
    related: list[int] = field(default_factory=list)
    tail_html: str | None = None   # variety: byline/source paragraphs as typed (else author/source)
    teasers: list = field(default_factory=list)   # variety: (index | None, text) after the tail
    page_breaks: list[int] = field(default_factory=list)  # block offsets where pages 2.. start


@dataclass(frozen=True)
class Image:
    path: str            # /wp-content/uploads/YYYY/MM/name.jpg
    caption: str | None
    style: str           # "figure" | "classic" | "plain"
    srcset: bool
    lazy: bool
    attachment_id: int


class Corpus:
    def __init__(self, posts: int, seed: int, *, day: int = 0, variety: bool = False):
        """``variety``: the editorial and WordPress variety of real portals (bylines,
        sources and date lines in many forms, edited posts, multi-page and
        password-protected posts); off keeps the original uniform corpus."""
        if posts < 1:
            raise ValueError("posts must be at least 1")
        self.n = self.base_n = posts
        self.seed, self.day, self.variety = seed, day, variety
        # the timeline's changes (replica.timeline), keyed by index; empty on day 0
        self.added: dict[int, datetime] = {}
        self.titles: dict[int, str] = {}
        self.slug_of: dict[int, str] = {}
        self.cats: dict[int, tuple] = {}
        self.modified: dict[int, datetime] = {}
        self.version: dict[int, int] = {}
        self.deleted: dict[int, tuple[int, int]] = {}      # index -> (status 404|410, day)
        self.old_slugs: dict[str, int] = {}
        self.events: list[dict] = []
        self.n_bulk = max(1, round(posts * BULK_SHARE)) if posts >= 5 else 0
        self.ids = array("q")
        self._slugs: dict[str, int] = {}
        self._attempts: dict[int, int] = {}
        self.terms: dict[str, dict[str, array]] = {"category": {}, "tag": {}}
        self.term_names: dict[str, dict[str, str]] = {"category": dict(W.CATEGORIES), "tag": {}}
        self._next_id = FIRST_ID
        for i in range(posts):
            self._build(i)
        if day:
            from .timeline import play
            for d in range(1, day + 1):
                play(self, d)
        self.live = array("l", (i for i in range(self.n) if i not in self.deleted))

    def _build(self, i: int) -> Meta:
        """Index post ``i`` (ids, slug, terms); posts are built in index order."""
        m = self._meta(i, self._next_id, build=True)
        self.ids.append(m.id)
        self._next_id = m.id + 1 + self._gap  # revisions take ids too
        for kind, terms in (("category", m.categories), ("tag", m.tags)):
            for slug, name in terms:
                self.terms[kind].setdefault(slug, array("l")).append(i)
                self.term_names[kind].setdefault(slug, name)
        return m

    # ---- lookup -------------------------------------------------------------
    def __len__(self) -> int:
        return self.n

    def index_of_id(self, post_id: int) -> int | None:
        i = bisect.bisect_left(self.ids, post_id)
        return i if i < self.n and self.ids[i] == post_id else None

    def index_of_slug(self, slug: str) -> int | None:
        """The post currently at ``slug`` (deleted ones included: check ``is_deleted``)."""
        return self._slugs.get(slug)

    def renamed_from(self, slug: str) -> int | None:
        """The post that once had ``slug`` and was renamed since."""
        return self.old_slugs.get(slug)

    def is_deleted(self, i: int) -> bool:
        return i in self.deleted

    def meta(self, i: int) -> Meta:
        return self._meta(i, self.ids[i])

    def post(self, i: int):
        from .body import make_post
        return make_post(self, i)

    def max_modified(self, indices) -> datetime:
        """Newest ``modified`` among ``indices`` (an ascending sequence of live indices)."""
        newest = self.meta(indices[-1]).published
        if self.modified:
            lo, hi = indices[0], indices[-1]
            newest = max([newest] + [d for i, d in self.modified.items()
                                     if lo <= i <= hi and i not in self.deleted])
        return newest

    # ---- generation ---------------------------------------------------------
    def _published(self, i: int, rng: random.Random) -> datetime:
        if i >= self.base_n:
            return self.added[i]
        if i < self.n_bulk:
            step = (5 * 3600 - 60) / self.n_bulk
            return BULK_DAY + timedelta(minutes=int((i + rng.random()) * step) // 60)
        regular = self.base_n - self.n_bulk
        span = (LAST_REGULAR - FIRST_REGULAR).total_seconds()
        step = span / regular
        secs = (i - self.n_bulk + rng.random()) * step
        return FIRST_REGULAR + timedelta(minutes=int(secs) // 60)

    def _meta(self, i: int, post_id: int, build: bool = False) -> Meta:
        rng = rng_for(self.seed, i, _META)
        published = self._published(i, rng)
        cats = rng.sample(W.CATEGORIES, rng.choice((1, 1, 2, 2, 3)))
        if i < self.n_bulk and all(c[0] != "chinh-tri" for c in cats) and rng.random() < 0.5:
            cats[0] = W.CATEGORIES[0]
        tags = tuple((_TAG_SLUGS[t], t) for t in rng.sample(W.TAGS, rng.choice((0, 0, 1, 2, 3))))
        n_images = rng.choice((0, 1, 1, 2, 3))
        attempt = self._attempts.get(i, 0)
        title = textgen.make_title(rng if not attempt else rng_for(self.seed, i, _TITLE, attempt),
                                   published.year)
        slug = slugify(title)
        if build:
            while slug in self._slugs:
                attempt += 1
                title = textgen.make_title(rng_for(self.seed, i, _TITLE, attempt), published.year)
                slug = slugify(title)
            self._slugs[slug] = i
            if attempt:
                self._attempts[i] = attempt
            self._gap = rng.randrange(0, 3)
            post_id = post_id + n_images  # attachments take the ids before the post
        if i in self.titles:
            title = self.titles[i]
        slug = self.slug_of.get(i, slug)
        cats = self.cats.get(i, cats)
        wp = rng_for(self.seed, i, _WP)
        author_id = wp.choices(ACCOUNTS, WEIGHTS)[0].id if self.variety else 1
        modified, protected, pages = published, False, 1
        if self.variety:
            if wp.random() < EDIT_SHARE:
                modified = min(published + timedelta(minutes=wp.randrange(20, 60 * 24 * 20)),
                               LAST_EDIT)
            protected = i >= self.n_bulk and wp.random() < PROTECTED_SHARE
            if not protected and wp.random() < MULTIPAGE_SHARE:
                pages = wp.choice((2, 2, 3))
        return Meta(i, post_id, slug, title, published, tuple(cats), tags, n_images,
                    i < self.n_bulk, self.modified.get(i, modified), self.version.get(i, 0),
                    author_id, protected, pages)


    def image_exists(self, year: int, month: int, post_id: int, k: int) -> bool:
        i = self.index_of_id(post_id)
        if i is None or i in self.deleted:
            return False
        m = self.meta(i)
        return 1 <= k <= m.n_images and (m.published.year, m.published.month) == (year, month)
