"""Ground truth: what a perfect parser extracts from each post, from the generator model."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC

from archive.text import normalize

from . import DEFAULT_BASE_URL, documents
from .accounts import BY_ID
from .content import Corpus, Post
from .render import block_display_date, display_date, page_count, post_url
from .style import SiteStyle

DEFAULT_STYLE = SiteStyle()


def body_blocks(post: Post) -> list[str]:
    """The body_text blocks after the lead, NFC and whitespace-collapsed."""
    out = []
    for b in post.blocks:
        kind = b[0]
        if kind in ("p", "dash", "h2", "h3"):
            out.append(normalize(b[1]))
        elif kind == "ul":
            out.extend(normalize(x) for x in b[1])
        elif kind == "link":
            out.append(normalize(b[1] + b[2] + b[3]))
        elif kind == "img" and b[1].caption:
            out.append(normalize(b[1].caption))
    return [x for x in out if x]


def _utc(d) -> str:
    return d.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def truth_of(post: Post, base_url: str, style: SiteStyle = DEFAULT_STYLE, *, day: int = 0,
             variety: bool = False) -> dict:
    """What a perfect crawler and parser store for ``post`` served with ``style``.

    Fields a set-up does not show are None: ``original_url`` (the classic
    theme's ``Gốc`` link), ``modified_at`` (needs OG/JSON-LD, the REST API, or
    the classic theme's ``<time class="updated">`` of an edited post),
    ``wp_author`` (needs the theme's author link, JSON-LD or the REST API).
    ``author``: the printed byline, else the account unless it is generic.
    """
    m = post.meta
    theme = style.theme_on(day)
    images = [{"url": base_url + b[1].path, "caption": normalize(b[1].caption) or None}
              for b in post.blocks if b[0] == "img"]
    shown = display_date(m.published) if theme == "classic" else block_display_date(m.published)
    acc = BY_ID[m.author_id]
    rest = style.rest == "on"
    machine_modified = (style.seo != "none" or rest
                        or (theme == "classic" and variety and m.modified > m.published))
    account_shown = rest or theme in ("block", "magazine") or style.jsonld_shape(m.id) is not None or \
        (theme == "classic" and variety)
    wp_author = acc.name if account_shown else None
    author = post.author
    if author is None and wp_author is not None and not acc.generic:
        author = wp_author
    return {
        "wp_post_id": m.id,
        "url": post_url(base_url, m),
        "slug": m.slug,
        "title": normalize(m.title),
        "lead": normalize(post.lead) or None,
        "body_text": "\n\n".join(body_blocks(post)),
        "published_at": m.published.isoformat(),
        "published_raw": shown,
        "date_is_bulk_import": int(m.published.strftime("%d/%m/%Y") == "26/01/2019"),
        "event_date": post.event_date,
        "author": normalize(author) if author else None,
        "source": normalize(post.source) or None if post.source else None,
        "original_url": post.original_url if theme == "classic" else None,
        "modified_at": _utc(m.modified) if machine_modified else None,
        "wp_author": wp_author,
        "pages": page_count(post),
        "categories": [{"slug": s, "name": normalize(n)} for s, n in m.categories],
        "tags": [{"slug": s, "name": normalize(n)} for s, n in m.tags],
        "images": images,
    }


def iter_truth(posts: int, seed: int, base_url: str = DEFAULT_BASE_URL, *, day: int = 0,
               style: SiteStyle = DEFAULT_STYLE, variety: bool = False) -> Iterator[dict]:
    """One dict per live article in post-id order (the ``articles`` columns minus body_html,
    plus terms and images); password-protected posts are not articles (``iter_protected``)."""
    corpus = Corpus(posts, seed, day=day, variety=variety)
    base = base_url.rstrip("/")
    for i in corpus.live:
        if not corpus.meta(i).protected:
            yield truth_of(corpus.post(i), base, style, day=day, variety=variety)


def iter_protected(posts: int, seed: int, base_url: str = DEFAULT_BASE_URL, *, day: int = 0,
                   variety: bool = False) -> Iterator[dict]:
    """The live password-protected posts: ``{"wp_post_id", "url"}``."""
    corpus = Corpus(posts, seed, day=day, variety=variety)
    base = base_url.rstrip("/")
    for i in corpus.live:
        m = corpus.meta(i)
        if m.protected:
            yield {"wp_post_id": m.id, "url": post_url(base, m)}


def iter_events(posts: int, seed: int, *, day: int) -> Iterator[dict]:
    """The changes of days 1..``day`` (see ``replica.timeline``), in order."""
    yield from Corpus(posts, seed, day=day).events


def iter_document_truth(posts: int, seed: int, base_url: str = DEFAULT_BASE_URL, *,
                        day: int = 0, variety: bool = False) -> Iterator[dict]:
    """One dict per document of each live article, in post-id then page order: the post's
    ``wp_post_id`` and the ``documents`` columns a perfect crawl fills (``text`` for PDFs).
    The documents do not depend on the theme; password-protected posts show none."""
    corpus = Corpus(posts, seed, day=day, variety=variety)
    base = base_url.rstrip("/")
    for i in corpus.live:
        meta = corpus.meta(i)
        if meta.protected:
            continue
        for row in documents.truth_of(seed, base, meta):
            yield {"wp_post_id": meta.id, **row}
