"""Documents an article attaches: which links are documents, and what a document is.

The one place for the document vocabulary (extensions, MIME types, download
links of WordPress plugins). ``find_documents(region, base)`` lists the
document links inside the post's own element (its ``<article>``, else the main
region), never the sidebar's, so a widget of "new decrees" on every page is not
attached to every post. Off-site links are listed too (the crawl fetches only
those in scope; their rows keep ``capture_id`` NULL).
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import parse_qsl, unquote, urlsplit

from archive.parser.dom import absolute, text_of
from archive.parser.model import DocumentLink
from archive.text import normalize

DOCUMENT_EXTENSIONS = frozenset({
    "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "pps", "ppsx", "odt", "ods", "odp",
    "rtf", "csv", "zip", "rar", "7z", "gz", "tgz", "epub",
})
# anything served with one of these is a document whatever its URL looks like
DOCUMENT_MIME_TYPES = frozenset({
    "application/pdf", "application/x-pdf", "application/msword", "application/rtf", "text/rtf",
    "application/vnd.ms-excel", "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.openxmlformats-officedocument.presentationml.slideshow",
    "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation", "application/zip",
    "application/x-zip-compressed", "application/vnd.rar", "application/x-rar-compressed",
    "application/x-7z-compressed", "application/gzip", "application/x-gzip", "application/epub+zip",
    "text/csv",
})
# generic types (octet-stream …) make a document only of a URL that names one: a font or
# an image is often served as application/octet-stream by a misconfigured server
# download links of WordPress plugins (Download Manager, Download Monitor, Media Library attachments)
_DOWNLOAD_QUERY = frozenset({"wpdmdl", "download_file", "wpdm_download", "dlm_download", "attachment_id"})
_DOWNLOAD_PATH = re.compile(r"^/(download|downloads|wpdm-package|dlm_download)/[^/]+/?$", re.I)
_EMBED_ATTRS = (("iframe", "src"), ("embed", "src"), ("object", "data"))


def extension(url: str) -> str:
    """Lower-case extension of the URL's last path segment ('' if none)."""
    try:
        path = urlsplit(url).path
    except ValueError:
        return ""
    seg = path.rsplit("/", 1)[-1]
    return seg.rsplit(".", 1)[-1].lower() if "." in seg else ""


@lru_cache(maxsize=8192)
def is_document_url(url: str) -> bool:
    """A URL that names a document (by extension or a plugin's download link).

    Memoised (a pure function of the string): pages of one site repeat the same menu,
    category and share links."""
    if extension(url) in DOCUMENT_EXTENSIONS:
        return True
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    if parts.query and {k for k, _ in parse_qsl(parts.query, keep_blank_values=True)} & _DOWNLOAD_QUERY:
        return True
    return bool(_DOWNLOAD_PATH.match(parts.path))


def mime_of(content_type: str | None) -> str:
    """``application/pdf; charset=…`` → ``application/pdf``."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def is_document_mime(content_type: str | None) -> bool:
    return mime_of(content_type) in DOCUMENT_MIME_TYPES


def file_name_of(url: str) -> str | None:
    """The URL's last path segment, percent-decoded, NFC (``Quyết định 12.pdf``)."""
    try:
        seg = urlsplit(url).path.rsplit("/", 1)[-1]
    except ValueError:
        return None
    return normalize(unquote(seg)) or None


def _pdf_viewer_target(url: str) -> str | None:
    """``…/viewer.html?file=/wp-content/uploads/x.pdf`` (PDF.js embedders) → the PDF."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    for key, value in parse_qsl(parts.query):
        if key in ("file", "url", "pdf") and extension(value) == "pdf":
            return absolute(url, value)
    return None


def find_documents(region, base: str) -> list[DocumentLink]:
    """Document links inside ``region`` in page order, one per URL (the first with text wins)."""
    found: dict[str, DocumentLink] = {}
    if region is None:
        return []

    def add(url: str | None, text: str | None) -> None:
        if not url:
            return
        url = url.split("#", 1)[0]
        old = found.get(url)
        if old is None:
            found[url] = DocumentLink(url, text or None, file_name_of(url))
        elif not old.text and text:
            found[url] = DocumentLink(url, text, old.file_name)

    for el in region.iter("a", "iframe", "embed", "object"):
        tag = el.tag
        if tag == "a":
            href = el.get("href")
            # a relative href names its extension and query as the absolute URL does
            if not href or el.get("download") is None and not is_document_url(href.strip()):
                continue
            url = absolute(base, href)
            if not url:
                continue
            if is_document_url(url) or el.get("download") is not None:
                add(url, text_of(el) or normalize(el.get("title")) or None)
            continue
        attr = dict(_EMBED_ATTRS)[tag]
        url = absolute(base, el.get(attr))
        if not url:
            continue
        target = url if extension(url) == "pdf" else _pdf_viewer_target(url)
        if target:
            add(target, normalize(el.get("title")) or None)
    return list(found.values())
