"""Documents attached to posts: real PDF (Vietnamese text), DOCX and XLSX files, stdlib only.

Every post has a PDF decision (``quyet-dinh-<id>.pdf``, two pages for every
fourth post); every sixth post also a DOCX plan, every sixth (shifted by three)
an XLSX table: 1.33 documents a post, a few kB each. Files are made from ``(seed, post id)`` alone, so a post's
edits leave its documents unchanged (an unchanged recrawl writes revisits).
Each PDF's text holds a phrase found nowhere else (``Mã hồ sơ HP-<id>-<word>``)
so a search can prove that it reaches into documents.

The PDF uses a Type0 font with Identity-H encoding and a ToUnicode map (CID =
Unicode code point), the way PDF writers store Vietnamese text: extraction
gives back the exact NFC text with every tone mark. ``pdf_text_of`` is the
text a correct extractor returns (``archive.parser.pdftext``'s format:
lines joined by ``\\n``, pages by ``\\n\\n``).
"""

from __future__ import annotations

import io
import random
import re
import zipfile
from dataclasses import dataclass
from html import escape

from archive.text import normalize

from . import textgen

PDF_MIME = "application/pdf"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_MIME = {"pdf": PDF_MIME, "docx": DOCX_MIME, "xlsx": XLSX_MIME}
_STEM = {"pdf": "quyet-dinh", "docx": "ke-hoach", "xlsx": "bao-cao"}
_LABEL = {"pdf": "Quyết định", "docx": "Kế hoạch", "xlsx": "Báo cáo số liệu"}
PATH = re.compile(r"^/wp-content/uploads/(\d{4})/(\d{2})/(quyet-dinh|ke-hoach|bao-cao)-(\d+)\.(pdf|docx|xlsx)$")
_STREAM = 11
_CODE_WORDS = ("sen", "phượng", "bạch-đằng", "cát-bà", "đồ-sơn", "hồng-bàng", "lê-chân", "kiến-an")


@dataclass(frozen=True)
class Document:
    kind: str            # pdf | docx | xlsx
    path: str            # /wp-content/uploads/YYYY/MM/<stem>-<id>.<kind>
    label: str           # the link text on the post page
    mime: str


def documents_of(meta) -> list[Document]:
    """The documents post ``meta`` links to, in page order."""
    kinds = ["pdf"]
    if meta.index % 6 == 0:
        kinds.append("docx")
    if meta.index % 6 == 3:
        kinds.append("xlsx")
    y, m = meta.published.year, meta.published.month
    return [Document(k, f"/wp-content/uploads/{y}/{m:02d}/{_STEM[k]}-{meta.id}.{k}",
                     f"{_LABEL[k]} số {meta.id}/QĐ-UBND" if k == "pdf" else f"{_LABEL[k]} {meta.id}",
                     _MIME[k]) for k in kinds]


def attachments_html(base: str, meta) -> str:
    """The "attached documents" block at the end of the post body (WordPress file blocks)."""
    items = "".join(
        f'<div class="wp-block-file"><a id="wp-block-file--media-{meta.id}-{k}" href="{base}{d.path}">'
        f'{escape(d.label)}</a><a href="{base}{d.path}" class="wp-block-file__button wp-element-button" '
        f'download aria-describedby="wp-block-file--media-{meta.id}-{k}">Tải về</a></div>\n'
        for k, d in enumerate(documents_of(meta)))
    return f'<p class="attachments-title">Tài liệu đính kèm tải tại đây:</p>\n{items}'


def attachments_box(base: str, meta) -> str:
    """The theme's box of attached files after the post body (none on a password-protected post)."""
    if getattr(meta, "protected", False):
        return ""
    return f'<div class="post-attachments">{attachments_html(base, meta)}</div>\n'


def _rng(seed: int, post_id: int, kind: str) -> random.Random:
    return random.Random(f"{seed}:{post_id}:{kind}:{_STREAM}")


def _lines(seed: int, meta) -> list[list[str]]:
    """The PDF's lines, page by page (NFC)."""
    rng = _rng(seed, meta.id, "pdf")
    year = meta.published.year
    code = f"Mã hồ sơ HP-{meta.id}-{_CODE_WORDS[meta.id % len(_CODE_WORDS)]}"
    first = ["ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG",
             f"QUYẾT ĐỊNH Số {meta.id}/QĐ-UBND",
             f"Hải Phòng, ngày {meta.published.day} tháng {meta.published.month} năm {year}",
             code]
    first += [normalize(textgen.sentence(rng, year)) for _ in range(3)]
    pages = [first]
    if meta.index % 4 == 0:
        pages.append([f"Điều {n}. " + normalize(textgen.sentence(rng, year)) for n in (1, 2, 3)]
                     + ["Nơi nhận: Như Điều 3; Lưu: VT."])
    return [[normalize(x) for x in page] for page in pages]


def pdf_text_of(seed: int, meta) -> str:
    return "\n\n".join("\n".join(page) for page in _lines(seed, meta))


def _cmap(codes: set[int]) -> bytes:
    highs = sorted({c >> 8 for c in codes})
    ranges = "".join(f"<{h:02X}00> <{h:02X}FF> <{h:02X}00>\n" for h in highs)
    return (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        f"{len(highs)} beginbfrange\n{ranges}endbfrange\nendcmap\n"
        "CMapName currentdict /CMap defineresource pop\nend\nend\n").encode("ascii")


