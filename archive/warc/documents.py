"""A captured document → its ``documents`` columns: the rule the crawl and ``reindex`` share.

``document_fields(url, status, content_type, content_encoding, disposition, body, truncated)``
returns the columns a 200 capture gives its ``documents`` rows, or ``None`` when
the capture is not a document. A capture is a document when it is served with a
document MIME type (``archive.parser.documents.DOCUMENT_MIME_TYPES``), or when
its URL names a document and it is not an HTML page. PDFs get their text
(``archive.parser.pdftext``); the other formats keep ``text`` NULL.
"""

from __future__ import annotations

import hashlib
import re
from email.message import Message

from archive.db import documents as documents_db
from archive.parser.documents import (
    file_name_of,
    is_document_mime,
    is_document_url,
    mime_of,
)
from archive.parser.pdftext import TOO_LARGE, pdf_text
from archive.text import normalize
from archive.warc.read import decode_content

_HTML = ("text/html", "application/xhtml+xml")
PDF_TYPES = ("application/pdf", "application/x-pdf")


def is_document_capture(url: str, status: int | None, content_type: str | None) -> bool:
    if status != 200:
        return False
    if is_document_mime(content_type):
        return True
    return is_document_url(url) and mime_of(content_type) not in _HTML


def disposition_file_name(value: str | None) -> str | None:
    """``attachment; filename*=UTF-8''Quy%E1%BA%BFt.pdf`` → ``Quyết.pdf`` (NFC)."""
    if not value:
        return None
    msg = Message()
    msg["Content-Disposition"] = value
    try:
        name = msg.get_filename()
    except (ValueError, LookupError):
        name = None
    if not name:
        m = re.search(r'filename\s*=\s*"?([^";]+)', value, re.I)
        name = m.group(1) if m else None
    if not name:
        return None
    return normalize(name.replace("\\", "/").rsplit("/", 1)[-1]) or None


def document_fields(url: str, status: int | None, content_type: str | None,
                    content_encoding: str | None, disposition: str | None, body: bytes,
                    payload_digest: str | None, truncated: str | None) -> dict | None:
    """The ``documents`` columns of this capture, or None if it is no document.

    ``body`` is the payload as archived (still content-encoded); ``size`` and
    ``sha1`` (hex, as ``sha1sum`` prints it) are of the file itself (decoded).
    """
    if not is_document_capture(url, status, content_type):
        return None
    data = body
    try:
        data = decode_content(body, content_encoding)
    except Exception:  # noqa: BLE001 - an undecodable body keeps its archived bytes
        data = body
    fields = {
        "mime_type": mime_of(content_type) or None,
        "size": len(data),
        "sha1": hashlib.sha1(data).hexdigest(),
        "payload_digest": payload_digest,
        "truncated": truncated,
        "text": None,
        "text_status": None,
        "disposition_name": disposition_file_name(disposition),
    }
    if fields["mime_type"] in PDF_TYPES or data[:5] == b"%PDF-":
        result = pdf_text(data, truncated=bool(truncated))
        fields["text"], fields["text_status"] = result.text, result.status
        fields["text_message"] = result.message
    return fields


def record_document(store, capture_id: int, url: str, status: int | None, content_type: str | None,
                    content_encoding: str | None, disposition: str | None, body_of,
                    payload_digest: str | None, truncated: str | None) -> str | None:
    """If the capture is a document, write its ``documents`` columns through ``store``.

    ``body_of()`` gives the archived payload (called only when the text is not
    known yet: a revisit or the same file elsewhere reuses the earlier text).
    Returns a message when the text could not be (fully) extracted, for an
    ``errors`` row of the crawl.
    """
    if not is_document_capture(url, status, content_type):
        return None
    known = None if truncated else documents_db.known_fields(store.conn, payload_digest)
    if known is not None:
        fields = {**known, "payload_digest": payload_digest, "truncated": None,
                  "disposition_name": disposition_file_name(disposition)}
        message = None
    else:
        body = body_of()
        if body is None:  # a rebuild does not hold payloads over 16 MiB in memory
            mime = mime_of(content_type) or None
            fields = {"mime_type": mime, "size": None, "sha1": None, "payload_digest": payload_digest,
                      "truncated": truncated, "text": None,
                      "text_status": TOO_LARGE if mime in PDF_TYPES else None,
                      "disposition_name": disposition_file_name(disposition)}
            store.save_document_capture(capture_id, url, fields, file_name_of(url))
            return None
        fields = document_fields(url, status, content_type, content_encoding, disposition, body,
                                 payload_digest, truncated)
        if fields is None:
            return None
        message = fields.pop("text_message", None)
        if message and fields.get("text_status") not in ("partial", "truncated", "failed",
                                                          "encrypted", "too-large"):
            message = None
    store.save_document_capture(capture_id, url, fields, file_name_of(url))
    return message
