"""The theme's files: CSS (with @import, a web font and a background image), JS, icons.

What a browser loads to render a page of the replica, served under the paths
WordPress uses (``/wp-content/themes/<theme>/…``, ``/wp-includes/js/…``). The
files are small and fixed (the same bytes on every day of the timeline), so
an unchanged recrawl writes revisit records for all of them. The web font is a
real WOFF file (804 bytes: ten digit glyphs drawn as bars, made once with
fontTools and shipped as bytes); the PNGs are made here with zlib.
"""

from __future__ import annotations

import base64
import struct
import zlib
from datetime import datetime, timezone

THEME = "/wp-content/themes/haiphong"
TT3 = "/wp-content/themes/twentytwentythree"
ICON = "/wp-content/uploads/2019/01/cropped-logo-hp-32x32.png"
ICON_180 = "/wp-content/uploads/2019/01/cropped-logo-hp-180x180.png"
MODIFIED = datetime(2024, 3, 1, 8, 0, tzinfo=timezone.utc)

_WOFF = base64.b64decode(
    "d09GRgABAAAAAAMkAAoAAAAABNwAAQAAAAAAAAAAAAAAAAAAAAAAAAAAAABPUy8yAAABZAAAACkAAABgRP9ErmNtYXAAAAGkAAAANQAAADwAWwBtZ2x5ZgAAAfgAAACHAAACCN3x14JoZWFkAAAA9AAAADYAAAA2L5vxNmhoZWEAAAEsAAAAHwAAACQExgHkaG10eAAAAZAAAAAUAAAAHgV4AABsb2NhAAAB3AAAABoAAAAaAy4Csm1heHAAAAFMAAAAFgAAACAAEAAObmFtZQAAAoAAAABlAAAAe2KBu3twb3N0AAAC6AAAADwAAABYbm2g7QABAAAAAQAAQvG35F8PPPUAAQPoAAAAAOc61qAAAAAA5zrWoAAyAAAB4AMWAAAAAwACAAAAAAAAeJxjYGRgYFb4b8HAwKTGwMDQxLiEASiCApgBQ6kCrwB4nGNgZGBg4AFCZgYQYGJAAwADFgAfAAB4nGNgZhJknMDAysDCQBgwInPsgQBIKTBYMiuA+EDyBJp6oDgAg08DNQAAAHicY1JjYGDUYWBgAtKYAAAMWAB+eJxjYGBgYmBgYAZiESDJCKZZGDSANBuQZgTKKjBY/v8P5CswGPz////h/0tgVUAAAIrvCMIAAAAAAAANAA0AJQA9AFUAbgCHAKAAuQDSAOsBBAAAeJxjYGQwYmBgPMS0h4GZgcFYUFHQiHEC056/LgxAvg1Q5gFYhp2BGyhrqiiqKGgsaG5qLGrDuORfTIDNnYAAkOJpKSmkqV+wgDT1d+7gUw/EaOoZJf69IFFHyL81JOqY8K+ARB1n/pmQpoOJ4+8PhI5bxOhw+bsHroNZjBgdDX8bGADVGn7IAHicLYoxCoAwFENfVRAXcXPtKfQCHRylN+hQvgVRaPX+fsVAwksI0DBheGUYvnxV0WqrMU2ni2X8uaJnXkKy63YeYl2SdBUf5d5DZiGQ9LyycXIgyk4XUV8UPFH5ZtdffgD+vBIQAAAAeJx9w4kRgCAAA0Fy4INYjC9gP+m/Bq3AndlA+Ld+o1BU0qBRk2ZlLSp4wzs+8IkvfOOKG+74eQFp6wZm")


