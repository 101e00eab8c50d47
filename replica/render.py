"""Single post pages and their AMP copies."""

from __future__ import annotations

import unicodedata
from datetime import datetime

from . import SITE_NAME, documents, seo
from . import words as W
from .accounts import BY_ID
from .content import Corpus, Image, Meta, Post
from .style import SiteStyle
from .templates import (
    DATA_GIF,
    SHARE,
    TEXTURIZE,
    TIEN_ICH,
    WIDGETS,
    a,
    block_head,
    footer,
    head,
    masthead,
    t,
)

DEFAULT_STYLE = SiteStyle()


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


def _block_html(base: str, post: Post, b) -> str:
    kind = b[0]
    if kind == "p" or kind == "dash":
        return f"<p>{t(b[1])}</p>\n"
    if kind in ("h2", "h3"):
        return f"<{kind}><strong>{t(b[1])}</strong></{kind}>\n"
    if kind == "ul":
        return "<ul>" + "".join(f"<li>{t(x)}</li>" for x in b[1]) + "</ul>\n"
    if kind == "nbsp":
        return "<p>&nbsp;</p>\n"
    if kind == "link":
        if b[4] is None:
            return f"<p>{t(b[1])}{t(b[2])}{t(b[3])}</p>\n"
        href = base + b[4] if b[4][:1] == "/" and b[4][:2] != "//" else b[4]
        return f'<p>{t(b[1])}<a href="{a(href)}">{t(b[2])}</a>{t(b[3])}</p>\n'
    if kind == "img":
        return _img_html(base, b[1], post.meta.title)
    return ""


def page_count(post: Post) -> int:
    return len(post.page_breaks) + 1


def page_url(url: str, post: Post, page: int) -> str:
    """Page ``page`` of a multi-page post as ``wp_link_pages`` links it."""
    if page == 1:
        return url
    return f"{url}?page={page}" if post.meta.id % 3 == 0 else f"{url}/{page}/"


def link_pages(url: str, post: Post, page: int) -> str:
    """``wp_link_pages()`` as a theme calls it after the content."""
    parts = []
    for n in range(1, page_count(post) + 1):
        if n == page:
            parts.append(f'<span class="post-page-numbers current" aria-current="page">{n}</span>')
        else:
            parts.append(f'<a href="{a(page_url(url, post, n))}" class="post-page-numbers">{n}</a>')
    return '<p class="post-nav-links">Trang: ' + " ".join(parts) + "</p>\n"


PASSWORD_FORM = (
    '<form action="{base}/wp-login.php?action=postpass" class="post-password-form" method="post">\n'
    "<p>Nội dung này được bảo vệ bằng mật khẩu. Để xem nội dung, vui lòng nhập mật khẩu bên dưới:</p>\n"
    '<p><label for="pwbox-{id}">Mật khẩu: <input name="post_password" id="pwbox-{id}" type="password"'
    ' spellcheck="false" size="20" /></label> <input type="submit" name="Submit" value="Gửi" /></p>\n'
    "</form>\n")


def content_html(base: str, post: Post, page: int = 1, *, source_in_content: bool = True) -> str:
    """The ``entry-content`` inner HTML of page ``page``: lead, blocks, author, source.
    ``source_in_content=False``: the source is shown by the theme (``replica.magazine``),
    the content ends with the byline alone (the name as credited)."""
    if post.meta.protected:
        return PASSWORD_FORM.format(base=base, id=post.meta.id)
    n_pages = page_count(post)
    bounds = [0, *post.page_breaks, len(post.blocks)]
    out = [f"<p><strong>{t(post.lead)}</strong></p>\n"] if page == 1 else []
    out.extend(_block_html(base, post, b) for b in post.blocks[bounds[page - 1]:bounds[page]])
    if page == n_pages:
        if not source_in_content:
            if post.author:
                out.append(f'<p style="text-align: right;"><strong>{t(post.author)}</strong></p>\n')
        elif post.tail_html is not None:
            out.append(post.tail_html)
        else:
            if post.author:
                out.append(f'<p style="text-align: right;"><strong>{t(post.author)}</strong></p>\n')
            if post.source:
                out.append(f'<p style="text-align: right;"><em>Nguồn{post.source_sep}{t(post.source)}</em></p>\n')
        for j, text in post.teasers:
            out.append(f"<p><strong>{t(text)}</strong></p>\n" if j is None else
                       f'<p><a href="{base}/{j}.html">{t(text)}</a></p>\n')
    html = "".join(out)
    if post.meta.index % 3 == 0:          # wptexturize-style entities on a third of the posts
        html = html.translate(TEXTURIZE)
    if n_pages > 1:
        html += link_pages(post_url(base, post.meta), post, page)
    return html


def term_links(base: str, m: Meta) -> str:
    cats = ", ".join(f'<a href="{base}/category/{s}/" rel="category tag">{t(n)}</a>'
                     for s, n in m.categories)
    out = f'<span class="cat-links">Chuyên mục: {cats}</span>'
    if m.tags:
        tags = ", ".join(f'<a href="{base}/tag/{s}/" rel="tag">{t(n)}</a>' for s, n in m.tags)
        out += f' <span class="tags-links">Từ khóa: {tags}</span>'
    return out


