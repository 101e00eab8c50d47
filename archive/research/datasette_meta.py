"""Datasette metadata for an archive: title, source, licence, every table and column, canned queries.

The canned ``search`` query calls ``pa_search_ids`` (the ids ``archive.research.search``
finds), registered by ``archive.research.datasette_plugin``, which
``portal-archive serve`` loads.
"""

from __future__ import annotations

from archive.research.export import DATE_TRUST_SQL
from archive.research.search import BROAD_MATCHES, BROAD_RULE

SOURCE_URL = "https://thanhphohaiphong.gov.vn/"
UNDESCRIBED = "(not described yet — see docs/schema.md)"

TABLES: dict[str, tuple[str, dict[str, str]]] = {
    "migrations": ("Schema migrations applied to this database file.", {
        "version": "migration number", "name": "what it did",
        "applied_at": "when it was applied to this file (UTC)"}),
    "crawls": ("One row per crawl run.", {
        "id": "crawl number", "started_at": "start (UTC)",
        "ended_at": "end (UTC); NULL while running or after a hard kill",
        "status": "running, finished, interrupted (stopped early) or failed",
        "start_url": "the start URL given to the crawl",
        "settings_json": "the settings in force (politeness, limits, PORTAL_* settings), JSON",
        "stats_json": "Scrapy's crawl statistics plus the archive's counts (archive/*), JSON",
        "exit_code": "process exit code the crawl ended with",
        "pid": "the crawling process id", "tool_version": "portal-archive version"}),
    "captures": ("One row per fetch: every response archived in a WARC file.", {
        "id": "capture number", "crawl_id": "the crawl that fetched it",
        "url": "the URL requested (with query)", "method": "HTTP method",
        "status": "HTTP status code (200, 301, 404, …)",
        "content_type": "Content-Type response header as sent",
        "fetched_at": "when the response arrived (UTC)",
        "payload_digest": "sha1:<base32> of the HTTP body as stored (WARC-Payload-Digest)",
        "payload_length": "bytes of that body",
        "warc_file": "WARC file name under <archive>/warc/",
        "warc_offset": "byte offset of the record's gzip member in that file",
        "warc_length": "byte length of that gzip member",
        "record_id": "WARC-Record-ID of the response (or revisit) record",
        "record_type": "response, or revisit (payload identical to an earlier capture)",
        "refers_to_capture_id": "for a revisit: the capture holding the payload",
        "truncated": "WARC-Truncated reason when the body was cut (length, disconnect), else NULL",
        "etag": "ETag response header, for a conditional GET on the next crawl",
        "last_modified": "Last-Modified response header, for a conditional GET on the next crawl",
        "noarchive": "1 when the page said noarchive (X-Robots-Tag or robots meta); archived "
                     "anyway, as an archive of record does, unless PORTAL_HONOUR_NOARCHIVE",
        "provenance": "crawl (fetched by this archive's crawls) or import (a record of a WARC file "
                      "taken in with `import`; warc_file names the stored copy). For the same post "
                      "the crawls always win over imports"}),
    "articles": ("One row per WordPress post (by post id; by canonical URL when there is no id). "
                 "Full-text search: the canned query `search`.", {
        "id": "article number",
        "wp_post_id": "WordPress post id (shortlink ?p=N, REST link, postid-N class)",
        "url": "canonical URL of the post",
        "slug": "last path segment of the URL without .html",
        "title": "title (NFC, diacritics kept)",
        "lead": "the lead (sapo) paragraph; NULL if none",
        "body_text": "text after the lead, one block per paragraph, blocks separated by a blank line",
        "body_html": "cleaned HTML of the body (no scripts, sidebar, share, QR or Tin khác)",
        "published_at": "publication time as displayed, ISO 8601 with +07:00 — but see "
                        "date_is_bulk_import",
        "published_raw": "the date line as displayed (Thứ Bảy, 26/01/2019 23:25); NULL when the "
                         "page gives only machine-readable dates",
        "date_is_bulk_import": "1 when the displayed date is 26/01/2019, the day old posts were "
                               "bulk-imported: published_at is then NOT the publication date",
        "event_date": "the day the reported event happened, read from the lead "
                      "(Sáng 29/12 → year inferred from the displayed date); YYYY-MM-DD or YYYY-MM",
        "author": "the credited byline as printed (T.H., Minh Anh), prefixes such as 'Bài, ảnh:' "
                  "stripped; else the WordPress account unless it is a desk account; NULL if absent",
        "modified_at": "last modification (UTC), from machine-readable sources only "
                       "(article:modified_time, JSON-LD dateModified, REST modified_gmt)",
        "wp_author": "display name of the WordPress account that posted the article",
        "pages": "number of pages of the post (1, or more for <!--nextpage--> posts)",
        "source": "source credited by the article (Nguồn. ANHP, (Nguồn: X), Theo X); NULL if absent",
        "original_url": "the Gốc (original source) link; NULL if absent",
        "first_seen_at": "first crawl time the post was fetched (UTC)",
        "last_seen_at": "latest crawl time the post was fetched (UTC)",
        "capture_id": "the capture (WARC record) this row was parsed from",
        "extract_sources": "JSON: which layer gave each field (wp-core, rest, metadata, theme, text, profile)",
        "content_digest": "sha1 of title, lead and body text, to tell edits apart",
        "gone_at": "when the post was found deleted (404/410); NULL while it exists"}),
    "article_versions": ("One row per distinct content of a post: an edit adds a version, "
                         "articles shows the newest.", {
        "id": "version row number", "article_id": "the article",
        "version": "1 for the first content seen, then 2, 3, …",
        "title": "title of this version", "lead": "lead of this version",
        "body_text": "body text of this version",
        "published_at": "publication time shown by this version",
        "author": "author initials line of this version", "source": "credited source of this version",
        "original_url": "the Gốc link of this version",
        "categories": "JSON array of the category slugs of this version",
        "tags": "JSON array of the tag slugs of this version",
        "images": "JSON array of the image URLs of this version",
        "content_digest": "sha1 of every field above (what an edit can change)",
        "capture_id": "the capture this version was parsed from",
        "seen_at": "the time of the capture this version was first seen in (UTC)"}),
    "article_urls": ("Every URL a post was seen under (a renamed slug keeps its post id).", {
        "article_id": "the article", "url": "a URL of the post",
        "first_seen_at": "first time seen under this URL (UTC)",
        "last_seen_at": "latest time seen under this URL (UTC)"}),
    "categories": ("WordPress categories.", {
        "id": "category number", "slug": "slug from /category/<slug>/",
        "name": "display name", "url": "archive URL of the category"}),
    "tags": ("WordPress tags.", {
        "id": "tag number", "slug": "slug from /tag/<slug>/",
        "name": "display name", "url": "archive URL of the tag"}),
    "article_categories": ("Which categories each article is in.", {
        "article_id": "the article", "category_id": "the category",
        "position": "order on the page (0 first)"}),
    "article_tags": ("Which tags each article has.", {
        "article_id": "the article", "tag_id": "the tag", "position": "order on the page (0 first)"}),
    "images": ("Images inside an article body.", {
        "id": "image number", "article_id": "the article", "url": "absolute image URL",
        "caption": "caption text; NULL if none", "position": "order in the article",
        "capture_id": "the capture of the image file, once fetched"}),
    "links": ("Links of an article.", {
        "id": "link number", "article_id": "the article", "url": "absolute URL",
        "kind": "related (the Tin khác list), original (the Gốc link), body (a link in the text)",
        "position": "order on the page"}),
    "parse_health": ("Per crawl, how many of the articles it parsed got each field: the drift "
                     "alarm compares a crawl with the archive's recent ones (a theme change shows "
                     "as a sudden drop).", {
        "crawl_id": "the crawl", "metric": "author, source, event_date, images, title_theme "
        "(shares 0–1), median_body_chars",
        "value": "the share (0–1) or, for median_body_chars, the median body length",
        "articles": "how many articles the crawl parsed"}),
    "documents": ("Documents (PDF, DOCX, XLSX …) articles link to, with the text of each PDF.", {
        "id": "document number", "article_id": "the article linking it; NULL if no archived article does",
        "url": "absolute URL as linked", "link_text": "text of the link; NULL if none",
        "file_name": "from Content-Disposition, else the URL's last path segment",
        "position": "order among the article's documents",
        "mime_type": "MIME type the server sent; NULL until captured", "size": "bytes of the file",
        "sha1": "SHA-1 of the file, hex (as sha1sum prints it)",
        "payload_digest": "sha1:<base32> digest of the WARC payload",
        "capture_id": "the newest capture of the file",
        "truncated": "WARC-Truncated reason when cut at the size cap",
        "text": "PDF text (NFC; lines by newline, pages by blank line); NULL for other formats",
        "text_status": "ok, partial, failed, encrypted, too-large, truncated (PDFs); NULL otherwise"}),
    "errors": ("Permanent failures of a crawl.", {
        "id": "error number", "crawl_id": "the crawl", "url": "the URL that failed",
        "kind": "http-<status>, timeout, dns, connection, bad-sitemap, …",
        "message": "the reason", "at": "when (UTC)"}),
    "skips": ("Every URL a crawl chose not to fetch, and why (one row per crawl, URL and reason); "
              "the canned query `skipped_urls` sums them.", {
        "id": "skip number", "crawl_id": "the crawl", "url": "the URL not fetched",
        "reason": "robots (robots.txt disallows it), too-long (URLLENGTH_LIMIT), off-site "
                  "(another host), other-port (the portal's host on another scheme or port), "
                  "bad-url (user info, malformed host), noarchive (honoured by setting)",
        "referrer": "the page (or sitemap) that led to it", "detail": "more about the reason",
        "at": "when (UTC)"}),
    "refused_records": ("Records of imported WARC files that did not become captures of the "
                        "portal (kept in the stored WARC copy as evidence).", {
        "id": "row number", "crawl_id": "the import (crawls row, status imported)",
        "warc_file": "the stored copy under warc/", "warc_offset": "offset of its gzip member",
        "record_id": "its WARC-Record-ID", "target_uri": "its WARC-Target-URI",
        "warc_date": "its WARC-Date", "reason": "off-site (another or look-alike host), other-port, "
        "bad-url, future-date (dated after the import or after the file itself), bad-date",
        "detail": "more about the reason"}),
    "origins": ("The portal's own origins (scheme://host[:port]): the start URL's and its "
                "aliases. Stored URLs use the primary one (canonical), so a moved site is not "
                "archived as new.", {
        "origin": "an origin of the portal", "canonical": "the primary origin its URLs are stored under",
        "first_crawl_id": "the crawl that first used it", "added_at": "when (UTC)"}),
    "payload_digests": ("Payload digests already archived: the first response record holding "
                        "each payload, which later revisit records name.", {
        "digest": "sha1:<base32> payload digest", "record_id": "WARC-Record-ID of that record",
        "target_uri": "its WARC-Target-URI", "date": "its WARC-Date",
        "capture_id": "the captures row of that record"}),
    "articles_fts": ("Full-text index of articles: each word one term, its fold, U+E000, then "
                     "its exact letters when they differ (pa_index()). Query it with the canned "
                     "query `search`, the articles search box, or MATCH pa_fts_query('…').", {
        "title": "indexed title", "lead": "indexed lead", "body_text": "indexed body text",
        "author": "indexed author line", "source": "indexed source"}),
}

