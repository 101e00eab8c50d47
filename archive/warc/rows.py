"""WARC records → database rows: what ``reindex`` and ``import`` share.

``RowBuilder(store, warc_dir).index_file(path, crawl_id)`` walks one WARC
file (each record a gzip member, as every file under ``warc/`` is) and writes,
through ``Store``, what a crawl would have written for it:

- a ``captures`` row per ``response``/``revisit`` record of an HTTP exchange
  (offset and length of its gzip member, record id, payload digest, status,
  ``Content-Type``, validators, ``fetched_at`` = WARC-Date to the second);
  a revisit's ``refers_to_capture_id`` is found by ``WARC-Refers-To``, else by
  its payload digest;
- a ``payload_digests`` row for the first complete 200 response of a payload;
- an article for every 200 HTML response (and 200 HTML revisit, whose payload
  is read from the record it refers to) that ``parse_article`` accepts, saved
  with ``seen_at`` = the capture's date — unless the database already holds
  that post from a newer capture (newest capture wins, whatever the order of
  files);
- a 304 moves the post's ``last_seen_at``; a 404/410 marks it gone.

Records of other tools are read too: ``<…>`` around WARC/1.0 target URIs,
chunked transfer coding kept in the payload (``archive.warc.record_io`` undoes it).
"""

from __future__ import annotations

import logging
import os
from collections import deque
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import SimpleNamespace

from archive.crawl.noarchive import exchange_noarchive
from archive.db.store import Store
from archive.errors import ArchiveError
from archive.origins import Scope, origin_of
from archive.parser.dom import slug_of
from archive.parser.page_parse import PageParser, parse_page
from archive.warc import capture_rows
from archive.warc.assemble import FAILED, PAGE, REST, PostParts, Ready
from archive.warc.capture_rows import CaptureFacts
from archive.warc.dedup import DigestIndex
from archive.warc.members import Damage
from archive.warc.read import StoredRecord, decode_content, read_record, scan_records
from archive.warc.record_io import clean_uri, second, transfer_payload, warcinfo_fields
from archive.warc.trust import Trust

log = logging.getLogger(__name__)

HTTP_RECORDS = ("response", "revisit")
WINDOW = 64  # records applied at a time while the next window's pages are parsed
WINDOW_BYTES = 32 * 1024 * 1024  # …or fewer, when their payloads hold this much


def _origin(url: str | None):
    return origin_of(url or "")  # scheme, host, port as archive.origins normalises them


def guard_canonical(article, fetched_url: str, scope=None):
    """A canonical link (or ``og:url``) never moves a record to another origin
    (scheme, host, port) than the one it was fetched from — nor, with the site's
    ``scope``, off the site's own origins: such an article keeps the fetched URL
    (and its slug). Within the origin the canonical URL stands (``/?p=123`` → the
    post's pretty URL). Crawl, import and reindex all apply it."""
    if article is None or _origin(article.url) == _origin(fetched_url):
        return article
    if scope is not None and scope.on_site(article.url) and scope.on_site(fetched_url):
        return article
    return replace(article, url=fetched_url, slug=slug_of(fetched_url))


def capture_guard(conn=None):
    """The capture→rows rules ``verify`` applies when it parses a record again: the
    canonical guard, then the site's URLs on its primary origin (as the crawl stores them)."""
    scope = None
    if conn is not None:
        from archive.origins import BadOrigin, Scope, stored_aliases

        row = conn.execute("SELECT start_url FROM crawls WHERE start_url IS NOT NULL"
                           " ORDER BY id DESC LIMIT 1").fetchone()
        if row is not None:
            try:
                scope = Scope.build(row[0], remembered=stored_aliases(conn))
            except BadOrigin:
                scope = None
    if scope is None:
        return guard_canonical
    return lambda article, url: scope.rebase_article(guard_canonical(article, url, scope))


def page_task(rec: StoredRecord, url: str | None = None):
    """What ``parse_page`` takes for a record's page (fetched URL unless ``url``)."""
    return (transfer_payload(rec), rec.http_header("Content-Encoding"),
            url or clean_uri(rec.target_uri) or "", rec.content_type)


