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
import re
from array import array
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from archive.text import fold, slugify

from . import textgen, words as W

TZ = timezone(timedelta(hours=7))
BULK_DAY = datetime(2019, 1, 26, 19, 0, tzinfo=TZ)
FIRST_REGULAR = datetime(2019, 1, 27, 7, 0, tzinfo=TZ)
LAST_REGULAR = datetime(2026, 11, 27, 18, 0, tzinfo=TZ)
BULK_SHARE = 0.08
FIRST_ID = 27

_META, _TITLE, _BODY = 1, 2, 3


class _FoldTable(dict):
    """Per-character ``archive.text.fold`` for ``str.translate`` (titles are NFC)."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        value = ch if ch.isspace() else fold(ch) or ch
        self[code] = value
        return value


_FOLD = _FoldTable()
_NOT_SLUG = re.compile(r"[^a-z0-9\s-]")
_DASHES = re.compile(r"[\s-]+")
_TAG_SLUGS = {name: slugify(name) for name in W.TAGS}


def fast_slugify(title: str) -> str:
    """``archive.text.slugify`` for NFC titles, faster (tests check they agree)."""
    s = title.translate(_FOLD).lower().replace("/", "-")
    return _DASHES.sub("-", _NOT_SLUG.sub("", s)).strip("-")


def rng_for(seed: int, index: int, stream: int, attempt: int = 0) -> random.Random:
    return random.Random((((seed & 0xFFFFFFFF) << 40) | (index << 12) | (attempt << 4) | stream))


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

    @property
    def modified(self) -> datetime:
        return self.published


@dataclass
class Post:
    """A whole post: ``blocks`` after the lead, in order.

    Block kinds: ``("p", text)``, ``("h2"|"h3", text)``, ``("dash", text)`` (an
    en-dash list line in its own paragraph), ``("ul", [items])``, ``("nbsp",)``,
    ``("img", Image)``, ``("link", before, anchor, after, href)`` (href is a
    site path or an absolute off-site URL).
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


@dataclass(frozen=True)
class Image:
    path: str            # /wp-content/uploads/YYYY/MM/name.jpg
    caption: str | None
    style: str           # "figure" | "classic" | "plain"
    srcset: bool
    lazy: bool
    attachment_id: int


