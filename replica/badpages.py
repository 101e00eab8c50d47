"""Bad pages for fault tests (``--faults bad``): broken encodings, dates, sizes, redirects, traps.

``BAD_PAGES`` lists them (path, kind, what a robust crawler should end up
with: ``article`` = parse and store it, ``any`` = store or record an error but
never crash, ``error`` = an ``errors`` row, ``skip`` = never fetched (off-site),
``trap`` = cut off by depth/pattern rules). ``bad_truth`` gives the truth rows
of the ``article`` pages.
"""

from __future__ import annotations

import re
import threading
import unicodedata
import zlib
from dataclasses import dataclass, replace
from typing import Callable, Iterator

from . import render

BAD_ID_BASE = 900_000_000
OFFSITE = "http://offsite.invalid"
HUGE_BYTES = 50 * 2 ** 20
BOMB_MIB = 1024

BAD_PAGES = (
    ("/bai-viet-loi-html-bi-cat.html", "truncated", "any"),
    ("/bai-viet-khai-bao-sai-bang-ma.html", "wrong-charset", "article"),
    ("/bai-viet-ma-windows-1258.html", "cp1258", "article"),
    ("/bai-viet-unicode-to-hop-nfd.html", "nfd", "article"),
    ("/bai-viet-rong.html", "empty", "error"),
    ("/bai-viet-khong-co-ngay.html", "no-date", "article"),
    ("/bai-viet-ngay-khong-hop-le.html", "impossible-date", "article"),
    ("/bai-viet-ngay-tuong-lai.html", "future-date", "article"),
    ("/bai-viet-rat-lon.html", "huge", "any"),
    ("/bai-viet-bom-gzip.html", "gzip-bomb", "error"),
    ("/vong-lap-chuyen-huong-a.html", "redirect-loop", "error"),
    ("/chuyen-huong-ra-ngoai.html", "redirect-offsite", "skip"),
    ("/bai-viet-lien-ket-la.html", "odd-links", "article"),
    ("/lich/2026/11/", "trap-calendar", "trap"),
    ("/tim-kiem/page/2/", "trap-pagination", "trap"),
)
_BY_PATH = {p: (k, e) for p, k, e in BAD_PAGES}
_LOOP_B = "/vong-lap-chuyen-huong-b.html"
ODD_LINKS = (
    "javascript:void(0)", "mailto:toasoan@haiphong.gov.vn", "tel:+842253842222",
    "/wp-content/../category/chinh-tri/", "/%63ategory/%6Binh-te/", "/category/chinh-tri/%2E%2E/do-thi/",
    "../../../../etc/passwd", "/tin%2Fkhac.html", "//offsite.invalid/duong-dan", OFFSITE + "/",
    "/%E1%BA%A3nh-%zz.html", "/category/chinh-tri/?a=1&b=%", "/category/chinh-tri//page//2/",
)
_TIME = re.compile(r'<time class="entry-date published"[^>]*>[^<]*</time>')
_META_TIME = re.compile(r'<meta property="article:(?:published|modified)_time"[^>]*>\n')


@dataclass(frozen=True)
class Stream:
    """A body produced piece by piece (``make()`` gives a fresh iterator)."""
    length: int
    make: Callable[[], Iterator[bytes]]


def _post(corpus, k: int):
    """A post for bad page ``k``: an existing post's content under its own id and slug."""
    path = BAD_PAGES[k][0]
    src = corpus.live[(k * 37) % len(corpus.live)]
    post = corpus.post(src)
    m = post.meta
    meta = replace(m, id=BAD_ID_BASE + k, slug=path[1:-5], title=f"Kiểm thử {BAD_PAGES[k][1]}: {m.title}",
                   n_images=0)
    post.meta = meta
    post.blocks = [b for b in post.blocks if b[0] != "img"]
    post.nfd = BAD_PAGES[k][1] == "nfd"
    if BAD_PAGES[k][1] == "odd-links":
        post.blocks += [("link", "Liên kết thử nghiệm: ", f"liên kết {n + 1}", ".", href)
                        for n, href in enumerate(ODD_LINKS)]
    return post


