"""``documents`` rows: the SQL behind ``Store`` for files an article links to.

Order-free by design, so a crawl and ``reindex`` build the same rows whichever
comes first, the article or its document's capture:

- ``record_capture``: a document was captured; every row of its URL takes the
  capture's columns. With no row yet, an unlinked row (``article_id`` NULL)
  keeps them.
- ``link_article``: an article was saved; each of its document links gets a row
  (never deleted later: a link an edit removed stays), taking the capture
  columns of the newest captured row of that URL; the unlinked row goes.
"""

from __future__ import annotations

import sqlite3

CAPTURE_COLUMNS = ("capture_id", "mime_type", "size", "sha1", "payload_digest", "truncated",
                   "text", "text_status")


def known_fields(conn: sqlite3.Connection, payload_digest: str | None) -> dict | None:
    """The columns of a document already captured with this payload (a revisit, or the same
    file under another URL): its text need not be extracted again."""
    if not payload_digest:
        return None
    row = conn.execute(
        "SELECT mime_type, size, sha1, text, text_status FROM documents "
        "WHERE payload_digest=? AND capture_id IS NOT NULL AND truncated IS NULL "
        "ORDER BY capture_id DESC LIMIT 1", (payload_digest,)).fetchone()
    return None if row is None else dict(zip(("mime_type", "size", "sha1", "text", "text_status"),
                                             tuple(row)))


def record_capture(conn: sqlite3.Connection, capture_id: int, url: str, fields: dict,
                   file_name: str | None) -> None:
    values = {c: fields.get(c) for c in CAPTURE_COLUMNS}
    values["capture_id"] = capture_id
    sets = ", ".join(f"{c}=?" for c in values)
    name = fields.get("disposition_name")
    cur = conn.execute(f"UPDATE documents SET {sets}, file_name=coalesce(?, file_name) WHERE url=?",
                       (*values.values(), name, url))
    if cur.rowcount == 0:
        cols = ", ".join(values)
        conn.execute(f"INSERT INTO documents(article_id, url, file_name, {cols}) "
                     f"VALUES (NULL, ?, ?, {', '.join('?' for _ in values)})",
                     (url, name or file_name, *values.values()))


def link_article(conn: sqlite3.Connection, article_id: int, documents) -> None:
    """Rows for the article's ``DocumentLink``s (url, text, file_name), in page order."""
    for pos, doc in enumerate(documents):
        cur = conn.execute("UPDATE documents SET link_text=?, position=? WHERE article_id=? AND url=?",
                           (doc.text, pos, article_id, doc.url))
        if cur.rowcount:
            continue
        source = conn.execute(
            f"SELECT file_name, {', '.join(CAPTURE_COLUMNS)} FROM documents "
            "WHERE url=? AND capture_id IS NOT NULL ORDER BY capture_id DESC LIMIT 1",
            (doc.url,)).fetchone()
        captured = dict(zip(("file_name", *CAPTURE_COLUMNS), tuple(source))) if source else {}
        file_name = captured.pop("file_name", None) or doc.file_name
        cols = ("article_id", "url", "link_text", "file_name", "position", *captured)
        conn.execute(f"INSERT INTO documents({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
                     (article_id, doc.url, doc.text, file_name, pos, *captured.values()))
        conn.execute("DELETE FROM documents WHERE url=? AND article_id IS NULL", (doc.url,))


def forget_captures(conn: sqlite3.Connection, capture_ids) -> int:
    """Captures removed (recovery cut a WARC back): their documents lose the capture columns;
    rows that only held a capture go."""
    ids = tuple(capture_ids)
    if not ids:
        return 0
    marks = ",".join("?" * len(ids))
    conn.execute(f"DELETE FROM documents WHERE article_id IS NULL AND capture_id IN ({marks})", ids)
    sets = ", ".join(f"{c}=NULL" for c in CAPTURE_COLUMNS)
    return conn.execute(f"UPDATE documents SET {sets} WHERE capture_id IN ({marks})", ids).rowcount
