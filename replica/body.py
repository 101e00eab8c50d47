"""Generating a whole post (lead, body blocks, author, source, Gốc, related) from (seed, index, version)."""

from __future__ import annotations

import random
from datetime import date, timedelta

from . import editorial, textgen
from . import words as W
from .content import BODY_STREAM, Image, Meta, Post, rng_for

EDITORIAL_STREAM = 5
CONFUSABLE_STREAM = 6  # its own stream: the other text stays as it was


def make_post(corpus, i: int) -> Post:
    m = corpus.meta(i)
    rng = rng_for(corpus.seed, i, BODY_STREAM)
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
        event_date = d.isoformat()      # event_date is read for every post, not only bulk imports
    if corpus.variety and not m.bulk:
        ed = rng_for(corpus.seed, i, EDITORIAL_STREAM)
        text, event_date = editorial.lead(ed, m.title, m.published)
        post = Post(m, textgen.quirk(ed, text), event_date=event_date)
    else:
        post = Post(m, textgen.lead(rng, m.title, event_phrase, year), event_date=event_date)
    if m.version:   # an edited post: same lead, rewritten body
        rng = rng_for(corpus.seed, i, BODY_STREAM, min(m.version, 255))
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
        elif r < 0.27 and corpus.base_n > 1:
            j = rng.randrange(corpus.base_n - 1)     # links point at posts of day 0
            j += j >= i
            if rng.random() < 0.7:
                href = None if corpus.is_deleted(j) else f"/{corpus.meta(j).slug}.html"
            else:
                href = f"{rng.choice(W.ORIGIN_HOSTS)}/tin-{rng.randrange(10000, 99999)}.html"
            post.blocks.append(("link", textgen.sentence(rng, year) + " Xem thêm: ", "tại đây", " .", href))
        else:
            post.blocks.append(("p", textgen.paragraph(rng, year)))
        if k == n_par // 2 and second:
            post.blocks.append(("p", second))
        if rng.random() < 0.12:
            post.blocks.append(("nbsp",))
        while img_k < len(img_at) and img_at[img_k] == k:
            post.blocks.append(("img", make_image(m, img_k, rng)))
            img_k += 1
    cf = rng_for(corpus.seed, i, CONFUSABLE_STREAM, min(m.version, 255))
    if cf.random() < 0.3:
        post.blocks.append(("p", " ".join(textgen.confusable(cf, year) for _ in range(cf.randrange(1, 3)))))
    if rng.random() < 0.9:
        post.author = rng.choice(W.AUTHORS)
    if rng.random() < 0.3:
        post.source = rng.choice(W.SOURCES)
        post.source_sep = ". " if rng.random() < 0.75 else ": "
    if year >= 2021 and rng.random() < 0.45:
        post.original_url = f"{rng.choice(W.ORIGIN_HOSTS)}/{m.slug[:60].rstrip('-')}-{m.id * 7 + 3}.html"
    post.nfd = rng.random() < 0.06
    if corpus.variety:
        ed = rng_for(corpus.seed, i, EDITORIAL_STREAM, 1)
        post.tail_html, post.author, post.source = editorial.tail(ed, m.author_id, m.published)
        post.teasers = [(None if j is None else corpus.meta(j).slug, text)
                         for j, text in editorial.teasers(ed, corpus, i)
                         if j is None or not corpus.is_deleted(j)]
        if m.pages > 1:
            n = len(post.blocks)
            post.page_breaks = sorted({max(1, n * k // m.pages) for k in range(1, m.pages)})
    pool = [j for j in range(max(0, i - 40), i) if not corpus.is_deleted(j)] or \
        [j for j in range(i + 1, min(corpus.n, i + 41)) if not corpus.is_deleted(j)]
    post.related = rng.sample(pool, min(5, len(pool)))
    return post


def make_image(m: Meta, k: int, rng: random.Random) -> Image:
    p = m.published
    has_caption = rng.random() < 0.9
    style = rng.choice(("figure", "classic")) if has_caption else "plain"
    return Image(f"/wp-content/uploads/{p.year:04d}/{p.month:02d}/hp{m.id}-{k + 1}.jpg",
                 textgen.caption(rng) if has_caption else None, style,
                 rng.random() < 0.5, rng.random() < 0.25, m.id - m.n_images + k)