def encode_cp1258(text: str) -> bytes:
    """Vietnamese text in windows-1258: base letters with their vowel marks precomposed
    (â ê ô ă ơ ư), tone marks as combining characters, as legacy Vietnamese pages were."""
    out = []
    for cluster in re.findall(r".[\u0300-\u036f]*",
                              unicodedata.normalize("NFD", text), flags=re.S):
        base, marks = cluster[0], cluster[1:]
        keep = "".join(ch for ch in marks if ord(ch) in (0x302, 0x306, 0x31B))
        tones = "".join(ch for ch in marks if ord(ch) not in (0x302, 0x306, 0x31B))
        composed = unicodedata.normalize("NFC", base + keep)
        out.append((composed if len(composed) == 1 else base + keep) + tones)
    return "".join(out).encode("cp1258", errors="xmlcharrefreplace")


_bomb_lock = threading.Lock()
_bomb: bytes | None = None


def gzip_bomb() -> bytes:
    """A valid gzip member that inflates to ``BOMB_MIB`` MiB of spaces (~1 MB on the wire)."""
    global _bomb
    with _bomb_lock:
        if _bomb is None:
            block = b" " * 2 ** 20
            c = zlib.compressobj(9, zlib.DEFLATED, -15)
            head = b"<!DOCTYPE html><html><body>"
            first = c.compress(head) + c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
            rest = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
            crc = zlib.crc32(head)
            for _ in range(BOMB_MIB):
                crc = zlib.crc32(block, crc)
            size = len(head) + BOMB_MIB * len(block)
            deflate = first + rest * (BOMB_MIB - 1) + c.flush()
            _bomb = (b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff" + deflate
                     + crc.to_bytes(4, "little") + (size & 0xFFFFFFFF).to_bytes(4, "little"))
        return _bomb


