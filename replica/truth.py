"""Ground truth: what a perfect parser extracts from each post, from the generator model."""

from __future__ import annotations

from typing import Iterator

from archive.text import normalize

from . import DEFAULT_BASE_URL
from .content import Corpus, Post
from .render import display_date, post_url


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


def truth_of(post: Post, base_url: str) -> dict:
    m = post.meta
    images = [{"url": base_url + b[1].path, "caption": normalize(b[1].caption) or None}
              for b in post.blocks if b[0] == "img"]
    return {
        "wp_post_id": m.id,
        "url": post_url(base_url, m),
        "slug": m.slug,
        "title": normalize(m.title),
        "lead": normalize(post.lead) or None,
        "body_text": "\n\n".join(body_blocks(post)),
        "published_at": m.published.isoformat(),
        "published_raw": display_date(m.published),
        "date_is_bulk_import": int(m.published.strftime("%d/%m/%Y") == "26/01/2019"),
        "event_date": post.event_date,
        "author": post.author,
        "source": normalize(post.source) or None if post.source else None,
        "original_url": post.original_url,
        "categories": [{"slug": s, "name": normalize(n)} for s, n in m.categories],
        "tags": [{"slug": s, "name": normalize(n)} for s, n in m.tags],
        "images": images,
    }


def iter_truth(posts: int, seed: int, base_url: str = DEFAULT_BASE_URL, *, day: int = 0) -> Iterator[dict]:
    """One dict per live post in post-id order (the ``articles`` columns minus body_html + terms)."""
    corpus = Corpus(posts, seed, day=day)
    base = base_url.rstrip("/")
    for i in corpus.live:
        yield truth_of(corpus.post(i), base)


def iter_events(posts: int, seed: int, *, day: int) -> Iterator[dict]:
    """The changes of days 1..``day`` (see ``replica.timeline``), in order."""
    yield from Corpus(posts, seed, day=day).events
