"""What ``verify`` proves about the rows (not only the WARC files).

- **Edited rows**: each article row holds ``content_digest``, the digest of the
  parsed fields it was written from (``archive.db.store.content_digest``).
  ``edited_articles`` derives it again from the row and its categories, tags
  and images; a title, body or date edited in SQL no longer matches.
- **Deleted rows**: rows that still name an article that is gone
  (versions, URLs, terms, images, links — left when a tool deletes with
  foreign keys off), captures of a crawl that is gone, and (``unparsed_posts``)
  post pages in the captures that no article row accounts for.
- **Missing captures**: ``missing_captures`` lists records of the WARC files that
  should have a ``captures`` row and have none.
- **Deep**: ``deep_check`` parses each article (or a sample) again from its WARC
  record and compares the result with the row. A post with other parts (the later
  pages of a multi-page post, its REST JSON) is put together again from the
  captures of the crawl that fetched its page 1, by the rebuild's own rule
  (``archive.warc.assemble.reassemble``): an honest multi-page or REST-enriched
  row verifies clean, an edited one is reported.
"""

from __future__ import annotations

import random
import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

from archive.db.store import content_digest
from archive.errors import ArchiveError
from archive.parser.page_parse import parse_page
from archive.warc.assemble import Answer, page_key, reassemble, rest_post_id
from archive.warc.capture_rows import is_html, wants_parse
from archive.warc.read import decode_content, read_record
from archive.warc.record_io import transfer_payload
from archive.warc.rows import page_task

COMPARED = ("title", "lead", "body_text", "published_at", "author", "source", "original_url")
# kept outside the content digest: a row shows them from its newest sighting, which may be a later
# capture than the one its content came from — compared only when the row was last seen in it
LATEST = ("modified_at", "wp_author", "pages")


def _table(conn: sqlite3.Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (name,)).fetchone() is not None


def _terms(conn: sqlite3.Connection) -> dict[str, dict[int, list]]:
    out: dict[str, dict[int, list]] = {"categories": defaultdict(list), "tags": defaultdict(list),
                                       "images": defaultdict(list)}
    for aid, slug in conn.execute(
            "SELECT j.article_id, c.slug FROM article_categories j JOIN categories c ON c.id = j.category_id"
            " ORDER BY j.article_id, j.position"):
        out["categories"][aid].append(SimpleNamespace(slug=slug))
    for aid, slug in conn.execute(
            "SELECT j.article_id, t.slug FROM article_tags j JOIN tags t ON t.id = j.tag_id"
            " ORDER BY j.article_id, j.position"):
        out["tags"][aid].append(SimpleNamespace(slug=slug))
    for aid, url in conn.execute("SELECT article_id, url FROM images ORDER BY article_id, position"):
        out["images"][aid].append(SimpleNamespace(url=url))
    return out


def row_digest(row: sqlite3.Row, terms: dict[str, dict[int, list]]) -> str:
    """``content_digest`` of what the row (and its terms and images) holds now."""
    aid = row["id"]
    fields = {k: row[k] for k in row.keys()}  # noqa: SIM118 - a sqlite3.Row
    article = SimpleNamespace(**fields,
                              categories=terms["categories"].get(aid, []),
                              tags=terms["tags"].get(aid, []), images=terms["images"].get(aid, []))
    return content_digest(article)  # type: ignore[arg-type]  # the row, duck-typed as an Article


def edited_articles(conn: sqlite3.Connection) -> tuple[list[str], int]:
    """(one line per article whose row no longer matches its digest, rows without a digest)."""
    conn.row_factory = sqlite3.Row
    terms = _terms(conn)
    lines, unchecked = [], 0
    for row in conn.execute("SELECT * FROM articles ORDER BY id"):
        if not row["content_digest"]:
            unchecked += 1
            continue
        if row_digest(row, terms) != row["content_digest"]:
            lines.append(f"article {row['id']} ({row['url']}): its row was edited — the title, lead, "
                         "body, date, people, terms or images no longer give its content_digest "
                         f"{row['content_digest']}; `portal-archive reindex` rebuilds it from the WARCs")
    return lines, unchecked


