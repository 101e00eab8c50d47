"""Routing and HTTP semantics of the replica, without sockets.

``Site(corpus).handle(method, path_with_query, headers)`` returns
``(status, [(name, value), ...], body)``.  Bodies are gzip-encoded here when
``Accept-Encoding`` allows it, so what a test gets from ``handle`` is what the
server sends.  Responses without an ``ETag`` (listings, feed, robots, 404,
AMP) are the ones the server sends chunked.  ``respond`` also tells the
server which socket-level fault to play (``reset``, ``hang``, ``drip``) and may
return a ``badpages.Stream`` body.
"""

from __future__ import annotations

import gzip
import hashlib
import re
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import NamedTuple
from urllib.parse import parse_qs, unquote, urlsplit

from . import DEFAULT_BASE_URL, assets, badpages, documents, jpeg, listing, render, sitemap, templates
from .accounts import BY_SLUG
from .content import Corpus
from .faults import SOCKET_LEVEL, Faults
from .rest import RestApi
from .style import SiteStyle

HTML = "text/html; charset=UTF-8"
XML = "application/xml; charset=UTF-8"
_IMG = re.compile(r"^/wp-content/uploads/(\d{4})/(\d{2})/hp(\d+)-(\d+)(?:-(300x200|768x512))?\.jpg$")
_PAGED = re.compile(r"^(/(?:(?:category|tag)/[^/]+/)?)page/(\d+)/?$")
_POST = re.compile(r"^/([^/]+)\.html(/amp/?|/(\d+)/?)?$")
_AUTHOR = re.compile(r"^/author/([^/]+)/(?:page/(\d+)/?)?$")
_SITEMAP = re.compile(r"^/wp-sitemap-posts-post-(\d+)\.xml$")
_TAXO = re.compile(r"^/wp-sitemap-taxonomies-(category|post_tag)-1\.xml$")
_COMPRESSIBLE = ("text/", "application/xml", "application/rss+xml")


def http_date(d: datetime) -> str:
    return format_datetime(d.astimezone(UTC), usegmt=True)


def remove_dots(path: str) -> str:
    """RFC 3986 dot-segment removal (as nginx does before routing); keeps a trailing slash."""
    out: list[str] = []
    for seg in path.split("/")[1:]:
        if seg == "..":
            if out:
                out.pop()
        elif seg != ".":
            out.append(seg)
    result = "/" + "/".join(out)
    if path.endswith(("/..", "/.")) and not result.endswith("/"):
        result += "/"
    return result


class Response(NamedTuple):
    status: int
    headers: list
    body: object              # bytes or badpages.Stream
    action: str | None = None  # socket-level fault for the server: reset | hang | drip


