"""Capture → rows: what one HTTP exchange puts in the database, in one place.

Both routes into the database go through this module, so a database rebuilt
from the WARC files holds the rows the crawl wrote:

- the crawl: the spider asks ``wants_parse`` and calls ``parse_capture`` on
  what it downloaded (it needs the article to follow its links); the storage
  session (``archive.crawl.session``) calls ``apply_status`` when it records
  the exchange and ``apply_parsed`` when the spider's outcome arrives;
- the rebuild (``reindex``, ``import``): ``archive.warc.rows.RowBuilder``
  calls the same three on each WARC record.

The rules:

1. **Parse this page?** ``wants_parse(status, content_type, truncated)``: a
   whole 200 whose ``Content-Type`` names HTML, or has none (then the body
   must look like HTML: ``parse_capture`` sniffs it). Whatever the URL was
   queued as: the response decides, not the link that led to it. A body cut
   short (``WARC-Truncated``) is archived, never parsed: half an article
   must not become a new version.
2. **Charset**: ``charset(content_type)`` from the HTTP header; the parser
   decodes with it (meta tags, BOM and guesses inside ``archive.parser``).
3. **Guarded parse**: ``parse_capture`` never raises; a parser crash becomes
   ``Parsed(problem=...)``, and ``apply_parsed`` writes it as an ``errors``
   row of kind ``parse`` (stamped with the capture's time, so crawl and
   rebuild write the same row).
4. **Documents** (``apply_document``, rules in ``archive.warc.documents``): a
   PDF or office file gets its ``documents`` row (type, size, extracted text).
5. **Status rules** (``STATUS_RULES``): 304 → the post was seen unchanged
   (``last_seen_at`` moves); 404/410 → the post is gone (``gone_at``; every
   row is kept). A crawl's 304/404 always counts; an imported one (a WARC file
   of another tool, or the archive's own files taken into another archive)
   only judges a post whose row an import made, and only when it is not older
   than the row's last sighting: an import never touches or marks gone what
   the archive's own crawls fetched (``precedence``).
6. **Precedence** (``precedence``, ``outranked``): an article is saved with
   ``seen_at`` = the capture's time, unless the post's row outranks the
   capture: the portal's own crawls always win over imports, whatever the
   dates; among captures of the same provenance the newest wins.

Extending: a new kind of page (documents, REST JSON) adds its test to
``wants_parse``/``parse_capture`` and its saving to ``apply_parsed``; a new
status rule is one entry in ``STATUS_RULES``. Keep the functions pure of
crawl state (no spider, no Scrapy): only the capture's own facts decide.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

from archive.parser import parse_article
from archive.parser.model import Article

# errors.kind written by this module (tests compare these rows between crawl and rebuild)
ERROR_KINDS = ("parse",)

_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_HTML_START = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b",
                         re.I | re.S)


@dataclass(frozen=True)
class CaptureFacts:
    """What the rules may look at: the capture's own row, nothing of the crawl."""
    url: str
    status: int | None
    fetched_at: str            # ISO 8601 UTC to the second (``captures.fetched_at``)
    crawl_id: int | None = None
    capture_id: int | None = None
    provenance: str = "crawl"  # or "import" (``captures.provenance``)


@dataclass(frozen=True)
class Parsed:
    """The outcome of ``parse_capture``: an article, nothing (not a post), or a
    problem. ``undecodable``: the Content-Encoding could not be undone (a bomb,
    an unknown coding) — the crawl's decompression guard has already written its
    own ``errors`` row for it, so no row is written here, it is only reported."""
    article: Article | None = None
    problem: str | None = None
    undecodable: bool = False


NOTHING = Parsed()


def charset(content_type: str | None) -> str | None:
    """The ``charset`` parameter of a ``Content-Type`` value, if any."""
    m = _CHARSET.search(content_type or "")
    return m.group(1) if m else None


def is_html(content_type: str | None) -> bool:
    return "html" in (content_type or "").lower()


def looks_like_html(body: bytes) -> bool:
    """A body served without ``Content-Type`` that starts like an HTML document."""
    return bool(_HTML_START.match(body[:2048]))


def wants_parse(status: int | None, content_type: str | None, truncated: str | None = None) -> bool:
    """Rule 1: whether this capture's body goes to the article parser."""
    if status != 200 or truncated:
        return False
    return is_html(content_type) or not (content_type or "").strip()