ARTICLE_CHILDREN = ("article_versions", "article_urls", "article_categories", "article_tags", "images", "links")


def orphans(conn: sqlite3.Connection) -> list[str]:
    """Rows naming an article or crawl that no longer exists: the trace of a deleted row."""
    gone: dict[int, list[str]] = defaultdict(list)
    for table in ARTICLE_CHILDREN:
        if not _table(conn, table):
            continue
        for aid, n in conn.execute(
                f"SELECT t.article_id, count(*) FROM {table} t LEFT JOIN articles a ON a.id = t.article_id"
                " WHERE a.id IS NULL GROUP BY t.article_id"):
            gone[aid].append(f"{n} in {table}")
    lines = [f"article {aid}: its row was deleted ({', '.join(where)} still name it) — "
             "`portal-archive reindex` rebuilds it from the WARCs" for aid, where in sorted(gone.items())]
    for crawl_id, n in conn.execute(
            "SELECT c.crawl_id, count(*) FROM captures c LEFT JOIN crawls k ON k.id = c.crawl_id"
            " WHERE c.crawl_id IS NOT NULL AND k.id IS NULL GROUP BY c.crawl_id"):
        lines.append(f"crawl {crawl_id}: its row was deleted ({n} captures still name it)")
    for aid, url in conn.execute(
            "SELECT a.id, a.url FROM articles a WHERE NOT EXISTS"
            " (SELECT 1 FROM article_versions v WHERE v.article_id = a.id)"):
        lines.append(f"article {aid} ({url}): has no article_versions row (deleted)")
    return lines


def _source_of(conn: sqlite3.Connection, warc_dir: Path, capture_id: int):
    """The record holding a capture's payload (a revisit's original), or ``ArchiveError``."""
    row = conn.execute("SELECT warc_file, warc_offset, record_type, refers_to_capture_id FROM captures"
                       " WHERE id=?", (capture_id,)).fetchone()
    if row is None or row[0] is None:
        raise ArchiveError(f"capture {capture_id} has no WARC record")
    if row[2] == "revisit":
        if row[3] is None:
            raise ArchiveError(f"capture {capture_id} is a revisit of nothing")
        return _source_of(conn, warc_dir, row[3])
    return read_record(warc_dir / row[0], row[1])


def _parse(conn: sqlite3.Connection, warc_dir: Path, capture_id: int, url: str, profile=None):
    rec = _source_of(conn, warc_dir, capture_id)
    parsed = parse_page(page_task(rec, url), profile)
    if parsed.problem is not None:
        raise ArchiveError(parsed.problem)
    return parsed.article


REQUISITE_TYPES = ("image/", "text/css", "font/", "text/javascript", "application/javascript",
                   "application/font", "application/x-font")


class CrawlParts:
    """The captures that could be a part of a post, per crawl: found by page stem
    (``page_key``) or REST post id. A crawl's are read once, when a post of it first
    needs them; 200 answers typed as images, styles, scripts or fonts (most of a
    crawl) are left out: a page that answered so is passed over either way."""

    def __init__(self, conn: sqlite3.Connection, warc_dir: Path, guard=None, profile=None):
        self.conn, self.warc_dir, self.guard, self.profile = conn, warc_dir, guard, profile
        self.crawls: dict[object, tuple[dict[str, list[tuple]], dict[int, list[tuple]]]] = {}

    def _load(self, crawl_id) -> tuple[dict[str, list[tuple]], dict[int, list[tuple]]]:
        if crawl_id in self.crawls:
            return self.crawls[crawl_id]
        by_stem: dict[str, list[tuple]] = defaultdict(list)
        by_rest: dict[int, list[tuple]] = defaultdict(list)
        for row in self.conn.execute(
                "SELECT id, url, status, content_type, truncated FROM captures WHERE crawl_id IS ?"
                " AND warc_file IS NOT NULL ORDER BY id", (crawl_id,)):
            rid = rest_post_id(row[1])
            if rid is not None:
                by_rest[rid].append(tuple(row))
            elif row[2] != 200 or not (row[3] or "").lower().startswith(REQUISITE_TYPES):
                by_stem[page_key(row[1])[0]].append(tuple(row))
        self.crawls[crawl_id] = (by_stem, by_rest)
        return by_stem, by_rest

    def answers(self, first, capture_id: int, crawl_id, fetched_url: str) -> list[Answer]:
        """The captures after ``capture_id`` in its crawl that may be parts of ``first``."""
        by_stem, by_rest = self._load(crawl_id)
        rows: dict[int, tuple] = {}
        for url in (fetched_url, first.url, *first.page_urls):
            rows.update((r[0], r) for r in by_stem.get(page_key(url)[0], ()))
        rid = rest_post_id(first.rest_url) if first.rest_url else None
        if rid is not None:
            rows.update((r[0], r) for r in by_rest.get(rid, ()))
        return [self._answer(*rows[i]) for i in sorted(rows) if i > capture_id]

    def _answer(self, cid: int, url: str, status, content_type, truncated) -> Answer:
        def page():
            article = _parse(self.conn, self.warc_dir, cid, url, self.profile)
            return self.guard(article, url) if (article is not None and self.guard is not None) else article

        def body():
            try:
                rec = _source_of(self.conn, self.warc_dir, cid)
                return decode_content(transfer_payload(rec), rec.http_header("Content-Encoding")) \
                    if rec.payload_kept else None
            except ArchiveError:
                return None

        return Answer(url, status, wants_parse(status, content_type, truncated), page, body)


