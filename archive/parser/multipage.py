"""Multi-page posts (``<!--nextpage-->``): the page links WordPress prints, and
merging the Articles parsed from each page into one.

``wp_link_pages()`` (``wp-includes/post-template.php``) prints, inside the
post, ``<p class="post-nav-links">`` (themes often pass ``<div class="page-links">``)
holding ``<a href="…" class="post-page-numbers">2</a>`` for the other pages and
``<span class="post-page-numbers current" aria-current="page">1</span>`` for the
page shown. ``_wp_link_page($i)`` makes page ``i``'s URL: ``<permalink>/i/``
(``user_trailingslashit``: ``<slug>.html/2`` on a permalink structure without a
trailing slash), ``<permalink>?page=i`` with plain permalinks, or
``<permalink>/page/i/`` for a static front page.
"""

from __future__ import annotations

import html
import re
from dataclasses import replace
from urllib.parse import parse_qsl, unquote, urlsplit, urlunsplit

from archive.parser.dom import absolute
from archive.parser.model import Article

# the wrappers wp_link_pages() is given by core and by common themes
PAGE_LINK_WRAPPERS = ("post-nav-links", "page-links", "wp-link-pages", "pagelink", "page-link",
                      "post-pagination", "entry-pagination", "pgntn-page-pagination")
PAGE_LINK_CLASS = "post-page-numbers"
_PAGE_SEG = re.compile(r"^(?P<stem>.*?)/(?:page/)?(?P<n>\d{1,3})/?$")


def page_number(url: str) -> tuple[str, int]:
    """(URL of page 1, page number) of a post page URL: ``…/slug.html/2/`` → (``…/slug.html``, 2).

    ``?page=N`` counts too; a URL naming no page is page 1 of itself.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return url, 1
    query = parse_qsl(parts.query, keep_blank_values=True)
    for i, (k, v) in enumerate(query):
        if k == "page" and v.isdigit():
            rest = "&".join(f"{a}={b}" if b else a for j, (a, b) in enumerate(query) if j != i)
            return urlunsplit(parts._replace(query=rest, fragment="")), int(v)
    m = _PAGE_SEG.match(parts.path)
    if m and m.group("stem") and int(m.group("n")) >= 1:
        return urlunsplit(parts._replace(path=m.group("stem"), query=parts.query, fragment="")), int(m.group("n"))
    return urlunsplit(parts._replace(fragment="")), 1


def _same_post(a: str, b: str) -> bool:
    return unquote(a).rstrip("/") == unquote(b).rstrip("/")


def find_pages(idx, base: str, post_url: str) -> tuple[list[str], int]:
    """(URLs of every page of the post in page order, the page this one is).

    Only links that ``_wp_link_page`` could have made for this post count (same
    post URL, a page number): an ordinary "next post" link never does. Empty
    list when the post has one page.
    """
    anchors = list(idx.cls(PAGE_LINK_CLASS))
    for wrapper in idx.cls(*PAGE_LINK_WRAPPERS):
        anchors.extend(wrapper.iter("a", "span"))
    if not anchors:
        return [], 1
    stem, current = page_number(post_url)
    pages: dict[int, str] = {}
    for el in anchors:
        if el.tag == "a":
            u = absolute(base, el.get("href"))
            if not u:
                continue
            s, n = page_number(u)
            if _same_post(s, stem):
                pages.setdefault(n, u)
        elif "current" in (el.get("class") or "").split() or el.get("aria-current") == "page":
            t = (el.text or "").strip()
            if t.isdigit():
                current = int(t)
    if not pages or set(pages) <= {current}:
        return [], current
    pages.setdefault(current, post_url)
    pages.setdefault(1, stem)
    return [pages[n] for n in sorted(pages)], current


def merge_pages(articles: list[Article]) -> Article:
    """One Article from the Articles of a post's pages, in page order.

    Page 1 gives the identity, title, lead, dates, people and terms; the body
    text, body HTML, images and links are the pages' in order (links de-duplicated,
    links to the post's own pages dropped); ``pages`` counts the pages merged.
    """
    if not articles:
        raise ValueError("merge_pages needs at least one page")
    first = articles[0]
    own = {unquote(u).rstrip("/") for a in articles for u in [a.url, *a.page_urls]}
    texts, htmls = [], []
    for k, a in enumerate(articles):
        # a later page's "lead" is only its first paragraph (unless the theme repeats the lead)
        if k and a.lead and a.lead != first.lead:
            texts.append(a.lead)
            htmls.append(f"<p>{html.escape(a.lead, quote=False)}</p>")
        if a.body_text:
            texts.append(a.body_text)
        if a.body_html:
            htmls.append(a.body_html)
    images, links, seen = [], [], set()
    for a in articles:
        images.extend(a.images)
        for link in a.links:
            if unquote(link.url).rstrip("/") in own:
                continue
            key = (link.url, link.kind)
            if key not in seen:
                seen.add(key)
                links.append(link)
    merged = replace(first, body_text="\n\n".join(texts), body_html="\n".join(htmls),
                     images=images, links=links, pages=len(articles),
                     sources=dict(first.sources), page_urls=list(first.page_urls),
                     categories=list(first.categories), tags=list(first.tags))
    for a in articles[1:]:     # fields page 1 lacks but a later page carries (the byline on the last page)
        for name in ("author", "source", "original_url"):
            if getattr(merged, name) is None and getattr(a, name) is not None:
                setattr(merged, name, getattr(a, name))
                if name in a.sources:
                    merged.sources[name] = a.sources[name]
    # a printed byline on any page beats page 1's fallback to the posting account
    printed = next((a for a in articles if a.author and a.sources.get("author") == "text"), None)
    if printed is not None:
        merged.author, merged.sources["author"] = printed.author, "text"
    return merged