def _huge(corpus, base: str) -> Stream:
    post = _post(corpus, 8)
    page = render.post_page(corpus, base, post).encode()
    cut = page.index(b'<div class="sharedaddy')
    para = ("<p>" + "Nội dung lặp lại của một trang rất lớn, dùng để kiểm tra giới hạn tải về. " * 20
            + "</p>\n").encode()
    reps = max(0, -(-(HUGE_BYTES - len(page)) // len(para)))

    def make():
        yield page[:cut]
        for _ in range(reps):
            yield para
        yield page[cut:]
    return Stream(len(page) + reps * len(para), make)


def _trap(base: str, path: str) -> str:
    m = re.match(r"^/lich/(\d{1,4})/(\d{1,2})/(?:(\d{1,2})/)?$", path)
    links = []
    if m:
        y, mo = int(m.group(1)), int(m.group(2))
        prev = (y, mo - 1) if mo > 1 else (y - 1, 12)
        nxt = (y, mo + 1) if mo < 12 else (y + 1, 1)
        links += [f"{base}/lich/{prev[0]}/{prev[1]}/", f"{base}/lich/{nxt[0]}/{nxt[1]}/"]
        links += [f"{base}/lich/{y}/{mo}/{d}/" for d in range(1, 29)]
    else:
        n = int(re.match(r"^/tim-kiem/page/(\d+)/$", path).group(1))
        links += [f"{base}/tim-kiem/page/{n + 1}/", f"{base}/tim-kiem/page/{n + 2}/?sort=date&amp;order=desc"]
    items = "".join(f'<li><a href="{u}">{u[len(base):]}</a></li>' for u in links)
    return (f'<!DOCTYPE html><html lang="vi"><head><meta charset="UTF-8"><title>Lịch</title></head>'
            f'<body class="archive date"><main><ul class="calendar">{items}</ul></main></body></html>')


def is_bad_path(path: str) -> bool:
    return path in _BY_PATH or path == _LOOP_B or bool(re.match(r"^/lich/\d{1,4}/\d{1,2}/(?:\d{1,2}/)?$|^/tim-kiem/page/\d+/$", path))


def route(corpus, base: str, path: str):
    """``(status, headers, body)`` of a bad page (body may be a ``Stream``), or None."""
    if not is_bad_path(path):
        return None
    if path == _LOOP_B:
        return 302, [("Location", f"{base}/vong-lap-chuyen-huong-a.html")], b""
    kind = _BY_PATH.get(path, ("trap",))[0]
    html = "text/html; charset=UTF-8"
    if kind.startswith("trap") or kind == "trap":
        return 200, [("Content-Type", html)], _trap(base, path).encode()
    if kind == "redirect-loop":
        return 302, [("Location", base + _LOOP_B)], b""
    if kind == "redirect-offsite":
        return 301, [("Location", OFFSITE + "/tin-tuc/bai-viet.html")], b""
    if kind == "empty":
        return 200, [("Content-Type", html)], b""
    if kind == "gzip-bomb":
        return 200, [("Content-Type", html), ("Content-Encoding", "gzip")], gzip_bomb()
    if kind == "huge":
        return 200, [("Content-Type", html)], _huge(corpus, base)
    k = [p for p, _, _ in BAD_PAGES].index(path)
    page = render.post_page(corpus, base, _post(corpus, k))
    if kind == "truncated":
        data = page.encode()
        return 200, [("Content-Type", html)], data[:int(len(data) * 0.55)]
    if kind == "wrong-charset":
        page = page.replace('<meta charset="UTF-8">', '<meta charset="ISO-8859-1">')
        return 200, [("Content-Type", "text/html; charset=ISO-8859-1")], page.encode()
    if kind == "cp1258":
        page = page.replace('<meta charset="UTF-8">', '<meta charset="windows-1258">')
        return 200, [("Content-Type", "text/html; charset=windows-1258")], encode_cp1258(page)
    if kind == "no-date":
        page = _META_TIME.sub("", _TIME.sub("", page))
    elif kind == "impossible-date":
        page = _META_TIME.sub("", _TIME.sub(
            '<time class="entry-date published" datetime="2019-02-31T25:61:00+07:00">'
            'Thứ Hai, 31/02/2019 25:61</time>', page))
    elif kind == "future-date":
        page = _META_TIME.sub("", _TIME.sub(
            '<time class="entry-date published" datetime="2031-05-20T08:30:00+07:00">'
            'Thứ Ba, 20/05/2031 08:30</time>', page))
    return 200, [("Content-Type", html)], page.encode()


def bad_truth(corpus, base: str) -> list[dict]:
    """One dict per bad page: ``url``, ``kind``, ``expect`` and, for ``article`` pages, ``truth``."""
    from .style import SiteStyle
    from .truth import truth_of
    html_only = SiteStyle(rest="404")    # bad pages have no REST twin: /wp-json/.../posts/<id> is 404
    out = []
    for k, (path, kind, expect) in enumerate(BAD_PAGES):
        row = {"url": base + path, "kind": kind, "expect": expect, "truth": None}
        if expect == "article":
            t = truth_of(_post(corpus, k), base, html_only)
            if kind == "no-date":
                t.update(published_at=None, published_raw=None, date_is_bulk_import=0, event_date=None,
                         modified_at=None)
            elif kind == "impossible-date":
                t.update(published_at=None, published_raw="Thứ Hai, 31/02/2019 25:61",
                         date_is_bulk_import=0, event_date=None, modified_at=None)
            elif kind == "future-date":
                t.update(published_at="2031-05-20T08:30:00+07:00", published_raw="Thứ Ba, 20/05/2031 08:30",
                         date_is_bulk_import=0, modified_at=None)    # the lead's event day is still before it
            row["truth"] = t
        out.append(row)
    return out


def links_widget(base: str) -> str:
    """The home page widget that links every bad page (so crawlers find them)."""
    items = "".join(f'<li><a href="{base}{p}">{k}</a></li>' for p, k, _ in BAD_PAGES)
    odd = "".join(f'<li><a href="{h.replace("&", "&amp;")}">lạ</a></li>' for h in ODD_LINKS[:3])
    return f'<aside class="widget widget-links"><h3>Liên kết</h3><ul>{items}{odd}</ul></aside>\n'


def sitemap(base: str) -> str:
    """``/wp-sitemap-posts-page-1.xml``: the bad pages as WordPress 'pages'."""
    urls = "".join(f"<url><loc>{base}{p}</loc></url>" for p, _, _ in BAD_PAGES)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>\n')