def deep_check(conn: sqlite3.Connection, warc_dir: Path, sample: int | None = None,
               guard=None, profile=None) -> Iterator[str]:
    """Parse each article (or ``sample`` random ones) again from the record it was
    written from and compare with the row; yield one line per difference.
    ``guard(article, fetched_url)`` applies the capture→rows rules (canonical URL);
    ``profile``: the archive's parser profile, as the crawl and reindex used it."""
    conn.row_factory = sqlite3.Row
    ids = [r[0] for r in conn.execute("SELECT id FROM articles WHERE capture_id IS NOT NULL ORDER BY id")]
    if sample is not None and sample < len(ids):
        ids = sorted(random.sample(ids, sample))
    terms = _terms(conn)
    parts = CrawlParts(conn, warc_dir, guard, profile)
    for aid in ids:
        row = conn.execute("SELECT a.*, c.url AS fetched_url, c.crawl_id AS capture_crawl,"
                           " c.fetched_at AS capture_at FROM articles a"
                           " JOIN captures c"
                           " ON c.id = a.capture_id WHERE a.id=?", (aid,)).fetchone()
        if row is None:
            continue
        who = f"article {aid} ({row['url']})"
        try:
            article = _parse(conn, warc_dir, row["capture_id"], row["fetched_url"], profile)
        except ArchiveError as exc:
            yield f"{who}: cannot be parsed again from capture {row['capture_id']} ({exc})"
            continue
        if article is None:
            yield f"{who}: capture {row['capture_id']} no longer parses as a post"
            continue
        if guard is not None:
            article = guard(article, row["fetched_url"])
        if len(article.page_urls) > 1 or article.rest_url:   # its other parts, as the rebuild reads them
            article = reassemble(article, parts.answers(article, row["capture_id"], row["capture_crawl"],
                                                        row["fetched_url"]))
        keys = set(row.keys())
        compared = COMPARED + (LATEST if row["last_seen_at"] == row["capture_at"] else ())
        fields = [f for f in compared if f in keys and (getattr(article, f, None) or None) != (row[f] or None)]
        if not fields and content_digest(article) == row["content_digest"] == row_digest(row, terms):
            continue
        yield (f"{who}: differs from its WARC record (capture {row['capture_id']}) in "
               f"{', '.join(fields) or 'terms or images'} — `portal-archive reindex` rebuilds it")
    return


