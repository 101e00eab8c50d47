"""The WordPress REST API (``/wp-json/wp/v2/...``) as WordPress 6.x serves it.

Routes: ``posts`` (newest first; ``per_page`` ≤ 100, ``page``; ``X-WP-Total``,
``X-WP-TotalPages``, ``Link`` rel next/prev), ``posts/<id>`` (``?_embed`` adds
``_embedded.author`` and ``_embedded["wp:term"]``), ``categories``, ``tags``,
``users`` (+ ``/<id>``), also reachable as ``/?rest_route=/wp/v2/...``.
``SiteStyle.rest`` = ``401``/``403`` answers every route the way the "disable
REST API" plugins of government sites do; ``404``: the API is gone (the theme's
404 page). Field names and shapes follow ``WP_REST_Posts_Controller``,
``WP_REST_Terms_Controller`` and ``WP_REST_Users_Controller``.
"""

from __future__ import annotations

import json
from datetime import UTC
from urllib.parse import urlencode

from archive.text import slugify

from . import words as W
from .accounts import ACCOUNTS, BY_ID
from .content import Corpus
from .render import content_html, post_url
from .templates import a

JSON = "application/json; charset=UTF-8"
API_ERRORS = {
    "401": (401, {"code": "rest_cannot_access", "message": "Chỉ người dùng đã đăng nhập mới có thể truy cập REST API.",
                  "data": {"status": 401}}),
    "403": (403, {"code": "rest_forbidden", "message": "Xin lỗi, bạn không được phép làm điều đó.",
                  "data": {"status": 403}}),
}
NO_ROUTE = (404, {"code": "rest_no_route", "message": "No route was found matching the URL and request method.",
                  "data": {"status": 404}})
MAX_PER_PAGE = 100


def _local(d) -> str:
    return d.strftime("%Y-%m-%dT%H:%M:%S")


def _gmt(d) -> str:
    return d.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _headers(extra=()) -> list:
    return [("Content-Type", JSON), ("X-Robots-Tag", "noindex"), ("X-Content-Type-Options", "nosniff"),
            ("Access-Control-Expose-Headers", "X-WP-Total, X-WP-TotalPages, Link"),
            ("Allow", "GET"), *extra]


def _dump(data) -> bytes:
    """As PHP's ``json_encode``: ``\\uXXXX`` escapes and escaped slashes."""
    return json.dumps(data, separators=(",", ":")).replace("/", "\\/").encode()


def _error(status: int, data: dict):
    return status, _headers(), _dump(data)


