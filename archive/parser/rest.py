"""The WordPress REST API's post JSON applied to an Article parsed from the post's HTML.

``apply_rest(article, post, users=None, terms=None)`` is pure: it returns a new
Article with ``published_at`` (``date_gmt``), ``modified_at`` (``modified_gmt``),
``categories``/``tags`` (``_embedded["wp:term"]``, or the ``terms`` given) and
``wp_author`` (``_embedded.author``, or the ``users`` given) taken from the API
— machine-readable values of the site itself, preferred over metadata and theme
markup — and ``author`` recomputed (the printed byline stays; else the account
unless it is a desk). Anything missing or malformed leaves the HTML's value.

Shapes follow ``WP_REST_Posts_Controller::prepare_item_for_response``: ``date``
and ``modified`` in the site's time zone, ``date_gmt``/``modified_gmt`` in UTC,
both without an offset; ``author`` a user id; ``categories``/``tags`` term ids;
``?_embed`` adds ``_embedded.author`` (user objects with ``id``, ``name``,
``slug``) and ``_embedded["wp:term"]`` (lists of term objects with ``id``,
``name``, ``slug``, ``taxonomy``, ``link``). Term names are HTML-escaped
(``&amp;``) and slugs percent-encoded, as WordPress stores them.
"""

from __future__ import annotations

import html
from dataclasses import replace
from datetime import UTC, datetime
from urllib.parse import unquote

from archive.parser.dates import LOCAL, iso_local, iso_utc, parse_iso
from archive.parser.model import Article, Term
from archive.parser.textpatterns import is_desk_account
from archive.text import normalize

LAYER = "rest"


def _utc(value) -> datetime | None:
    """A REST ``*_gmt`` value (UTC without an offset) as an aware datetime, else None."""
    if not isinstance(value, str) or not value.strip():
        return None
    dt = parse_iso(value)
    if dt is None:
        return None
    if "Z" not in value.upper() and "+" not in value[10:] and "-" not in value[10:]:
        dt = dt.replace(tzinfo=UTC)       # parse_iso read the naive value as local
    return dt


def _local(value) -> datetime | None:
    dt = parse_iso(value) if isinstance(value, str) else None
    return dt.astimezone(LOCAL) if dt is not None else None


def _text(value) -> str | None:
    if isinstance(value, dict):             # {"rendered": "..."} fields
        value = value.get("rendered")
    if not isinstance(value, str):
        return None
    return normalize(html.unescape(value)) or None


def _term(obj) -> Term | None:
    if not isinstance(obj, dict):
        return None
    slug = obj.get("slug")
    name = _text(obj.get("name"))
    if not isinstance(slug, str) or not slug or not name:
        return None
    link = obj.get("link") if isinstance(obj.get("link"), str) else None
    return Term(slug=normalize(unquote(slug)).lower(), name=name, url=link)


def _terms(post: dict, terms) -> tuple[list[Term] | None, list[Term] | None]:
    """(categories, tags) from ``_embedded["wp:term"]``, else from ``terms`` ({id: term JSON})."""
    cats: list[Term] | None = None
    tags: list[Term] | None = None
    embedded = post.get("_embedded")
    groups = embedded.get("wp:term") if isinstance(embedded, dict) else None
    if isinstance(groups, list):
        # one list per taxonomy, in the order WordPress registers them (category, post_tag, …);
        # an empty list names no taxonomy: its position tells
        for pos, group in enumerate(groups):
            if not isinstance(group, list):
                continue
            taxes = {o.get("taxonomy") for o in group if isinstance(o, dict)}
            tax = taxes.pop() if len(taxes) == 1 else ({0: "category", 1: "post_tag"}.get(pos) if not group else None)
            found = [t for t in map(_term, group) if t is not None]
            if tax == "category":
                cats = found
            elif tax == "post_tag":
                tags = found
    if isinstance(terms, dict):
        for key, out_name in (("categories", "cats"), ("tags", "tags")):
            ids = post.get(key)
            if not isinstance(ids, list) or (cats if out_name == "cats" else tags) is not None:
                continue
            found = [t for t in (_term(terms.get(i) or terms.get(str(i))) for i in ids) if t is not None]
            if len(found) == len(ids):          # only a complete lookup replaces the HTML's terms
                if out_name == "cats":
                    cats = found
                else:
                    tags = found
    return cats, tags


def _account(post: dict, users) -> str | None:
    author_id = post.get("author")
    embedded = post.get("_embedded")
    candidates = []
    if isinstance(embedded, dict) and isinstance(embedded.get("author"), list):
        candidates.extend(embedded["author"])
    if isinstance(users, dict) and ("id" in users or "name" in users):
        candidates.append(users)                # one user's JSON
    elif isinstance(users, dict):
        candidates.append(users.get(author_id) or users.get(str(author_id)))
    elif isinstance(users, list):
        candidates.extend(users)
    for user in candidates:
        if not isinstance(user, dict):
            continue
        if "id" in user and author_id is not None and user.get("id") != author_id:
            continue
        name = _text(user.get("name"))
        if name:
            return name
    return None


def apply_rest(article: Article, post, users=None, terms=None) -> Article:
    """``article`` with the REST post JSON's dates, terms and account applied (a new Article)."""
    if not isinstance(post, dict):
        return article
    pid = post.get("id")
    if isinstance(pid, int) and article.wp_post_id is not None and pid != article.wp_post_id:
        return article                          # another post's JSON: nothing of it applies
    out = replace(article, sources=dict(article.sources), categories=list(article.categories),
                  tags=list(article.tags))
    src = out.sources
    published = _utc(post.get("date_gmt")) or _local(post.get("date"))
    if published is not None:
        out.published_at, src["published_at"] = iso_local(published), LAYER
    modified = _utc(post.get("modified_gmt")) or _local(post.get("modified"))
    if modified is not None:
        out.modified_at, src["modified_at"] = iso_utc(modified), LAYER
    cats, tags = _terms(post, terms)
    if cats is not None:
        out.categories, src["categories"] = cats, LAYER
    if tags is not None:
        out.tags, src["tags"] = tags, LAYER
    account = _account(post, users)
    if account:
        out.wp_author, src["wp_author"] = account, LAYER
        if src.get("author") != "text":         # no printed byline: the account, unless a desk
            if is_desk_account(account):
                out.author = None
                src.pop("author", None)
            else:
                out.author, src["author"] = account, LAYER
    if isinstance(pid, int) and out.wp_post_id is None:
        out.wp_post_id, src["wp_post_id"] = pid, LAYER
    return out