def unparsed_posts(conn: sqlite3.Connection, warc_dir: Path, guard=None,
                   profile=None) -> Iterator[tuple[bool, str]]:
    """200 HTML captures whose URL no article row knows and that parse as a post
    whose post id and URL no article row has: ``(True, line)`` — an article row was
    deleted. A body cut short (``truncated``) never makes an article, so it is not
    expected to. A crawl that did not finish (a full disk, a kill) may have stopped
    while a post waited for its other parts (pages, REST JSON): such a post is
    ``(False, line)``, a note — the next crawl fetches it again, ``reindex`` stores it."""
    rows = conn.execute(
        "SELECT c.id, c.url, c.content_type, (SELECT status FROM crawls k WHERE k.id = c.crawl_id)"
        " FROM captures c WHERE c.status = 200"
        " AND c.record_type = 'response' AND c.warc_file IS NOT NULL AND c.truncated IS NULL"
        " AND NOT EXISTS (SELECT 1 FROM article_urls u WHERE u.url = c.url)"
        " AND NOT EXISTS (SELECT 1 FROM articles a WHERE a.url = c.url OR a.capture_id = c.id)"
        " ORDER BY c.id").fetchall()
    seen: set = set()
    for cid, url, ctype, crawl_status in rows:
        if not is_html(ctype):
            continue
        try:
            article = _parse(conn, warc_dir, cid, url, profile)
        except ArchiveError:
            continue  # unreadable records are reported by the WARC walk
        if article is None:
            continue
        if guard is not None:
            article = guard(article, url)
        key = (article.wp_post_id, article.url)
        if key in seen:
            continue
        seen.add(key)
        hit = None
        if article.wp_post_id is not None:
            hit = conn.execute("SELECT 1 FROM articles WHERE wp_post_id=?", (article.wp_post_id,)).fetchone()
        hit = hit or conn.execute("SELECT 1 FROM articles WHERE url=?", (article.url,)).fetchone()
        if hit is None and crawl_status == "finished":
            yield True, (f"capture {cid} ({url}): holds post {article.wp_post_id or article.url} that "
                         "has no article row (deleted) — `portal-archive reindex` rebuilds it")
        elif hit is None:
            yield False, (f"capture {cid} ({url}): post {article.wp_post_id or article.url} of a crawl "
                          f"that did not finish ({crawl_status}) has no article row yet — the next "
                          "crawl or `portal-archive reindex` stores it")


def missing_captures(conn: sqlite3.Connection, layout, records: dict, captured: set
                     ) -> tuple[list[str], list[str]]:
    """(defect lines, notes): one line per WARC file holding HTTP responses/revisits
    that have no ``captures`` row. Records an import refused (off-origin, future
    date; listed in ``logs/imports.jsonl``) and second copies of a record id are not
    expected to have one. Records after a file's last captured one are a note, not
    a defect: a crawl killed between writing a record and committing its row
    leaves them (recovery keeps the bytes; ``reindex`` gives them rows)."""
    from archive.integrity.import_log import imports_by_file

    refused: dict[str, set[int]] = {}
    for name, entry in imports_by_file(layout).items():
        refused[name] = {int(r["offset"]) for r in entry.get("refused") or [] if "offset" in r}
    ids = {r[0] for r in conn.execute("SELECT record_id FROM captures WHERE record_id IS NOT NULL")}
    last: dict[str, int] = {}
    for name, off in captured:
        last[name] = max(off, last.get(name, -1))
    missing: dict[str, list[int]] = defaultdict(list)
    tail: dict[str, int] = defaultdict(int)
    for key, info in records.items():
        if not isinstance(key, tuple):
            continue
        name, off = key
        if info.rec_type not in ("response", "revisit") or (name, off) in captured:
            continue
        if not (info.target_uri or "").strip("<> ").startswith(("http:", "https:")):
            continue
        if off in refused.get(name, ()) or (info.record_id and info.record_id in ids):
            continue
        if off > last.get(name, -1) and not name.startswith("import-"):
            tail[name] += 1
        else:
            missing[name].append(off)
    lines = [f"warc/{name}: {len(offs)} HTTP records have no captures row (e.g. offset {min(offs)}) — "
             "rows were deleted; `portal-archive reindex` rebuilds them"
             for name, offs in sorted(missing.items())]
    notes = [f"warc/{name}: its last {n} HTTP record(s) have no captures row (a crawl stopped before "
             "committing them); `portal-archive reindex` gives them rows" for name, n in sorted(tail.items())]
    return lines, notes