def parse_capture(body: bytes, url: str, content_type: str | None, profile=None) -> Parsed:
    """Rules 1–3 on a body whose Content-Encoding is already undone. Never raises.
    ``profile``: the archive's parser profile (``archive.parser.profile``), or None."""
    if not is_html(content_type) and not looks_like_html(body):
        return NOTHING
    try:
        article = parse_article(body, url, encoding=charset(content_type), profile=profile)
    except Exception as exc:  # noqa: BLE001 - one bad page must not stop a crawl or a rebuild
        return Parsed(problem=f"parser failed ({type(exc).__name__}: {exc})")
    return Parsed(article) if article is not None else NOTHING


def _touch(store, facts: CaptureFacts) -> str | None:
    return "touched" if store.touch_article(facts.url, facts.fetched_at) else None


def _gone(store, facts: CaptureFacts) -> str | None:
    return "gone" if store.mark_gone(facts.url, facts.fetched_at) else None


# rule 5: status → what it does to the article rows; returns a word for counters, or None
STATUS_RULES: dict[int, Callable[[Any, CaptureFacts], str | None]] = {
    304: _touch,
    404: _gone,
    410: _gone,
}


def apply_document(store, facts: CaptureFacts, content_type: str | None, content_encoding: str | None,
                   disposition: str | None, body_of: Callable[[], bytes | None],
                   payload_digest: str | None, truncated: str | None) -> str | None:
    """Rule 4: a document capture's ``documents`` row; returns a message when its
    text could not be (fully) extracted (the crawl writes it as an ``errors`` row)."""
    from archive.warc.documents import record_document

    return record_document(store, facts.capture_id, facts.url, facts.status, content_type,
                           content_encoding, disposition, body_of, payload_digest, truncated)


PROVENANCE_RANK = {"import": 0, "crawl": 1}


def precedence(provenance: str, seen_at: str) -> tuple[int, str]:
    """Rule 6: which capture of a post its article row shows: the portal's own crawls
    always win over imports (an imported copy, even one dated later, never replaces
    what the archive fetched itself); among captures of the same provenance the
    newest wins. Crawl, import and reindex all follow it, so a rebuilt database
    equals the crawl-built one whatever the order of files."""
    return PROVENANCE_RANK.get(provenance, 1), seen_at


def _row_rank(store, row) -> tuple[int, str]:
    """``precedence`` of the capture an article row shows."""
    got = store.conn.execute("SELECT provenance FROM captures WHERE id=?", (row["capture_id"],)).fetchone() \
        if row["capture_id"] is not None else None
    return precedence(got[0] if got is not None else "crawl", row["last_seen_at"] or "")


def outranked(store, article: Article, facts: CaptureFacts) -> bool:
    """Whether the post's row outranks this capture: then the capture must not overwrite it."""
    existing = store.find_article(article.wp_post_id, article.url)
    return existing is not None and _row_rank(store, existing) > precedence(facts.provenance, facts.fetched_at)


def _status_applies(store, facts: CaptureFacts) -> bool:
    """Rule 5's trust: a crawl's 304/404 always; an imported one only on posts whose rows
    imports made, and not before their last sighting."""
    if facts.provenance == "crawl":
        return True
    rows = store.conn.execute(
        "SELECT id, capture_id, last_seen_at FROM articles WHERE url=?"
        " OR id IN (SELECT article_id FROM article_urls WHERE url=?)", (facts.url, facts.url)).fetchall()
    return all(_row_rank(store, row) <= precedence(facts.provenance, facts.fetched_at) for row in rows)


def apply_status(store, facts: CaptureFacts) -> str | None:
    """Rule 5, right after the capture's row is written."""
    rule = STATUS_RULES.get(facts.status or 0)
    if rule is None or not _status_applies(store, facts):
        return None
    return rule(store, facts)


def apply_parsed(store, facts: CaptureFacts, parsed: Parsed) -> str | None:
    """Rules 3 and 6: save the article (or the problem); ``"article"``,
    ``"problem"`` (an ``errors`` row), ``"undecodable"`` (no row), or None when there was nothing to save (or a newer capture
    of the post is already stored)."""
    if parsed.undecodable:
        return "undecodable"
    if parsed.problem is not None:
        store.add_error(facts.crawl_id, facts.url, "parse", parsed.problem, at=facts.fetched_at)
        return "problem"
    article = parsed.article
    if article is None:
        return None
    if outranked(store, article, facts):
        return None
    store.save_article(article, facts.capture_id, facts.fetched_at)
    return "article"