BLOCK_DATE_FORMAT = "%d/%m/%Y"    # the site's date_format option (d/m/Y), shown by wp-block-post-date
UPDATED_LINE = "Cập nhật lần cuối: "


def block_display_date(d: datetime) -> str:
    return d.strftime(BLOCK_DATE_FORMAT)


def shown_title(m: Meta) -> str:
    """``the_title()``: WordPress prefixes protected posts."""
    return f"Được bảo vệ: {m.title}" if m.protected else m.title


def head_extra(base: str, post: Post, url: str, style: SiteStyle) -> str:
    """``wp_head`` output of a single post: core links, then the SEO plugin's."""
    m = post.meta
    first_img = next((b[1].path for b in post.blocks if b[0] == "img"), None)
    extra = (f'<link rel="alternate" title="JSON" type="application/json" href="{base}/wp-json/wp/v2/posts/{m.id}" />\n'
             f'<link rel="canonical" href="{url}" />\n<link rel=\'shortlink\' href=\'{base}/?p={m.id}\' />\n'
             f'<link rel="amphtml" href="{post_url(base, m)}/amp">\n')
    if style.seo != "none":
        extra += seo.og_meta(base, post, url, first_img)
    shape = style.jsonld_shape(m.id)
    if shape:
        extra += seo.jsonld(base, post, url, shape, first_img)
    return extra


def _modified_differs(m: Meta) -> bool:
    return m.modified > m.published


def post_page(corpus: Corpus, base: str, post: Post, style: SiteStyle = DEFAULT_STYLE,
              page: int = 1) -> str:
    """Page ``page`` of a post, in the theme ``style`` gives for the corpus' day."""
    m = post.meta
    url = page_url(post_url(base, m), post, page) if page > 1 else post_url(base, m)
    if page > 1 and "?" in url:
        url = f"{post_url(base, m)}/{page}/"   # WordPress' canonical for page N
    theme = style.theme_on(corpus.day)
    if theme == "magazine":
        from .magazine import magazine_page
        render = magazine_page
    else:
        render = _block_page if theme == "block" else _classic_page
    html = render(corpus, base, post, url, style, page)
    return unicodedata.normalize("NFD", html) if post.nfd else html


def _classic_page(corpus: Corpus, base: str, post: Post, url: str, style: SiteStyle, page: int) -> str:
    m = post.meta
    acc = BY_ID[m.author_id]
    iso = m.published.isoformat()
    classes = " ".join(f"category-{s}" for s, _ in m.categories)
    classes += "".join(f" tag-{s}" for s, _ in m.tags)
    protected = " post-password-required" if m.protected else ""
    goc = (f' <a class="link-goc" href="{a(post.original_url)}" target="_blank" rel="nofollow noopener">Gốc</a>'
           if post.original_url else "")
    updated = ""
    if corpus.variety and _modified_differs(m):
        updated = (f'<time class="updated" datetime="{m.modified.isoformat()}"></time>'
                   f' <span class="updated-on">{UPDATED_LINE}{m.modified:%d/%m/%Y %H:%M}</span>')
    byline = ""
    if corpus.variety:
        byline = (f' <span class="byline">bởi <span class="author vcard"><a class="url fn n" '
                  f'href="{base}/author/{acc.slug}/" rel="author">{t(acc.name)}</a></span></span>')
    cat_slug, cat_name = m.categories[0]
    related = []
    for j in post.related:
        r = corpus.meta(j)
        related.append(f'<li><a href="{post_url(base, r)}">{t(r.title)}</a> '
                       f'<span class="post-date">({r.published:%d/%m/%Y})</span></li>')
    return (head(base, m.title, head_extra(base, post, url, style))
            + f'<body class="post-template-default single single-post postid-{m.id} single-format-standard{protected} wp-embed-responsive">\n'
            + masthead(base)
            + f'<div class="breadcrumbs"><a href="{base}/">Trang chủ</a> » '
              f'<a href="{base}/category/{cat_slug}/">{t(cat_name)}</a></div>\n'
            + f'<h1 class="entry-title">{t(shown_title(m))}</h1>\n'
            + '<main id="primary" class="site-main">\n'
            + f'<article id="post-{m.id}" class="post-{m.id} post type-post status-publish format-standard{protected} hentry {classes}">\n'
            + '<header class="entry-header"><div class="entry-meta">'
              '<a href="javascript:window.print()" class="print-link"><i class="fa fa-print"></i>Print</a> '
              f'<span class="posted-on"><time class="entry-date published" datetime="{iso}">{display_date(m.published)}</time></span>'
              f'{goc}{updated}{byline}</div></header>\n'
            + '<div class="entry-content">\n' + content_html(base, post, page)
            + ("" if m.protected else SHARE.format(url=post_url(base, m))) + '</div>\n'
            + documents.attachments_box(base, m)
            + f'<footer class="entry-footer">{term_links(base, m)}</footer>\n'
            + TIEN_ICH.format(qtitle=a(m.title), qurl=post_url(base, m))
            + '</article>\n'
            + WIDGETS.format(gif=DATA_GIF, title=t(m.title))
            + '<section class="related-posts tin-khac"><h3 class="related-title">Tin khác</h3><ul>'
            + "".join(related) + '</ul></section>\n</main>\n'
            + footer(base))