class Corpus:
    def __init__(self, posts: int, seed: int, *, day: int = 0):
        if posts < 1:
            raise ValueError("posts must be at least 1")
        self.n, self.seed, self.day = posts, seed, day
        self.n_bulk = max(1, round(posts * BULK_SHARE)) if posts >= 5 else 0
        self.ids = array("q")
        self._slugs: dict[str, int] = {}
        self._attempts: dict[int, int] = {}
        self.terms: dict[str, dict[str, array]] = {"category": {}, "tag": {}}
        self.term_names: dict[str, dict[str, str]] = {"category": dict(W.CATEGORIES), "tag": {}}
        next_id = FIRST_ID
        for i in range(posts):
            m = self._meta(i, next_id, build=True)
            self.ids.append(m.id)
            next_id = m.id + 1 + self._gap  # revisions take ids too
            for kind, terms in (("category", m.categories), ("tag", m.tags)):
                for slug, name in terms:
                    self.terms[kind].setdefault(slug, array("l")).append(i)
                    self.term_names[kind].setdefault(slug, name)

    # ---- lookup -------------------------------------------------------------
    def __len__(self) -> int:
        return self.n

    def index_of_id(self, post_id: int) -> int | None:
        i = bisect.bisect_left(self.ids, post_id)
        return i if i < self.n and self.ids[i] == post_id else None

    def index_of_slug(self, slug: str) -> int | None:
        return self._slugs.get(slug)

    def meta(self, i: int) -> Meta:
        return self._meta(i, self.ids[i])

    # ---- generation ---------------------------------------------------------
    def _published(self, i: int, rng: random.Random) -> datetime:
        if i < self.n_bulk:
            step = (5 * 3600 - 60) / self.n_bulk
            return BULK_DAY + timedelta(minutes=int((i + rng.random()) * step) // 60)
        regular = self.n - self.n_bulk
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
        slug = fast_slugify(title)
        if build:
            while slug in self._slugs:
                attempt += 1
                title = textgen.make_title(rng_for(self.seed, i, _TITLE, attempt), published.year)
                slug = fast_slugify(title)
            self._slugs[slug] = i
            if attempt:
                self._attempts[i] = attempt
            self._gap = rng.randrange(0, 3)
            post_id = post_id + n_images  # attachments take the ids before the post
        return Meta(i, post_id, slug, title, published, tuple(cats), tags, n_images, i < self.n_bulk)

    def post(self, i: int) -> Post:
        m = self.meta(i)
        rng = rng_for(self.seed, i, _BODY)
        year = m.published.year
        event_phrase = second = None
        event_date = None
        if m.bulk:
            ev = date(2018, 1, 1) + timedelta(days=rng.randrange(0, 375))   # up to 2019-01-11
            if rng.random() < 0.6:
                event_phrase = f"{rng.choice(W.PARTS_OF_DAY)} {ev:%d/%m/%Y}"
                event_date = ev.isoformat()
                if rng.random() < 0.5:
                    later = ev + timedelta(days=rng.randrange(3, 12))
                    second = f"Đến ngày {later.day}/{later.month}/{later.year}, các đơn vị đã hoàn thành việc rà soát."
            else:
                fmt = rng.choice(("tháng {m}/{y}", "tháng {m} năm {y}"))
                event_phrase = fmt.format(m=ev.month, y=ev.year)
                event_date = f"{ev.year}-{ev.month:02d}"
        elif rng.random() < 0.3:
            d = m.published.date() - timedelta(days=rng.randrange(0, 3))
            event_phrase = f"{rng.choice(W.PARTS_OF_DAY)} {d.day}/{d.month}/{d.year}"
        post = Post(m, textgen.lead(rng, m.title, event_phrase, year), event_date=event_date)
        n_par = rng.randrange(3, 10)
        img_at = sorted(rng.sample(range(n_par), min(m.n_images, n_par)))
        img_k = 0
        for k in range(n_par):
            if k and rng.random() < 0.2:
                post.blocks.append((rng.choice(("h2", "h3", "h3")), rng.choice(W.SUBHEADS)))
            r = rng.random()
            if r < 0.1:
                post.blocks.extend(("dash", t) for t in textgen.dash_items(rng, year))
            elif r < 0.17:
                post.blocks.append(("ul", [t[2:] for t in textgen.dash_items(rng, year)]))
            elif r < 0.27 and self.n > 1:
                j = rng.randrange(self.n - 1)
                j += j >= i
                href = f"/{self.meta(j).slug}.html" if rng.random() < 0.7 else \
                    f"{rng.choice(W.ORIGIN_HOSTS)}/tin-{rng.randrange(10000, 99999)}.html"
                post.blocks.append(("link", textgen.sentence(rng, year) + " Xem thêm: ",
                                    "tại đây", " .", href))
            else:
                post.blocks.append(("p", textgen.paragraph(rng, year)))
            if k == n_par // 2 and second:
                post.blocks.append(("p", second))
            if rng.random() < 0.12:
                post.blocks.append(("nbsp",))
            while img_k < len(img_at) and img_at[img_k] == k:
                post.blocks.append(("img", self._image(m, img_k, rng)))
                img_k += 1
        if rng.random() < 0.9:
            post.author = rng.choice(W.AUTHORS)
        if rng.random() < 0.3:
            post.source = rng.choice(W.SOURCES)
            post.source_sep = ". " if rng.random() < 0.75 else ": "
        if year >= 2021 and rng.random() < 0.45:
            post.original_url = f"{rng.choice(W.ORIGIN_HOSTS)}/{m.slug[:60].rstrip('-')}-{m.id * 7 + 3}.html"
        post.nfd = rng.random() < 0.06
        pool = list(range(max(0, i - 40), i)) or list(range(i + 1, min(self.n, i + 41)))
        post.related = rng.sample(pool, min(5, len(pool)))
        return post

    def _image(self, m: Meta, k: int, rng: random.Random) -> Image:
        p = m.published
        has_caption = rng.random() < 0.9
        style = rng.choice(("figure", "classic")) if has_caption else "plain"
        return Image(f"/wp-content/uploads/{p.year:04d}/{p.month:02d}/hp{m.id}-{k + 1}.jpg",
                     textgen.caption(rng) if has_caption else None, style,
                     rng.random() < 0.5, rng.random() < 0.25, m.id - m.n_images + k)

    def image_exists(self, year: int, month: int, post_id: int, k: int) -> bool:
        i = self.index_of_id(post_id)
        if i is None:
            return False
        m = self.meta(i)
        return 1 <= k <= m.n_images and (m.published.year, m.published.month) == (year, month)