class Site:
    def __init__(self, corpus: Corpus, *, lastmod: bool = False, base_url: str = DEFAULT_BASE_URL,
                 faults: Faults | None = None, validators: bool = True,
                 crawl_delay: float | None = None, style: SiteStyle | None = None):
        """``validators=False``: no ``Last-Modified``/``ETag`` on post pages (and no 304 for
        them), as many real WordPress sites answer; images and sitemaps keep theirs.
        ``style``: theme, REST API and SEO plugin (``replica.style.SiteStyle``)."""
        self.corpus, self.lastmod, self.default_base = corpus, lastmod, base_url.rstrip("/")
        self.validators, self.crawl_delay = validators, crawl_delay
        self.faults = faults or Faults()
        self.style = style or SiteStyle()
        self.rest = RestApi(corpus)
        self._by_author: tuple[int, dict] = (-1, {})

    # ---- entry point --------------------------------------------------------
    def handle(self, method: str, target: str, headers: dict | None = None):
        """``(status, headers, body bytes)``; socket-level faults are not played here."""
        r = self.respond(method, target, headers)
        body = r.body if isinstance(r.body, bytes) else b"".join(r.body.make())
        return r.status, r.headers, body

    def respond(self, method: str, target: str, headers: dict | None = None) -> Response:
        h = {k.lower(): v for k, v in (headers or {}).items()}
        host = h.get("host")
        base = f"http://{host}" if host else self.default_base
        if method not in ("GET", "HEAD"):
            return Response(405, [("Allow", "GET, HEAD"), ("Content-Type", "text/plain; charset=utf-8"),
                                  ("Content-Length", "0")], b"")
        fault = self.faults.decide(target) if self.faults.rates else None
        if fault is not None and fault not in SOCKET_LEVEL:
            status, hdrs, body = self.faults.http_response(fault)
            return Response(*self._finish(method, h, status, hdrs, body))
        status, hdrs, body = self.route(target, base)
        return Response(*self._finish(method, h, status, hdrs, body), fault)

    # ---- routing ------------------------------------------------------------
    def route(self, target: str, base: str):
        parts = urlsplit(target)
        path = remove_dots(unquote(parts.path or "/"))
        query = parse_qs(parts.query, keep_blank_values=True)
        c = self.corpus
        if self.faults.bad:
            bad = badpages.route(c, base, path)
            if bad is not None:
                return bad
            if path == "/wp-sitemap-posts-page-1.xml":
                return self._xml(badpages.sitemap(base), c.live)
        if path.startswith("/wp-json/") or path == "/wp-json" or (path == "/" and "rest_route" in query):
            return self._rest(path, query, base)
        if path == "/" and "p" in query:
            i = c.index_of_id(int(query["p"][0])) if query["p"][0].isdigit() else None
            if i is None or c.is_deleted(i):
                return self._not_found(base)
            return self._redirect(render.post_url(base, c.meta(i)))
        if path == "/":
            return self._listing(base, c.live, 1, "/", None, "home blog")
        m = _POST.match(path)
        if m:
            i = c.index_of_slug(m.group(1))
            if i is None:
                j = c.renamed_from(m.group(1))
                if j is None:
                    return self._not_found(base)
                if c.is_deleted(j):
                    return self._not_found(base, c.deleted[j][0])
                return self._redirect(render.post_url(base, c.meta(j)) + (m.group(2) or ""))
            if c.is_deleted(i):
                return self._not_found(base, c.deleted[i][0])
            post = c.post(i)
            if m.group(2) and not m.group(3):
                return 200, [("Content-Type", HTML)], render.amp_page(base, post).encode()
            q = query.get("page", [""])[0]
            page = int(m.group(3)) if m.group(3) else int(q) if q.isdigit() else 1
            if page == 1 and (m.group(3) or q) or not 1 <= page <= render.page_count(post):
                if m.group(3) and page != 1:
                    return self._not_found(base)
                return self._redirect(render.post_url(base, post.meta))   # redirect_canonical
            return 200, self._post_headers(base, post.meta) + [("Content-Type", HTML)], \
                render.post_page(c, base, post, self.style, page).encode()
        m = _PAGED.match(path)
        if m:
            prefix, page = m.group(1), int(m.group(2))
            if page == 1:
                return self._redirect(base + prefix)
            return self._term_listing(base, prefix, page)
        m = _AUTHOR.match(path)
        if m:
            return self._author_listing(base, m.group(1), int(m.group(2) or 1))
        if path.startswith(("/category/", "/tag/")):
            if not path.endswith("/"):
                return self._redirect(base + path + "/")
            return self._term_listing(base, path, 1)
        asset = assets.serve(path) if path.startswith(("/wp-content/", "/wp-includes/")) else None
        if asset is not None:
            ctype, data, modified = asset
            return 200, [("Content-Type", ctype), ("Last-Modified", http_date(modified))], data
        doc = documents.serve(c, path) if path.startswith("/wp-content/uploads/") else None
        if doc is not None:
            mime, data, published = doc
            return 200, [("Content-Type", mime), ("Last-Modified", http_date(published))], data
        m = _IMG.match(path)
        if m:
            y, mo, pid, k = int(m.group(1)), int(m.group(2)), int(m.group(3)), int(m.group(4))
            if not c.image_exists(y, mo, pid, k):
                return self._not_found(base)
            meta = c.meta(c.index_of_id(pid))
            return 200, [("Content-Type", "image/jpeg"),
                         ("Last-Modified", http_date(meta.published))], jpeg.jpeg_bytes(path)
        if path in ("/feed/", "/feed"):
            return 200, [("Content-Type", "application/rss+xml; charset=UTF-8")], \
                listing.feed(c, base).encode()
        if path == "/robots.txt":
            return 200, [("Content-Type", "text/plain; charset=utf-8")], sitemap.robots(base, self.crawl_delay).encode()
        if path == "/wp-sitemap.xml":
            text = sitemap.index(c, base, self.lastmod)
            if self.faults.bad:
                text = text.replace("</sitemapindex>", f"<sitemap><loc>{base}/wp-sitemap-posts-page-1.xml"
                                                       "</loc></sitemap></sitemapindex>")
            return self._xml(text, c.live)
        m = _SITEMAP.match(path)
        if m:
            n = int(m.group(1))
            text = sitemap.posts(c, base, n, self.lastmod)
            return self._xml(text, sitemap.chunk(c, n)) if text else self._not_found(base)
        m = _TAXO.match(path)
        if m:
            text = sitemap.taxonomy(c, base, m.group(1))
            return self._xml(text, c.live) if text else self._not_found(base)
        return self._not_found(base)

    def _rest(self, path: str, query: dict, base: str):
        if self.style.rest == "404":
            return self._not_found(base)
        route = query["rest_route"][0] if path == "/" else path[len("/wp-json"):]
        return self.rest.route(route, query, base, self.style.rest)

    def _author_listing(self, base: str, slug: str, page: int):
        """``/author/<slug>/``: the account's posts, 10 per page, newest first."""
        acc = BY_SLUG.get(slug)
        if acc is None:
            return self._not_found(base)
        c = self.corpus
        if self._by_author[0] != len(c.live):
            groups: dict[int, list] = {}
            for i in c.live:
                groups.setdefault(c.meta(i).author_id, []).append(i)
            self._by_author = (len(c.live), groups)
        indices = self._by_author[1].get(acc.id, [])
        if not indices:
            return self._not_found(base)
        return self._listing(base, indices, page, f"/author/{slug}/", f"Tác giả: {acc.name}",
                             f"archive author author-{slug} author-{acc.id}")

    def _term_listing(self, base: str, prefix: str, page: int):
        c = self.corpus
        if prefix == "/":
            return self._listing(base, c.live, page, "/", None, "home blog")
        kind, slug = prefix.strip("/").split("/", 1)
        indices = c.terms["category" if kind == "category" else "tag"].get(slug)
        if indices is None or "/" in slug:
            return self._not_found(base)
        name = c.term_names[kind if kind == "category" else "tag"][slug]
        label = "Chuyên mục" if kind == "category" else "Từ khóa"
        return self._listing(base, indices, page, prefix, f"{label}: {name}",
                             f"archive {kind} {kind}-{slug}")

    def _listing(self, base, indices, page, first_path, heading, body_class):
        html = listing.listing_page(self.corpus, base, indices, page, base + first_path, heading, body_class)
        if html is None:
            return self._not_found(base)
        if self.faults.bad and first_path == "/" and page == 1:
            html = html.replace("</main>", badpages.links_widget(base) + "</main>", 1)
        return 200, [("Content-Type", HTML)], html.encode()

    def _post_headers(self, base: str, m) -> list:
        return [("Last-Modified", http_date(m.modified)),
                ("Link", f'<{base}/wp-json/>; rel="https://api.w.org/"'),
                ("Link", f'<{base}/wp-json/wp/v2/posts/{m.id}>; rel="alternate"; type="application/json"'),
                ("Link", f"<{base}/?p={m.id}>; rel=shortlink")]

    def _xml(self, text: str, indices):
        hdrs = [("Content-Type", XML), ("X-Robots-Tag", "noindex, follow")]
        if len(indices):
            hdrs.insert(1, ("Last-Modified", http_date(self.corpus.max_modified(indices))))
        return 200, hdrs, text.encode()

    @staticmethod
    def _redirect(location: str):
        return 301, [("Location", location), ("Content-Type", HTML),
                     ("X-Redirect-By", "WordPress")], b""

    @staticmethod
    def _not_found(base: str, status: int = 404):
        return status, [("Content-Type", HTML), ("Cache-Control", "no-cache, must-revalidate, max-age=0")], \
            templates.not_found(base).encode()

    # ---- validators, conditional GET, gzip ----------------------------------
    def _finish(self, method, h, status, hdrs, body):
        names = {k for k, _ in hdrs}
        if not isinstance(body, bytes) or "Content-Encoding" in names:   # streams, gzip bomb
            hdrs.append(("Content-Length", str(body.length if not isinstance(body, bytes) else len(body))))
            return status, hdrs, (b"" if method == "HEAD" else body)
        if not self.validators and ctype_is_html(hdrs):
            hdrs = [(k, v) for k, v in hdrs if k != "Last-Modified"]
            names.discard("Last-Modified")
        if status == 200 and "Last-Modified" in names:
            etag = '"' + hashlib.md5(body).hexdigest()[:20] + '"'
            hdrs.append(("ETag", etag))
            if self._not_modified(h, etag, dict(hdrs)["Last-Modified"]):
                keep = [(k, v) for k, v in hdrs if k in ("ETag", "Last-Modified", "Link")]
                return 304, keep, b""
        ctype = dict(hdrs).get("Content-Type", "")
        if body and ctype.startswith(_COMPRESSIBLE) and _accepts_gzip(h.get("accept-encoding", "")):
            body = gzip.compress(body, compresslevel=6, mtime=0)
            hdrs.append(("Content-Encoding", "gzip"))
            hdrs = [(k, "W/" + v if k == "ETag" else v) for k, v in hdrs]
        if ctype.startswith(_COMPRESSIBLE):
            hdrs.append(("Vary", "Accept-Encoding"))
        hdrs.append(("Content-Length", str(len(body))))
        return status, hdrs, (b"" if method == "HEAD" else body)

    @staticmethod
    def _not_modified(h: dict, etag: str, last_modified: str) -> bool:
        inm = h.get("if-none-match")
        if inm is not None:
            tags = [x.strip().removeprefix("W/") for x in inm.split(",")]
            return "*" in tags or etag in tags
        ims = h.get("if-modified-since")
        if ims:
            try:
                return parsedate_to_datetime(last_modified) <= parsedate_to_datetime(ims)
            except (TypeError, ValueError):
                return False
        return False


def ctype_is_html(hdrs) -> bool:
    return any(k == "Content-Type" and v.startswith("text/html") for k, v in hdrs)


def _accepts_gzip(value: str) -> bool:
    for part in value.lower().split(","):
        name, _, params = part.strip().partition(";")
        if name.strip() in ("gzip", "*"):
            return not re.search(r"q\s*=\s*0(\.0*)?\s*$", params)
    return False
