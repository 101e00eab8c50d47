"""What SEO plugins add to ``wp_head``: Open Graph / ``article:*`` meta and JSON-LD
in the shapes of Yoast SEO (``@graph`` with ``@id`` references), Rank Math
(``@graph`` with the author embedded by ``@id`` + name) and a single
``NewsArticle`` (author as a list), as ``replica.style.SiteStyle.seo`` asks."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC

from . import SITE_NAME
from .accounts import BY_ID
from .content import Post
from .templates import a


def _iso(d) -> str:
    return d.isoformat()


def og_meta(base: str, post: Post, url: str, first_img_path: str | None) -> str:
    m = post.meta
    out = (f'<meta property="og:locale" content="vi_VN" />\n<meta property="og:type" content="article" />\n'
           f'<meta property="og:title" content="{a(m.title)}" />\n'
           f'<meta property="og:description" content="{a(post.lead[:150])}" />\n'
           f'<meta property="og:url" content="{url}" />\n<meta property="og:site_name" content="{SITE_NAME}" />\n'
           f'<meta property="article:published_time" content="{_iso(m.published)}" />\n'
           f'<meta property="article:modified_time" content="{_iso(m.modified)}" />\n')
    if first_img_path:
        out += f'<meta property="og:image" content="{base}{first_img_path}" />\n'
    return out


def _script(data: dict, cls: str) -> str:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    return f'<script type="application/ld+json" class="{cls}">{text}</script>\n'


def jsonld(base: str, post: Post, url: str, shape: str, first_img_path: str | None) -> str:
    m = post.meta
    acc = BY_ID[m.author_id]
    author_url = f"{base}/author/{acc.slug}/"
    sections = [n for _, n in m.categories]
    keywords = [n for _, n in m.tags]
    image = f"{base}{first_img_path}" if first_img_path else None
    if shape == "yoast":
        pid = f"{base}/#/schema/person/" + hashlib.md5(acc.slug.encode()).hexdigest()
        article = {"@type": "Article", "@id": f"{url}#article",
                   "isPartOf": {"@id": url}, "author": {"name": acc.name, "@id": pid},
                   "headline": m.title, "datePublished": _iso(m.published),
                   "dateModified": _iso(m.modified), "mainEntityOfPage": {"@id": url},
                   "publisher": {"@id": f"{base}/#organization"},
                   "articleSection": sections, "inLanguage": "vi"}
        if keywords:
            article["keywords"] = keywords
        graph = [article,
                 {"@type": "WebPage", "@id": url, "url": url, "name": f"{m.title} - {SITE_NAME}",
                  "isPartOf": {"@id": f"{base}/#website"}, "datePublished": _iso(m.published),
                  "dateModified": _iso(m.modified), "inLanguage": "vi"},
                 {"@type": "WebSite", "@id": f"{base}/#website", "url": f"{base}/", "name": SITE_NAME,
                  "publisher": {"@id": f"{base}/#organization"}, "inLanguage": "vi"},
                 {"@type": "Organization", "@id": f"{base}/#organization", "name": SITE_NAME,
                  "url": f"{base}/"},
                 {"@type": "Person", "@id": pid, "name": acc.name, "url": author_url}]
        if image:
            article["thumbnailUrl"] = image
        return _script({"@context": "https://schema.org", "@graph": graph}, "yoast-schema-graph")
    if shape == "rankmath":
        graph = [{"@type": ["Person", "Organization"], "@id": f"{base}/#person", "name": SITE_NAME},
                 {"@type": "WebSite", "@id": f"{base}/#website", "url": base, "name": SITE_NAME,
                  "inLanguage": "vi"},
                 {"@type": "WebPage", "@id": f"{url}#webpage", "url": url, "name": m.title,
                  "datePublished": _iso(m.published), "dateModified": _iso(m.modified),
                  "isPartOf": {"@id": f"{base}/#website"}, "inLanguage": "vi"},
                 {"@type": "Person", "@id": author_url, "name": acc.name, "url": author_url},
                 {"@type": "NewsArticle", "headline": f"{m.title} - {SITE_NAME}",
                  "datePublished": _iso(m.published), "dateModified": _iso(m.modified),
                  "articleSection": ", ".join(sections),
                  "author": {"@id": author_url, "name": acc.name},
                  "publisher": {"@id": f"{base}/#person"}, "description": post.lead[:150],
                  "name": m.title, "@id": f"{url}#richSnippet", "isPartOf": {"@id": f"{url}#webpage"},
                  "inLanguage": "vi", "mainEntityOfPage": {"@id": f"{url}#webpage"}}]
        return _script({"@context": "https://schema.org", "@graph": graph}, "rank-math-schema")
    # a single NewsArticle as a news theme or small plugin writes it, UTC times, author list
    data = {"@context": "https://schema.org", "@type": "NewsArticle", "mainEntityOfPage": url,
            "headline": m.title,
            "datePublished": m.published.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "dateModified": m.modified.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "author": [{"@type": "Person", "name": acc.name, "url": author_url}],
            "publisher": {"@type": "Organization", "name": SITE_NAME}}
    if image:
        data["image"] = [image]
    return _script(data, "newsarticle-schema")
