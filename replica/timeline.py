"""The site changing over simulated days (``Corpus(..., day=D)``).

Day 0 is the site as first generated. Each later day ``d`` — deterministically
from the seed — adds posts, edits posts (body always; sometimes the title,
keeping the slug, and the categories), renames one post (new title and slug;
the old URL answers 301) and deletes one (404 or 410). Day ``d``'s changes
happen on 2026-11-28 + d days, 08:00–17:00 (+07:00). ``Corpus.events`` lists
them: ``{"day", "kind": "add"|"edit"|"rename"|"delete", "wp_post_id", "url"
(path), "old_url" (rename), "status" (delete)}``.
"""

from __future__ import annotations

import bisect
import random
from datetime import datetime, timedelta

from archive.text import slugify

from . import textgen
from . import words as W
from .content import TZ, rng_for

DAY0 = datetime(2026, 11, 28, 0, 0, tzinfo=TZ)
_TITLE_EDIT = 5
_RENAME = 6


def day_counts(n: int) -> dict:
    """How many changes a day brings for a site of ``n`` posts."""
    return {"add": 2 + n // 200, "edit": 1 + n // 300, "rename": 1 if n >= 20 else 0,
            "delete": 1 if n >= 20 else 0}


def _pick(rng: random.Random, corpus, taken: set) -> int | None:
    """A live post, 70 % of the time among the newest tenth."""
    n = corpus.n
    for _ in range(50):
        if rng.random() < 0.7:
            i = rng.randrange(max(0, n - max(10, n // 10)), n)
        else:
            i = rng.randrange(n)
        if i not in taken and i not in corpus.deleted:
            taken.add(i)
            return i
    return None


def _remove(arr, i: int) -> None:
    """Remove ``i`` from the ascending array ``arr`` if present."""
    if arr is not None:
        pos = bisect.bisect_left(arr, i)
        if pos < len(arr) and arr[pos] == i:
            del arr[pos]


def _move_terms(corpus, i: int, old: tuple, new: tuple) -> None:
    for slug, _ in old:
        _remove(corpus.terms["category"].get(slug), i)
    for slug, _ in new:
        arr = corpus.terms["category"].setdefault(slug, type(corpus.ids)("l"))
        bisect.insort(arr, i)


def _drop_terms(corpus, i: int) -> None:
    m = corpus.meta(i)
    for kind, terms in (("category", m.categories), ("tag", m.tags)):
        for slug, _ in terms:
            _remove(corpus.terms[kind].get(slug), i)


def play(corpus, d: int) -> None:
    """Apply day ``d``'s changes to ``corpus`` (days must be played in order)."""
    rng = random.Random(((corpus.seed & 0xFFFFFFFF) << 20) | (d << 4) | 9)
    counts = day_counts(corpus.base_n)
    start = DAY0 + timedelta(days=d, hours=8)
    when = lambda k: start + timedelta(minutes=17 * k + rng.randrange(0, 15))  # noqa: E731
    clock = 0
    taken: set[int] = set()
    for _ in range(counts["add"]):
        i = corpus.n
        corpus.added[i] = when(clock)
        clock += 1
        corpus.n += 1
        m = corpus._build(i)
        taken.add(i)
        corpus.events.append({"day": d, "kind": "add", "wp_post_id": m.id, "url": f"/{m.slug}.html"})
    for _ in range(counts["edit"]):
        i = _pick(rng, corpus, taken)
        if i is None:
            continue
        m = corpus.meta(i)
        v = corpus.version.get(i, 0) + 1
        corpus.version[i] = v
        corpus.modified[i] = when(clock)
        clock += 1
        if rng.random() < 0.3:
            corpus.titles[i] = textgen.make_title(rng_for(corpus.seed, i, _TITLE_EDIT, v % 256),
                                                  m.published.year)
            corpus.slug_of[i] = m.slug          # WordPress keeps the slug when a title is edited
        if rng.random() < 0.4:
            new = tuple(rng.sample(W.CATEGORIES, rng.choice((1, 2, 3))))
            _move_terms(corpus, i, m.categories, new)
            corpus.cats[i] = new
        corpus.events.append({"day": d, "kind": "edit", "wp_post_id": m.id, "url": f"/{m.slug}.html"})
    for _ in range(counts["rename"]):
        i = _pick(rng, corpus, taken)
        if i is None:
            continue
        m = corpus.meta(i)
        attempt = 0
        while True:
            title = textgen.make_title(rng_for(corpus.seed, i, _RENAME, (d * 7 + attempt) % 256),
                                       m.published.year)
            slug = slugify(title)
            if slug not in corpus._slugs and slug not in corpus.old_slugs:
                break
            attempt += 1
        del corpus._slugs[m.slug]
        corpus.old_slugs[m.slug] = i
        corpus._slugs[slug] = i
        corpus.titles[i], corpus.slug_of[i] = title, slug
        corpus.version[i] = corpus.version.get(i, 0)   # body unchanged, title and URL new
        corpus.modified[i] = when(clock)
        clock += 1
        corpus.events.append({"day": d, "kind": "rename", "wp_post_id": m.id,
                              "url": f"/{slug}.html", "old_url": f"/{m.slug}.html"})
    for _ in range(counts["delete"]):
        i = _pick(rng, corpus, taken)
        if i is None:
            continue
        m = corpus.meta(i)
        status = 410 if rng.random() < 0.5 else 404
        _drop_terms(corpus, i)
        corpus.deleted[i] = (status, d)
        corpus.events.append({"day": d, "kind": "delete", "wp_post_id": m.id,
                              "url": f"/{m.slug}.html", "status": status})