def pdf_bytes(seed: int, meta) -> bytes:
    pages = _lines(seed, meta)
    codes = {ord(ch) for page in pages for line in page for ch in line}
    objs: dict[int, bytes] = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        4: (b"<< /Type /Font /Subtype /Type0 /BaseFont /NotoSans /Encoding /Identity-H "
            b"/DescendantFonts [5 0 R] /ToUnicode 6 0 R >>"),
        5: (b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /NotoSans "
            b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
            b"/FontDescriptor 7 0 R /DW 520 /CIDToGIDMap /Identity >>"),
        7: (b"<< /Type /FontDescriptor /FontName /NotoSans /Flags 32 /FontBBox [-200 -300 1200 1000] "
            b"/ItalicAngle 0 /Ascent 1000 /Descent -300 /CapHeight 700 /StemV 80 >>"),
    }
    cmap = _cmap(codes)
    objs[6] = b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream"
    kids = []
    n = 8
    for page in pages:
        ops = ["BT", "/F1 11 Tf", "16 TL", "56 780 Td"]
        for line in page:
            ops.append("<" + "".join(f"{ord(ch):04X}" for ch in line) + "> Tj T*")
        ops.append("ET")
        content = "\n".join(ops).encode("ascii")
        page_no, content_no = n, n + 1
        n += 2
        objs[page_no] = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                         b"/Resources << /Font << /F1 4 0 R >> >> /Contents %d 0 R >>" % content_no)
        objs[content_no] = b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"
        kids.append(page_no)
    objs[2] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids), len(kids))
    objs[3] = b"<< /Title (Quyet dinh %d) /Producer (portal-archive replica) >>" % meta.id
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for num in sorted(objs):
        offsets[num] = out.tell()
        out.write(b"%d 0 obj\n" % num + objs[num] + b"\nendobj\n")
    xref = out.tell()
    size = max(objs) + 1
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % size)
    for num in range(1, size):
        out.write(b"%010d 00000 n \n" % offsets[num] if num in offsets else b"0000000000 65535 f \n")
    out.write(b"trailer\n<< /Size %d /Root 1 0 R /Info 3 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref))
    return out.getvalue()


def _zip(files: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            info = zipfile.ZipInfo(name, date_time=(2019, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text.encode("utf-8"))
    return out.getvalue()


_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
         'relationships/officeDocument" Target="{target}"/></Relationships>')


def _content_types(*parts: tuple[str, str]) -> str:
    overrides = "".join(f'<Override PartName="{name}" ContentType="application/'
                        f'vnd.openxmlformats-officedocument.{kind}"/>' for name, kind in parts)
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            f'<Default Extension="xml" ContentType="application/xml"/>{overrides}</Types>')


def docx_bytes(seed: int, meta) -> bytes:
    rng = _rng(seed, meta.id, "docx")
    year = meta.published.year
    paras = [f"KẾ HOẠCH {meta.id}"] + [normalize(textgen.sentence(rng, year)) for _ in range(3)]
    body = "".join(f"<w:p><w:r><w:t xml:space=\"preserve\">{escape(p)}</w:t></w:r></w:p>" for p in paras)
    return _zip({
        "[Content_Types].xml": _content_types(
            ("/word/document.xml", "wordprocessingml.document.main+xml")),
        "_rels/.rels": _RELS.format(target="word/document.xml"),
        "word/document.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f"<w:body>{body}</w:body></w:document>"),
    })


def xlsx_bytes(seed: int, meta) -> bytes:
    rng = _rng(seed, meta.id, "xlsx")
    rows = [("Chỉ tiêu", "Kế hoạch", "Thực hiện")] + [
        (f"Chỉ tiêu {k}", str(rng.randint(10, 900)), str(rng.randint(10, 900))) for k in range(1, 5)]
    cols = "ABC"
    xml_rows = "".join(
        f'<row r="{r}">' + "".join(
            (f'<c r="{cols[c]}{r}" t="inlineStr"><is><t>{escape(v)}</t></is></c>' if not v.isdigit()
             else f'<c r="{cols[c]}{r}"><v>{v}</v></c>') for c, v in enumerate(row)) + "</row>"
        for r, row in enumerate(rows, 1))
    return _zip({
        "[Content_Types].xml": _content_types(
            ("/xl/workbook.xml", "spreadsheetml.sheet.main+xml"),
            ("/xl/worksheets/sheet1.xml", "spreadsheetml.worksheet+xml")),
        "_rels/.rels": _RELS.format(target="xl/workbook.xml"),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="Số liệu" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'),
        "xl/worksheets/sheet1.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f"<sheetData>{xml_rows}</sheetData></worksheet>"),
    })


def serve(corpus, path: str):
    """``(status, headers, body)`` for a document path, or None when ``path`` names none."""
    m = PATH.match(path)
    if not m:
        return None
    stem, post_id, kind = m.group(3), int(m.group(4)), m.group(5)
    i = corpus.index_of_id(post_id)
    if i is None or corpus.is_deleted(i) or _STEM[kind] != stem:
        return None
    meta = corpus.meta(i)
    doc = next((d for d in documents_of(meta) if d.path == path), None)
    if doc is None:
        return None
    make = {"pdf": pdf_bytes, "docx": docx_bytes, "xlsx": xlsx_bytes}[kind]
    return doc.mime, make(corpus.seed, meta), meta.published


def truth_of(seed: int, base: str, meta) -> list[dict]:
    """The ``documents`` a perfect crawl holds for the post: URL, link text, MIME type, PDF text."""
    return [{"url": base + d.path, "link_text": d.label, "file_name": d.path.rsplit("/", 1)[-1],
             "mime_type": d.mime, "text": pdf_text_of(seed, meta) if d.kind == "pdf" else None}
            for d in documents_of(meta)]
