"""Single post pages and their AMP copies."""

from __future__ import annotations

import unicodedata
from datetime import datetime

from . import SITE_NAME
from . import words as W
from .content import Corpus, Image, Meta, Post
from .templates import (
    DATA_GIF,
    SHARE,
    TEXTURIZE,
    TIEN_ICH,
    WIDGETS,
    a,
    footer,
    head,
    masthead,
    t,
)


def display_date(d: datetime) -> str:
    """``Thứ Bảy, 26/01/2019 23:25`` — the portal's date line without ``Print``."""
    return f"{W.WEEKDAYS[d.weekday()]}, {d:%d/%m/%Y %H:%M}"


def post_url(base: str, m: Meta) -> str:
    return f"{base}/{m.slug}.html"


def _img_html(base: str, img: Image, title: str) -> str:
    src = base + img.path
    stem = src[:-4]
    w, h = 665, 443
    attrs = f'width="{w}" height="{h}" alt="{a(title[:60])}"'
    if img.srcset:
        attrs += (f' srcset="{stem}-300x200.jpg 300w, {stem}-768x512.jpg 768w, {src} {w}w"'
                  f' sizes="(max-width: {w}px) 100vw, {w}px"')
    if img.lazy:
        tag = (f'<img class="lazyload wp-image-{img.attachment_id}" src="{DATA_GIF}" '
               f'data-src="{src}" {attrs}><noscript><img src="{src}" {attrs}></noscript>')
    else:
        tag = f'<img class="wp-image-{img.attachment_id} size-full" src="{src}" {attrs} loading="lazy">'
    if img.style == "figure":
        return (f'<figure class="wp-block-image size-large">{tag}'
                f'<figcaption class="wp-element-caption">{t(img.caption)}</figcaption></figure>\n')
    if img.style == "classic":
        aid = img.attachment_id
        described = tag.replace("<img ", f'<img aria-describedby="caption-attachment-{aid}" ', 1)
        return (f'<div id="attachment_{aid}" style="width: {w + 10}px" class="wp-caption aligncenter">'
                f'{described}'
                f'<p id="caption-attachment-{aid}" class="wp-caption-text">{t(img.caption)}</p></div>\n')
    return f'<p style="text-align: center;">{tag}</p>\n'


def content_html(base: str, post: Post) -> str:
    """The ``entry-content`` inner HTML: lead, blocks, author, source, share buttons."""
    out = [f"<p><strong>{t(post.lead)}</strong></p>\n"]
    for b in post.blocks:
        kind = b[0]
        if kind == "p" or kind == "dash":
            out.append(f"<p>{t(b[1])}</p>\n")
        elif kind in ("h2", "h3"):
            out.append(f"<{kind}><strong>{t(b[1])}</strong></{kind}>\n")
        elif kind == "ul":
            out.append("<ul>" + "".join(f"<li>{t(x)}</li>" for x in b[1]) + "</ul>\n")
        elif kind == "nbsp":
            out.append("<p>&nbsp;</p>\n")
        elif kind == "link":
            if b[4] is None:
                out.append(f"<p>{t(b[1])}{t(b[2])}{t(b[3])}</p>\n")
            else:
                href = base + b[4] if b[4][:1] == "/" and b[4][:2] != "//" else b[4]
                out.append(f'<p>{t(b[1])}<a href="{a(href)}">{t(b[2])}</a>{t(b[3])}</p>\n')
        elif kind == "img":
            out.append(_img_html(base, b[1], post.meta.title))
    if post.author:
        out.append(f'<p style="text-align: right;"><strong>{t(post.author)}</strong></p>\n')
    if post.source:
        out.append(f'<p style="text-align: right;"><em>Nguồn{post.source_sep}{t(post.source)}</em></p>\n')
    html = "".join(out)
    if post.meta.index % 3 == 0:          # wptexturize-style entities on a third of the posts
        html = html.translate(TEXTURIZE)
    return html


def term_links(base: str, m: Meta) -> str:
    cats = ", ".join(f'<a href="{base}/category/{s}/" rel="category tag">{t(n)}</a>'
                     for s, n in m.categories)
    out = f'<span class="cat-links">Chuyên mục: {cats}</span>'
    if m.tags:
        tags = ", ".join(f'<a href="{base}/tag/{s}/" rel="tag">{t(n)}</a>' for s, n in m.tags)
        out += f' <span class="tags-links">Từ khóa: {tags}</span>'
    return out