def _png(width: int, height: int, pixel) -> bytes:
    """A truecolour PNG; ``pixel(x, y) -> (r, g, b)``."""
    raw = b"".join(b"\x00" + bytes(c for x in range(width) for c in pixel(x, y)) for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


STYLE_CSS = """/*
Theme Name: Hai Phong
Version: 1.4.2
*/
@import url("css/fonts.css?ver=1.4.2");
body { margin: 0; font-family: Arial, Helvetica, sans-serif; color: #222; background: #f4f4f4; }
#page { max-width: 1140px; margin: 0 auto; background: #fff; }
.site-header { background: #8b0000 url('images/header-bg.png') repeat-x left top; color: #fff; padding: 12px 20px; min-height: 64px; }
.site-header a { color: #fff; text-decoration: none; }
.site-title { font-size: 22px; font-weight: bold; margin: 4px 0; }
.main-navigation ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 14px; }
.site-content { padding: 16px 20px; }
.entry-title { font-size: 26px; color: #8b0000; margin: 8px 0 12px; }
.entry-content { font-size: 16px; line-height: 1.6; }
.entry-content img { max-width: 100%; height: auto; }
.post-attachments { margin: 12px 0; padding: 8px 12px; background: #fafafa url("images/attach.png") no-repeat 4px 10px; border: 1px solid #ddd; }
.wp-block-file__button { margin-left: 10px; padding: 2px 8px; background: #8b0000; color: #fff; border-radius: 3px; }
.site-info { font-family: "Hai Phong Digits", Arial, sans-serif; font-size: 14px; }
.site-footer { background: #333; color: #eee; padding: 12px 20px; }
"""

FONTS_CSS = """@font-face {
  font-family: "Hai Phong Digits";
  src: url("../fonts/haiphong-digits.woff") format("woff");
  font-weight: normal;
  font-style: normal;
  unicode-range: U+0030-0039;
}
"""

TT3_CSS = """/*
Theme Name: Twenty Twenty-Three
Version: 1.3
*/
body { margin: 0; font-family: Arial, Helvetica, sans-serif; background: #fff url(assets/images/paper.png); }
.wp-site-blocks { padding: 16px 24px; }
.wp-block-post-title { color: #1a4d8f; }
"""

NAVIGATION_JS = """/* Hai Phong theme: toggles the menu on small screens. */
(function () {
  var nav = document.getElementById('site-navigation');
  if (!nav) { return; }
  nav.classList.add('js-ready');
}());
"""

JQUERY_JS = """/*! jQuery stand-in of the offline replica (the real file is 87 kB) */
window.jQuery = window.$ = function (s) { return document.querySelectorAll(s); };
"""

INTERACTIVITY_JS = "/* wp-interactivity stand-in of the offline replica */\nwindow.wp = window.wp || {};\n"

_FILES: dict[str, tuple[str, object]] = {
    f"{THEME}/style.css": ("text/css", STYLE_CSS),
    f"{THEME}/css/fonts.css": ("text/css", FONTS_CSS),
    f"{THEME}/fonts/haiphong-digits.woff": ("font/woff", _WOFF),
    f"{THEME}/images/header-bg.png": ("image/png", lambda: _png(64, 64, lambda x, y: (139 - y, 0, 0))),
    f"{THEME}/images/attach.png": ("image/png", lambda: _png(12, 12, lambda x, y: (120, 120, 200))),
    f"{THEME}/js/navigation.js": ("application/javascript", NAVIGATION_JS),
    "/wp-includes/js/jquery/jquery.min.js": ("application/javascript", JQUERY_JS),
    "/wp-includes/js/dist/interactivity.min.js": ("application/javascript", INTERACTIVITY_JS),
    f"{TT3}/style.css": ("text/css", TT3_CSS),
    f"{TT3}/assets/images/paper.png": ("image/png", lambda: _png(8, 8, lambda x, y: (250, 250, 245 + (x + y) % 3))),
    ICON: ("image/png", lambda: _png(32, 32, lambda x, y: (139, 0, 0) if (x - 16) ** 2 + (y - 16) ** 2 < 200 else (255, 255, 255))),
    ICON_180: ("image/png", lambda: _png(180, 180, lambda x, y: (139, 0, 0) if (x - 90) ** 2 + (y - 90) ** 2 < 6400 else (255, 255, 255))),
}
_CACHE: dict[str, bytes] = {}


def icon_links(base: str) -> str:
    """The site icon links WordPress prints in ``<head>``."""
    return (f'<link rel="icon" href="{base}{ICON}" sizes="32x32" />\n'
            f'<link rel="apple-touch-icon" href="{base}{ICON_180}" />\n')


def serve(path: str):
    """``(content type, bytes, last modified)`` of a theme file, or None."""
    entry = _FILES.get(path)
    if entry is None:
        return None
    ctype, content = entry
    data = _CACHE.get(path)
    if data is None:
        data = content() if callable(content) else content
        data = data.encode("utf-8") if isinstance(data, str) else data
        _CACHE[path] = data
    if ctype in ("text/css", "application/javascript"):
        ctype += "; charset=UTF-8"
    return ctype, data, MODIFIED


def paths() -> list[str]:
    return sorted(_FILES)