MONTHS_SQL = """SELECT substr(published_at, 1, 7) AS month,
       count(*) AS articles,
       sum(date_is_bulk_import = 0) AS with_displayed_date,
       sum(date_is_bulk_import = 1) AS bulk_import
FROM articles
WHERE published_at IS NOT NULL
GROUP BY month
ORDER BY month"""

CATEGORIES_SQL = """SELECT c.slug, c.name, count(ac.article_id) AS articles
FROM categories c LEFT JOIN article_categories ac ON ac.category_id = c.id
GROUP BY c.id
ORDER BY articles DESC, c.slug"""

BULK_SQL = """SELECT a.id, a.title, a.url, a.published_raw, a.published_at, a.event_date
FROM articles a
WHERE a.date_is_bulk_import = 1
ORDER BY a.event_date IS NULL, a.event_date, a.id"""

TRUST_SQL = f"""SELECT {DATE_TRUST_SQL.format(a="a")} AS date_trust, count(*) AS articles
FROM articles a
GROUP BY date_trust
ORDER BY articles DESC"""

SEARCH_PAGE = 50
SEARCH_SQL = f"""SELECT a.id, a.title, a.url, a.published_at, a.date_is_bulk_import, a.event_date,
       pa_snippet(:q, :mode, a.body_text, a.lead, a.title) AS snippet
FROM json_each(pa_search_ids(
         :q, :mode, {SEARCH_PAGE},
         (max(1, cast(coalesce(nullif(:page, ''), '1') AS integer)) - 1) * {SEARCH_PAGE})) AS hit
JOIN articles a ON a.id = hit.value
ORDER BY hit.key"""