def post_page(corpus: Corpus, base: str, post: Post) -> str:
    m = post.meta
    url = post_url(base, m)
    iso = m.published.isoformat()
    first_img = next((b[1] for b in post.blocks if b[0] == "img"), None)
    extra = (f'<link rel="alternate" title="JSON" type="application/json" href="{base}/wp-json/wp/v2/posts/{m.id}" />\n'
             f'<link rel="canonical" href="{url}" />\n<link rel=\'shortlink\' href=\'{base}/?p={m.id}\' />\n'
             f'<link rel="amphtml" href="{url}/amp">\n'
             f'<meta property="og:locale" content="vi_VN" />\n<meta property="og:type" content="article" />\n'
             f'<meta property="og:title" content="{a(m.title)}" />\n'
             f'<meta property="og:description" content="{a(post.lead[:150])}" />\n'
             f'<meta property="og:url" content="{url}" />\n<meta property="og:site_name" content="{SITE_NAME}" />\n'
             f'<meta property="article:published_time" content="{iso}" />\n'
             f'<meta property="article:modified_time" content="{m.modified.isoformat()}" />\n')
    if first_img:
        extra += f'<meta property="og:image" content="{base}{first_img.path}" />\n'
    classes = " ".join(f"category-{s}" for s, _ in m.categories)
    classes += "".join(f" tag-{s}" for s, _ in m.tags)
    goc = (f' <a class="link-goc" href="{a(post.original_url)}" target="_blank" rel="nofollow noopener">Gốc</a>'
           if post.original_url else "")
    cat_slug, cat_name = m.categories[0]
    related = []
    for j in post.related:
        r = corpus.meta(j)
        related.append(f'<li><a href="{post_url(base, r)}">{t(r.title)}</a> '
                       f'<span class="post-date">({r.published:%d/%m/%Y})</span></li>')
    page = (head(base, m.title, extra)
            + f'<body class="post-template-default single single-post postid-{m.id} single-format-standard wp-embed-responsive">\n'
            + masthead(base)
            + f'<div class="breadcrumbs"><a href="{base}/">Trang chủ</a> » '
              f'<a href="{base}/category/{cat_slug}/">{t(cat_name)}</a></div>\n'
            + f'<h1 class="entry-title">{t(m.title)}</h1>\n'
            + '<main id="primary" class="site-main">\n'
            + f'<article id="post-{m.id}" class="post-{m.id} post type-post status-publish format-standard hentry {classes}">\n'
            + '<header class="entry-header"><div class="entry-meta">'
              '<a href="javascript:window.print()" class="print-link"><i class="fa fa-print"></i>Print</a> '
              f'<span class="posted-on"><time class="entry-date published" datetime="{iso}">{display_date(m.published)}</time></span>'
              f'{goc}</div></header>\n'
            + '<div class="entry-content">\n' + content_html(base, post) + SHARE.format(url=url) + '</div>\n'
            + f'<footer class="entry-footer">{term_links(base, m)}</footer>\n'
            + TIEN_ICH.format(qtitle=a(m.title), qurl=url)
            + '</article>\n'
            + WIDGETS.format(gif=DATA_GIF, title=t(m.title))
            + '<section class="related-posts tin-khac"><h3 class="related-title">Tin khác</h3><ul>'
            + "".join(related) + '</ul></section>\n</main>\n'
            + footer(base))
    return unicodedata.normalize("NFD", page) if post.nfd else page


def amp_page(base: str, post: Post) -> str:
    m = post.meta
    url = post_url(base, m)
    cat_slug, cat_name = m.categories[0]
    body = [f"<p><strong>{t(post.lead)}</strong></p>"]
    for b in post.blocks:
        if b[0] in ("p", "dash"):
            body.append(f"<p>{t(b[1])}</p>")
        elif b[0] in ("h2", "h3"):
            body.append(f"<{b[0]}>{t(b[1])}</{b[0]}>")
        elif b[0] == "img":
            body.append(f'<amp-img src="{base}{b[1].path}" width="665" height="443" layout="responsive"></amp-img>')
    return f"""<!doctype html>
<html amp lang="vi">
<head><meta charset="utf-8">
<title>{t(m.title)} &#8211; {SITE_NAME}</title>
<link rel="canonical" href="{url}">
<meta name="viewport" content="width=device-width,minimum-scale=1,initial-scale=1">
<script async src="https://cdn.ampproject.org/v0.js"></script>
<style amp-boilerplate>body{{visibility:hidden}}</style><style amp-custom>.amp-wp-title{{font-size:1.5em}}</style>
</head>
<body class="amp-wp-single">
<header class="amp-wp-header"><div><a href="{base}/">{SITE_NAME}</a></div></header>
<article class="amp-wp-article">
<header class="amp-wp-article-header">
<div class="amp-wp-meta amp-wp-tax-category"><a href="{base}/category/{cat_slug}/">{t(cat_name)}</a></div>
<h1 class="amp-wp-title">{t(m.title)}</h1>
<div class="amp-wp-meta amp-wp-posted-on"><time datetime="{m.published.isoformat()}">{display_date(m.published)}</time></div>
</header>
<div class="amp-wp-article-content">{"".join(body)}</div>
</article>
</body>
</html>
"""