def _block_terms(base: str, kind: str, terms) -> str:
    prefix = "category" if kind == "category" else "tag"
    links = '<span class="wp-block-post-terms__separator">, </span>'.join(
        f'<a href="{base}/{prefix}/{s}/" rel="tag">{t(n)}</a>' for s, n in terms)
    return f'<div class="taxonomy-{kind} wp-block-post-terms">{links}</div>' if terms else ""


def _block_page(corpus: Corpus, base: str, post: Post, url: str, style: SiteStyle, page: int) -> str:
    """Modelled on Twenty Twenty-Three's templates/single.html and parts/post-meta: no
    ``<article>``, the post id only in the body class, the shortlink and the REST link."""
    m = post.meta
    acc = BY_ID[m.author_id]
    protected = " post-password-required" if m.protected else ""
    menu = "".join(f'<li class="wp-block-navigation-item wp-block-navigation-link"><a class="wp-block-navigation-item__content" '
                   f'href="{base}/category/{s}/"><span class="wp-block-navigation-item__label">{t(n)}</span></a></li>'
                   for s, n in W.CATEGORIES[:6])
    return (block_head(base, m.title, head_extra(base, post, url, style))
            + f'<body class="post-template-default single single-post postid-{m.id} single-format-standard{protected} wp-embed-responsive">\n'
            + '<div class="wp-site-blocks"><header class="wp-block-template-part">\n'
              '<div class="wp-block-group is-layout-constrained wp-block-group-is-layout-constrained">'
              '<div class="wp-block-group alignwide is-content-justification-space-between is-layout-flex" '
              'style="padding-bottom:var(--wp--preset--spacing--40)">'
              f'<p class="wp-block-site-title"><a href="{base}" target="_self" rel="home">{SITE_NAME}</a></p>\n'
              '<nav class="is-responsive items-justified-right wp-block-navigation is-layout-flex" aria-label="Menu">'
              f'<ul class="wp-block-navigation__container">{menu}</ul></nav></div></div>\n</header>\n'
            + '<main class="wp-block-group is-layout-flow wp-block-group-is-layout-flow" style="margin-top:var(--wp--preset--spacing--50)">\n'
              '<div class="wp-block-group is-layout-constrained wp-block-group-is-layout-constrained">\n'
              f'<h1 style="margin-bottom:var(--wp--preset--spacing--40)" class="wp-block-post-title">{t(shown_title(m))}</h1>\n'
              '</div>\n'
            + '<div class="entry-content wp-block-post-content is-layout-constrained wp-block-post-content-is-layout-constrained">\n'
            + content_html(base, post, page) + '</div>\n'
            + documents.attachments_box(base, m)
            + '<div class="wp-block-template-part">\n'
              '<div style="height:0" aria-hidden="true" class="wp-block-spacer"></div>\n'
              '<div class="wp-block-group is-layout-constrained" style="margin-top:var(--wp--preset--spacing--70)">'
              '<hr class="wp-block-separator alignwide has-css-opacity is-style-wide"/>\n'
              '<div class="wp-block-columns alignwide has-small-font-size is-layout-flex" style="margin-top:var(--wp--preset--spacing--30)">\n'
              '<div class="wp-block-column is-layout-flow"><div class="wp-block-group is-nowrap is-layout-flex">'
              '<p>Đăng</p>'
              f'<div class="wp-block-post-date"><time datetime="{m.published.isoformat()}">{block_display_date(m.published)}</time></div>'
              f'<p>trong</p>{_block_terms(base, "category", m.categories)}</div>\n'
              '<div class="wp-block-group is-nowrap is-layout-flex"><p>bởi</p>'
              f'<div class="wp-block-post-author-name"><a href="{base}/author/{acc.slug}/" target="_self" '
              f'class="wp-block-post-author-name__link">{t(acc.name)}</a></div></div></div>\n'
              '<div class="wp-block-column is-layout-flow"><div class="wp-block-group is-vertical is-layout-flex">'
              f'<p>Thẻ:</p>{_block_terms(base, "post_tag", m.tags)}</div></div>\n'
              '</div></div></div>\n'
            + '</main>\n'
            + '<footer class="wp-block-template-part"><div class="wp-block-group has-global-padding is-layout-constrained">'
              f'<p class="has-text-align-center">{SITE_NAME} — Cơ quan chủ quản: Ủy ban nhân dân thành phố Hải Phòng</p>'
              '</div></footer></div>\n'
              f'<script src="{base}/wp-includes/js/dist/interactivity.min.js?ver=6.4.3" id="wp-interactivity-js"></script>\n'
              '</body>\n</html>\n')


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