def _crawl_of(path: Path) -> int | None:
    """The crawl id a portal-archive WARC file names in its warcinfo, else None."""
    try:
        first = read_record(path, 0)
    except ArchiveError:
        return None
    crawl = warcinfo_fields(first).get("crawl-id", "") if first.rec_type == "warcinfo" else ""
    return int(crawl) if crawl.isdigit() else None


def parts_key(warcinfo: dict | None, fallback: object) -> object:
    """Which crawl wrote a WARC file, as its ``warcinfo`` says: a post's parts (other
    pages, REST JSON) are gathered over every file of that crawl, since a crawl rotates
    its files and a part may land in the next one. portal-archive names its crawl
    (``software``, ``hostname``, ``crawl-id``, ``start-url``), Heritrix its job
    (``isPartOf``); a file that says nothing is a crawl of its own (``fallback``)."""
    fields = {k.lower(): v for k, v in (warcinfo or {}).items() if isinstance(v, str)}
    crawl = fields.get("crawl-id") or fields.get("ispartof")
    if not crawl:
        return fallback
    return ("crawl", fields.get("software", ""), fields.get("hostname", ""), crawl, fields.get("start-url", ""))


@dataclass
class IndexCounts:
    records: int = 0
    captures: int = 0
    revisits: int = 0
    articles: int = 0
    pages_parsed: int = 0
    skipped: int = 0  # damaged spans of a file left out (each reported in ``problems``)
    refused: list = field(default_factory=list)  # records the trust boundary refused (dicts)
    first_date: str | None = None
    last_date: str | None = None
    problems: list[str] = field(default_factory=list)

    def add(self, other: IndexCounts) -> None:
        for name in ("records", "captures", "revisits", "articles", "pages_parsed", "skipped"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.problems.extend(other.problems)
        self.refused.extend(other.refused)


class RowBuilder:
    def __init__(self, store: Store, warc_dir: str | os.PathLike, parser: PageParser | None = None):
        self.store = store
        self.parser = parser or PageParser(1)
        self.conn = store.conn
        self.warc_dir = Path(warc_dir)
        self.digests = DigestIndex(self.conn)
        self._captures: dict[str, tuple[int, str, int]] = {}  # record id → (capture id, file, offset)
        # the site's origins for the file being read (archive.origins): rows store the site's
        # URLs on its primary origin, as the crawl did; None: URLs as recorded
        self.scope: Scope | None = None
        # posts waiting for their other pages and REST JSON, as in the crawl (archive.warc.assemble)
        self.parts = PostParts()
        self._parts_crawl: int | None = None
        self._parts_key: object = None  # which crawl wrote the files being read (``parts_key``)

    # -- one file -------------------------------------------------------------
    def index_file(self, path: str | os.PathLike, crawl_id: int | None,
                   trust: Trust | None = None, parts_key: object = None) -> IndexCounts:
        """Rows for every whole record of ``path``, read by the bounded member
        walk (``archive.warc.members``): a damaged member is skipped, the walk
        resyncs at the next whole one, and each skip is counted in
        ``counts.skipped`` and described in ``counts.problems``.

        Records go in windows: the pages of the next window are parsed (by the
        ``PageParser``, maybe in other processes) while this one is applied."""
        path = Path(path)
        counts = IndexCounts()
        key = crawl_id if parts_key is None else parts_key
        if key != self._parts_key:
            self.finish(counts)   # a post's parts all belong to the crawl that fetched page 1
            self._parts_key = key
        self._parts_crawl = crawl_id
        self.trust = trust or Trust()
        self._captures = {}  # this file's records; earlier files are found in the database
        methods: dict[str, str] = {}  # request record id → method (wget writes the request first)
        pending: deque = deque()
        window: list[tuple[StoredRecord, int]] = []
        held = 0
        for rec, length in self._read(path, counts):
            window.append((rec, length))
            held += len(rec.raw_payload)
            if len(window) >= WINDOW or held >= WINDOW_BYTES:
                pending.append(self._submit(window))
                window, held = [], 0
                if len(pending) > 1:
                    self._apply(*pending.popleft(), path.name, crawl_id, counts, methods)
        pending.append(self._submit(window))
        while pending:
            self._apply(*pending.popleft(), path.name, crawl_id, counts, methods)
        return counts

    def _read(self, path: Path, counts: IndexCounts):
        """Whole records with their member length; damaged spans are skipped (the
        walk resyncs at the next whole member) and counted."""
        for item in scan_records(path):
            if isinstance(item, Damage):
                counts.skipped += 1
                counts.problems.append(item.describe(path.name))
                continue
            yield item, item.member_length

    def _submit(self, window: list[tuple[StoredRecord, int]]):
        pages = [i for i, (rec, _) in enumerate(window)
                 if rec.rec_type == "response" and capture_rows.wants_parse(
                     rec.http_status, rec.content_type, rec.warc_header("WARC-Truncated"))
                 and rec.payload_kept]
        tasks = [page_task(window[i][0]) for i in pages]
        return window, pages, self.parser.submit(tasks)

    def _apply(self, window, pages, handle, name: str, crawl_id: int | None, counts: IndexCounts,
               methods: dict[str, str]) -> None:
        parsed = dict(zip(pages, self.parser.results(handle)))
        for i, (rec, length) in enumerate(window):
            counts.records += 1
            if rec.date:
                counts.first_date = counts.first_date or second(rec.date)
                counts.last_date = second(rec.date)
            if rec.rec_type == "request":
                self._note_method(rec, methods)
            elif rec.rec_type in HTTP_RECORDS and rec.http_status is not None:
                if self._refused(rec, name, crawl_id, counts):
                    continue
                if not self._known(rec, name, counts):
                    self._capture(rec, name, length, crawl_id, counts, methods, parsed.get(i))

    def _refused(self, rec: StoredRecord, name: str, crawl_id: int | None, counts: IndexCounts) -> bool:
        """The trust boundary (``archive.warc.trust``): a refused record stays in the
        WARC file, gets a ``refused_records`` row and is counted, nothing else."""
        why = self.trust.refusal(rec.target_uri, rec.date)
        if why is None:
            return False
        reason, detail = why
        entry = {"offset": rec.offset, "record_id": rec.record_id, "target_uri": clean_uri(rec.target_uri),
                 "warc_date": rec.date, "reason": reason, "detail": detail}
        counts.refused.append(entry)
        if self._has_refused_table():
            self.conn.execute(
                "INSERT INTO refused_records(crawl_id, warc_file, warc_offset, record_id, target_uri,"
                " warc_date, reason, detail) VALUES (?,?,?,?,?,?,?,?)",
                (crawl_id, name, rec.offset, rec.record_id, entry["target_uri"], rec.date, reason, detail))
        return True

    def _has_refused_table(self) -> bool:
        if not hasattr(self, "_refused_table"):
            self._refused_table = self.conn.execute(
                "SELECT 1 FROM sqlite_master WHERE name='refused_records'").fetchone() is not None
        return self._refused_table

    def _known(self, rec: StoredRecord, name: str, counts: IndexCounts) -> bool:
        """A record id already captured (the same record in two files) is kept once."""
        if not rec.record_id:
            return False
        row = self.conn.execute("SELECT id, warc_file, warc_offset FROM captures WHERE record_id=?",
                                (rec.record_id,)).fetchone()
        if row is None:
            return False
        counts.problems.append(
            f"{name}@{rec.offset}: record {rec.record_id} is already archived in {row[1]}@{row[2]} "
            "— this copy was left out; remove the duplicate file")
        return True

    def _note_method(self, rec: StoredRecord, methods: dict[str, str]) -> None:
        method = (rec.http_protocol or "GET").upper()
        if method == "GET":
            return
        rid, concurrent = rec.record_id, rec.warc_header("WARC-Concurrent-To")
        if concurrent and concurrent in self._captures:  # our order: response, then request
            cid = self._captures[concurrent][0]
            self.conn.execute("UPDATE captures SET method=? WHERE id=?", (method, cid))
        elif rid:  # wget's order: request, then response naming it
            methods[rid] = method

    def _capture(self, rec: StoredRecord, name: str, length: int, crawl_id: int | None,
                 counts: IndexCounts, methods: dict[str, str], parsed=None) -> None:
        url = clean_uri(rec.target_uri) or ""
        fetched_at = second(rec.date) or ""
        status = rec.http_status
        revisit = rec.rec_type == "revisit"
        refers_to = self._refers_to(rec) if revisit else None
        body = transfer_payload(rec) if rec.payload_kept else None
        size = len(body) if body is not None else rec.payload_length
        ref = SimpleNamespace(payload_digest=rec.payload_digest, warc_file=name, offset=rec.offset,
                              length=length, record_id=rec.record_id)
        method = methods.get(rec.warc_header("WARC-Concurrent-To") or "", "GET")
        noarchive = exchange_noarchive(rec.http_headers or [], body or b"")
        if revisit and refers_to is not None and not noarchive:  # the crawl read the page itself
            row = self.conn.execute("SELECT noarchive FROM captures WHERE id=?",
                                    (refers_to[0],)).fetchone()
            noarchive = bool(row and row[0])
        capture_id = self.store.add_capture(
            crawl_id, url=url, status=status, content_type=rec.content_type, fetched_at=fetched_at,
            ref=ref, method=method, payload_length=None if revisit else size,
            record_type=rec.rec_type, refers_to_capture_id=refers_to[0] if refers_to else None,
            truncated=rec.warc_header("WARC-Truncated"), etag=rec.http_header("ETag"),
            last_modified=rec.http_header("Last-Modified"), noarchive=noarchive,
            provenance=self.trust.provenance)
        counts.captures += 1
        if rec.record_id:
            self._captures[rec.record_id] = (capture_id, name, rec.offset)
        if revisit:
            counts.revisits += 1
            if refers_to is not None:
                self._fill_revisit_length(capture_id, refers_to)
        elif status == 200 and rec.payload_digest and size and not rec.warc_header("WARC-Truncated"):
            self.digests.remember(rec.payload_digest, SimpleNamespace(
                record_id=rec.record_id, target_uri=url, date=rec.date), capture_id)
        facts = CaptureFacts(url, status, fetched_at, crawl_id, capture_id, self.trust.provenance)
        capture_rows.apply_document(self.store, facts, rec.content_type, rec.http_header("Content-Encoding"),
                                    rec.http_header("Content-Disposition"),
                                    lambda: self._payload_of(body, refers_to), rec.payload_digest,
                                    rec.warc_header("WARC-Truncated"))
        stored_url = self.scope.canonical(url) if self.scope is not None else url
        route = self.parts.route(url, status, capture_rows.wants_parse(
            status, rec.content_type, rec.warc_header("WARC-Truncated")))
        if route == REST:
            self._rest_part(rec, url, status, refers_to, counts)
        elif route == PAGE:
            self._article(rec, url, fetched_at, capture_id, refers_to, counts, parsed, crawl_id)
        else:
            if route == FAILED:
                # a later page's final answer is not the page (a 404): the post goes without it
                self._save(self.parts.failed(url), counts)
            capture_rows.apply_status(self.store, replace(facts, url=stored_url))

    def _payload_of(self, body: bytes | None, refers_to: tuple[int, str, int] | None) -> bytes | None:
        """The payload of a response, or of the record a revisit refers to (None: too large
        to hold)."""
        if body is None or body or refers_to is None:
            return body
        try:
            return transfer_payload(read_record(self.warc_dir / refers_to[1], refers_to[2]))
        except ArchiveError:
            return None

    def _fill_revisit_length(self, capture_id: int, refers_to: tuple[int, str, int]) -> None:
        # the crawl stores the length of the payload it fetched (= the original's)
        self.conn.execute(
            "UPDATE captures SET payload_length=(SELECT payload_length FROM captures WHERE id=?)"
            " WHERE id=?", (refers_to[0], capture_id))

    def _refers_to(self, rec: StoredRecord) -> tuple[int, str, int] | None:
        rid = rec.warc_header("WARC-Refers-To")
        if rid:
            if rid in self._captures:
                return self._captures[rid]
            row = self.conn.execute(
                "SELECT id, warc_file, warc_offset FROM captures WHERE record_id=?", (rid,)).fetchone()
            if row is not None:
                return tuple(row)
        hit = self.digests.lookup(rec.payload_digest) if rec.payload_digest else None
        if hit is not None and hit.capture_id is not None:
            row = self.conn.execute("SELECT id, warc_file, warc_offset FROM captures WHERE id=?",
                                    (hit.capture_id,)).fetchone()
            if row is not None:
                return tuple(row)
        return None

    # -- articles -------------------------------------------------------------
    def _article(self, rec: StoredRecord, url: str, fetched_at: str, capture_id: int,
                 refers_to: tuple[int, str, int] | None, counts: IndexCounts, parsed=None,
                 crawl_id: int | None = None, hold_only: bool = False) -> None:
        if parsed is None:  # a revisit: parse the payload of the record it refers to
            if refers_to is None:
                return
            try:
                source = read_record(self.warc_dir / refers_to[1], refers_to[2])
            except ArchiveError as exc:
                counts.problems.append(f"revisit {rec.record_id} of {url}: {exc}")
                return
            parsed = parse_page(page_task(source, url), self.parser.profile)
        counts.pages_parsed += 1
        if hold_only and (parsed.problem is not None or parsed.article is None):
            return
        if parsed.problem is not None:  # the capture→rows rule: an errors row, as the crawl writes
            counts.problems.append(f"{url} ({rec.record_id}): {parsed.problem}")
            capture_rows.apply_parsed(self.store, CaptureFacts(url, 200, fetched_at, crawl_id, capture_id),
                                      parsed)
            return
        article = guard_canonical(parsed.article, url, self.scope)
        if article is not None and self.scope is not None:
            article = self.scope.rebase_article(article)  # after the guard: on the primary origin
        if article is None:
            if self.parts.is_part(url):     # a later page that is not the post's page
                self._save(self.parts.failed(url), counts)
            return
        if article.page > 1:     # a later page of a multi-page post: part of page 1's article
            self._save(self.parts.page(article), counts)
            return
        if self.parts.hold(article, capture_id, fetched_at):
            return               # saved once its other pages and REST JSON are read
        if not hold_only:
            self._save([Ready(article, capture_id, fetched_at)], counts)

    def store_waiting(self, crawl_id: int, page_urls: set[str], tail: bool = False) -> int:
        """The posts a crawl that stopped early (killed, stopped, out of budget) left
        waiting for their parts: their page 1 was captured (its URL among ``page_urls``,
        the posts the crawl's frontier still holds), the article never stored. Each is
        stored from the captures that crawl made — page 1, the parts that answered, by
        ``settles`` — as ``reindex`` stores it at the end of that crawl's files, so the
        crawl-built rows equal the rebuilt ones. Returns how many were stored."""
        counts = IndexCounts()
        self.trust = Trust()
        self._parts_crawl = crawl_id
        rows = self.conn.execute(
            "SELECT id, url, fetched_at, warc_file, warc_offset, record_type, status, content_type, truncated"
            " FROM captures WHERE crawl_id=? AND status=200 AND warc_file IS NOT NULL ORDER BY id",
            (crawl_id,)).fetchall()
        first: dict[str, int] = {}
        for row in rows:
            if row[1] in page_urls and capture_rows.wants_parse(row[6], row[7], row[8]):
                first.setdefault(row[1], row[0])   # the capture the rebuild holds: the first
        for row in rows:
            if first.get(row[1]) == row[0]:
                self._replay(row, crawl_id, counts, hold_only=True)
        if len(self.parts):
            since = min(held.capture_id or 0 for held in self.parts.held.values())
            for row in self.conn.execute(
                    "SELECT id, url, fetched_at, warc_file, warc_offset, record_type, status, content_type,"
                    " truncated FROM captures WHERE crawl_id=? AND id>? AND warc_file IS NOT NULL ORDER BY id",
                    (crawl_id, since)).fetchall():
                if self.parts.is_part(row[1]):
                    self._replay(row, crawl_id, counts)
        if tail:
            self._index_tail(crawl_id, counts)
        self.finish(counts)
        return counts.articles

    def _index_tail(self, crawl_id: int, counts: IndexCounts) -> None:
        """Records a killed crawl wrote after its last committed row (the storage
        process died between the two): they get their rows, as ``reindex`` gives them.
        Only the crawl's last file is read (the one it had open)."""
        names = [r[0] for r in self.conn.execute(
            "SELECT DISTINCT warc_file FROM captures WHERE crawl_id=? AND warc_file IS NOT NULL", (crawl_id,))]
        later = [p for p in sorted(self.warc_dir.glob("*.warc.gz"))
                 if not p.name.startswith("import-") and (not names or p.name >= max(names))]
        mine = [p for p in later if _crawl_of(p) == crawl_id]
        if not mine:
            return
        path = mine[-1]
        last = self.conn.execute("SELECT max(warc_offset) FROM captures WHERE warc_file=?",
                                 (path.name,)).fetchone()[0]
        self._captures = {}
        for rec, length in self._read(path, counts):
            if last is not None and rec.offset <= last:
                continue
            if rec.rec_type not in HTTP_RECORDS or rec.http_status is None or self._known(rec, path.name, counts):
                continue
            parsed = None
            if rec.rec_type == "response" and rec.payload_kept and capture_rows.wants_parse(
                    rec.http_status, rec.content_type, rec.warc_header("WARC-Truncated")):
                parsed = parse_page(page_task(rec), self.parser.profile)
            self._capture(rec, path.name, length, crawl_id, counts, {}, parsed)

    def _replay(self, row, crawl_id: int, counts: IndexCounts, hold_only: bool = False) -> None:
        """One capture already in the database, through the article rules again."""
        capture_id, url, fetched_at, warc_file, offset, record_type, status, ctype, truncated = row
        try:
            rec = read_record(self.warc_dir / warc_file, offset)
        except ArchiveError as exc:
            counts.problems.append(f"capture {capture_id} ({url}): {exc}")
            return
        refers_to = self._refers_to(rec) if record_type == "revisit" else None
        route = self.parts.route(url, status, capture_rows.wants_parse(status, ctype, truncated))
        if route == REST:
            self._rest_part(rec, url, status, refers_to, counts)
        elif route == PAGE:
            parsed = parse_page(page_task(rec), self.parser.profile) if record_type == "response" else None
            self._article(rec, url, fetched_at, capture_id, refers_to, counts, parsed, crawl_id, hold_only)
        elif route == FAILED:
            self._save(self.parts.failed(url), counts)

    def _rest_part(self, rec: StoredRecord, url: str, status: int | None,
                   refers_to: tuple[int, str, int] | None, counts: IndexCounts) -> None:
        """A held post's REST JSON (or the API's refusal)."""
        body = None
        if status == 200:
            source = rec
            if rec.rec_type == "revisit" and refers_to is not None:
                try:
                    source = read_record(self.warc_dir / refers_to[1], refers_to[2])
                except ArchiveError as exc:
                    counts.problems.append(f"revisit {rec.record_id} of {url}: {exc}")
                    source = None
            if source is not None and source.payload_kept:
                try:
                    body = decode_content(transfer_payload(source), source.http_header("Content-Encoding"))
                except ArchiveError:
                    body = None
        self._save(self.parts.rest(url, status, body), counts)

    def finish(self, counts: IndexCounts | None = None) -> None:
        """Save the posts still waiting for parts that never answered (call after the last file)."""
        self._save(self.parts.drain(), counts or IndexCounts())

    def _save(self, ready: list[Ready], counts: IndexCounts) -> None:
        for r in ready:
            facts = CaptureFacts(r.article.url, 200, r.fetched_at or "", self._parts_crawl, r.capture_id,
                                 self.trust.provenance)
            if capture_rows.outranked(self.store, r.article, facts):
                continue
            self.store.save_article(r.article, r.capture_id, r.fetched_at)
            counts.articles += 1