DOCUMENTS_SQL = """SELECT a.id AS article_id, a.title, d.link_text, d.file_name, d.mime_type, d.size,
       d.url, d.text_status
FROM documents d LEFT JOIN articles a ON a.id = d.article_id
ORDER BY a.published_at DESC, d.position"""

SKIPS_SQL = """SELECT crawl_id, reason, count(*) AS urls, min(url) AS example
FROM skips
GROUP BY crawl_id, reason
ORDER BY crawl_id DESC, urls DESC"""

QUERIES = {
    "documents_of_articles": {
        "title": "Documents attached to articles",
        "description": "Every document an article links to, newest articles first; the text of "
                       "each PDF is in the documents table.",
        "sql": DOCUMENTS_SQL},
    "skipped_urls": {
        "title": "URLs not fetched, by crawl and reason",
        "description": "robots.txt, too long, off-site, another port, bad URL, noarchive (when "
                       "honoured). Pages that said noarchive but were archived: captures.noarchive.",
        "sql": SKIPS_SQL},
    "articles_per_month": {
        "title": "Articles per month",
        "description": "By month of published_at. Posts with a bulk-import date (26/01/2019) "
                       "are counted in their import month; see bulk_import_posts.",
        "sql": MONTHS_SQL},
    "articles_per_category": {
        "title": "Articles per category", "sql": CATEGORIES_SQL},
    "bulk_import_posts": {
        "title": "Posts with a bulk-import date, and their event date",
        "description": "The displayed date 26/01/2019 is when old posts were imported, not when "
                       "they were written; event_date is the earliest date named in the text.",
        "sql": BULK_SQL},
    "date_trust": {
        "title": "How many dates are trustworthy",
        "description": "displayed: shown on the page; bulk-import: import time, see event_date; "
                       "machine-only: from metadata only; unknown: no date.",
        "sql": TRUST_SQL},
    "search": {
        "title": "Full-text search (the CLI's search)",
        "description": "A word typed with marks matches those letters (Đà finds Đà, not đã); one "
                       "typed without matches every reading (duong finds đường, dương). mode: "
                       "exact or fold forces one behaviour. Words are AND-ed; \"a phrase\"; "
                       "word* for a prefix; OR; NOT; title:(a b), body:, author:, source:. "
                       f"{SEARCH_PAGE} hits a page: page 1, 2, … Same rows as `portal-archive search`; "
                       f"a query with more than {BROAD_MATCHES:,} matches is ranked by {BROAD_RULE} "
                       "(docs/researchers.md).",
        "sql": SEARCH_SQL},
}