class RestApi:
    def __init__(self, corpus: Corpus):
        self.corpus = corpus
        self._term_ids: dict[tuple[str, str], int] = {}

    # ---- ids ----------------------------------------------------------------
    def term_id(self, kind: str, slug: str) -> int:
        """Stable term ids: categories from 2 (1 = Uncategorized), tags from 100."""
        if not self._term_ids:
            for k, (s, _) in enumerate(W.CATEGORIES):
                self._term_ids[("category", s)] = 2 + k
            for k, name in enumerate(W.TAGS):
                self._term_ids[("tag", slugify(name))] = 100 + k
        return self._term_ids[(kind, slug)]

    # ---- objects --------------------------------------------------------------
    def _term(self, base: str, kind: str, slug: str, count: int | None = None) -> dict:
        name = self.corpus.term_names[kind][slug]
        tid = self.term_id(kind, slug)
        route = "categories" if kind == "category" else "tags"
        prefix = "category" if kind == "category" else "tag"
        out = {"id": tid, "count": count if count is not None else len(self.corpus.terms[kind].get(slug, ())),
               "description": "", "link": f"{base}/{prefix}/{slug}/", "name": name, "slug": slug,
               "taxonomy": "category" if kind == "category" else "post_tag"}
        if kind == "category":
            out["parent"] = 0
        out["meta"] = []
        out["_links"] = {"self": [{"href": f"{base}/wp-json/wp/v2/{route}/{tid}"}],
                         "collection": [{"href": f"{base}/wp-json/wp/v2/{route}"}]}
        return out

    def _user(self, base: str, acc) -> dict:
        return {"id": acc.id, "name": acc.name, "url": "", "description": "",
                "link": f"{base}/author/{acc.slug}/", "slug": acc.slug,
                "avatar_urls": {str(s): f"https://secure.gravatar.com/avatar/{slugify(acc.slug)}?s={s}&d=mm&r=g"
                                for s in (24, 48, 96)},
                "meta": [],
                "_links": {"self": [{"href": f"{base}/wp-json/wp/v2/users/{acc.id}"}],
                           "collection": [{"href": f"{base}/wp-json/wp/v2/users"}]}}

    def post(self, base: str, i: int, embed: bool = False) -> dict:
        c = self.corpus
        post = c.post(i)
        m = post.meta
        link = post_url(base, m)
        protected = m.protected
        pages = [content_html(base, post, k) for k in range(1, len(post.page_breaks) + 2)]
        # the_content over the whole post_content: every page, joined at <!--nextpage-->
        rendered = "" if protected else "\n<!--nextpage-->\n".join(p.split('<p class="post-nav-links">')[0]
                                                                    for p in pages)
        excerpt = "" if protected else f"<p>{a(post.lead[:200])}</p>\n"
        cats = [self.term_id("category", s) for s, _ in m.categories]
        tags = [self.term_id("tag", s) for s, _ in m.tags]
        out = {
            "id": m.id, "date": _local(m.published), "date_gmt": _gmt(m.published),
            "guid": {"rendered": f"{base}/?p={m.id}"},
            "modified": _local(m.modified), "modified_gmt": _gmt(m.modified),
            "slug": m.slug, "status": "publish", "type": "post", "link": link,
            "title": {"rendered": a(f"Được bảo vệ: {m.title}" if protected else m.title)},
            "content": {"rendered": rendered, "protected": protected},
            "excerpt": {"rendered": excerpt, "protected": protected},
            "author": m.author_id, "featured_media": 0, "comment_status": "closed",
            "ping_status": "closed", "sticky": False, "template": "", "format": "standard",
            "meta": {"footnotes": ""}, "categories": cats, "tags": tags,
            "_links": {
                "self": [{"href": f"{base}/wp-json/wp/v2/posts/{m.id}"}],
                "collection": [{"href": f"{base}/wp-json/wp/v2/posts"}],
                "about": [{"href": f"{base}/wp-json/wp/v2/types/post"}],
                "author": [{"embeddable": True, "href": f"{base}/wp-json/wp/v2/users/{m.author_id}"}],
                "replies": [{"embeddable": True, "href": f"{base}/wp-json/wp/v2/comments?post={m.id}"}],
                "version-history": [{"count": m.version, "href": f"{base}/wp-json/wp/v2/posts/{m.id}/revisions"}],
                "wp:attachment": [{"href": f"{base}/wp-json/wp/v2/media?parent={m.id}"}],
                "wp:term": [
                    {"taxonomy": "category", "embeddable": True,
                     "href": f"{base}/wp-json/wp/v2/categories?post={m.id}"},
                    {"taxonomy": "post_tag", "embeddable": True, "href": f"{base}/wp-json/wp/v2/tags?post={m.id}"}],
                "curies": [{"name": "wp", "href": "https://api.w.org/{rel}", "templated": True}],
            },
        }
        if embed:
            acc = BY_ID[m.author_id]
            user = self._user(base, acc)
            out["_embedded"] = {
                "author": [user],
                "wp:term": [[self._term(base, "category", s) for s, _ in m.categories],
                            [self._term(base, "tag", s) for s, _ in m.tags]],
            }
        return out

    # ---- routing --------------------------------------------------------------
    def route(self, route: str, query: dict, base: str, mode: str):
        """``route`` is the part after ``/wp-json`` (``/wp/v2/posts/12``)."""
        if mode in API_ERRORS:
            return _error(*API_ERRORS[mode])
        parts = [p for p in route.split("/") if p]
        if parts[:2] != ["wp", "v2"] or len(parts) < 3:
            if not parts:
                return 200, _headers(), _dump({"name": "Cổng tin tức Thành phố Hải Phòng", "url": base,
                                               "namespaces": ["oembed/1.0", "wp/v2", "wp-site-health/v1"],
                                               "routes": {}})
            return _error(*NO_ROUTE)
        embed = "_embed" in query
        kind, rest = parts[2], parts[3:]
        c = self.corpus
        if kind == "posts":
            if rest:
                if len(rest) != 1 or not rest[0].isdigit():
                    return _error(*NO_ROUTE)
                i = c.index_of_id(int(rest[0]))
                if i is None or c.is_deleted(i):
                    return _error(404, {"code": "rest_post_invalid_id", "message": "ID bài viết không hợp lệ.",
                                        "data": {"status": 404}})
                return 200, _headers([("Link", f'<{post_url(base, c.meta(i))}>; rel="alternate"; type=text/html')]), \
                    _dump(self.post(base, i, embed))
            items = list(reversed(c.live))     # orderby=date, order=desc
            return self._collection(base, "posts", query, items, lambda i: self.post(base, i, embed))
        if kind in ("categories", "tags"):
            tkind = "category" if kind == "categories" else "tag"
            slugs = sorted(c.terms[tkind], key=lambda s: c.term_names[tkind][s])   # orderby=name
            if rest:
                want = int(rest[0]) if rest[0].isdigit() else -1
                for s in slugs:
                    if self.term_id(tkind, s) == want:
                        return 200, _headers(), _dump(self._term(base, tkind, s))
                return _error(404, {"code": "rest_term_invalid", "message": "Thuật ngữ không tồn tại.",
                                    "data": {"status": 404}})
            return self._collection(base, kind, query, slugs, lambda s: self._term(base, tkind, s))
        if kind == "users":
            if rest:
                acc = BY_ID.get(int(rest[0])) if rest[0].isdigit() else None
                if acc is None:
                    return _error(404, {"code": "rest_user_invalid_id", "message": "ID người dùng không hợp lệ.",
                                        "data": {"status": 404}})
                return 200, _headers(), _dump(self._user(base, acc))
            return self._collection(base, "users", query, list(ACCOUNTS), lambda u: self._user(base, u))
        return _error(*NO_ROUTE)

    def _collection(self, base: str, kind: str, query: dict, items: list, make):
        try:
            per_page = int(query.get("per_page", ["10"])[0])
            page = int(query.get("page", ["1"])[0])
        except ValueError:
            return _error(400, {"code": "rest_invalid_param", "message": "Tham số không hợp lệ: per_page, page",
                                "data": {"status": 400}})
        if not 1 <= per_page <= MAX_PER_PAGE or page < 1:
            return _error(400, {"code": "rest_invalid_param", "message": "Tham số không hợp lệ: per_page",
                                "data": {"status": 400, "params": {"per_page": "per_page must be between 1 (inclusive) and 100 (inclusive)"}}})
        total = len(items)
        pages = max(1, -(-total // per_page)) if total else 0
        if page > max(pages, 1):
            return _error(400, {"code": "rest_post_invalid_page_number",
                                "message": "Số trang yêu cầu lớn hơn số trang có sẵn.", "data": {"status": 400}})
        chunk = items[(page - 1) * per_page:page * per_page]
        extra = [("X-WP-Total", str(total)), ("X-WP-TotalPages", str(pages))]
        keep = {k: v[0] for k, v in query.items() if k not in ("page",)}

        def href(n: int) -> str:
            q = urlencode({**keep, "page": n}) if n > 1 else urlencode(keep)
            return f"{base}/wp-json/wp/v2/{kind}" + (f"?{q}" if q else "")
        links = []
        if page > 1:
            links.append(f'<{href(page - 1)}>; rel="prev"')
        if page < pages:
            links.append(f'<{href(page + 1)}>; rel="next"')
        if links:
            extra.append(("Link", ", ".join(links)))
        return 200, _headers(extra), _dump([make(x) for x in chunk])