def build_metadata(db_name: str = "archive", columns: dict[str, list[str]] | None = None) -> dict:
    """Datasette metadata; ``columns`` (table → column names) adds any table not described here."""
    tables = {}
    for name, (description, cols) in TABLES.items():
        tables[name] = {"description": description, "columns": dict(cols)}
    for name, names in (columns or {}).items():
        entry = tables.setdefault(name, {"description": UNDESCRIBED, "columns": {}})
        for col in names:
            entry["columns"].setdefault(col, UNDESCRIBED)
    tables["articles"]["sort_desc"] = "published_at"
    return {
        "title": "Cổng tin tức Thành phố Hải Phòng — web archive",
        "description": "Articles of thanhphohaiphong.gov.vn archived by portal-archive "
                       "(WARC files + this SQLite database). Dates shown as 26/01/2019 are "
                       "bulk-import dates, not publication dates: see date_is_bulk_import "
                       "and event_date.",
        "source": "thanhphohaiphong.gov.vn",
        "source_url": SOURCE_URL,
        "license": "Texts and images © Cổng tin tức Thành phố Hải Phòng and the sources it "
                   "credits; archived for research and preservation — check the portal's terms "
                   "before republishing. portal-archive itself is MIT-licensed.",
        "databases": {db_name: {"tables": tables, "queries": QUERIES}},
    }


def table_columns(conn) -> dict[str, list[str]]:
    """Tables (without FTS5 shadow tables) and their columns, as Datasette will list them."""
    out = {}
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"
        " AND name NOT GLOB 'sqlite_*' ORDER BY name")]
    virtual = {r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE sql GLOB 'CREATE VIRTUAL TABLE*'")}
    shadow = {f"{v}_{s}" for v in virtual for s in ("data", "idx", "docsize", "config", "content")}
    for name in names:
        if name not in shadow:
            out[name] = [r[1] for r in conn.execute("SELECT * FROM pragma_table_info(?)", (name,))]
    return out
