"""HTML pieces of the portal's WordPress theme ("haiphong"), as plain strings."""

from __future__ import annotations

from html import escape

from . import SITE_NAME
from . import words as W
from .assets import icon_links

WP_VERSION = "6.4.3"
DATA_GIF = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"
TEXTURIZE = str.maketrans({"“": "&#8220;", "”": "&#8221;", "…": "&#8230;", "–": "&#8211;"})


def t(s: str) -> str:
    """Escape text for HTML; nbsp written as the entity WordPress stores."""
    return escape(s, quote=False).replace("\u00a0", "&nbsp;")


def a(s: str) -> str:
    return escape(s, quote=True)


def head(base: str, title: str, extra: str = "") -> str:
    return f"""<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{t(title)} &#8211; {SITE_NAME}</title>
<meta name='robots' content='max-image-preview:large' />
<link rel='dns-prefetch' href='//fonts.googleapis.com' />
<link rel="alternate" type="application/rss+xml" title="{SITE_NAME} &raquo; Dòng thông tin" href="{base}/feed/" />
<link rel='stylesheet' id='haiphong-style-css' href='{base}/wp-content/themes/haiphong/style.css?ver=1.4.2' media='all' />
<script src="{base}/wp-includes/js/jquery/jquery.min.js?ver=3.7.1" id="jquery-core-js"></script>
<link rel="https://api.w.org/" href="{base}/wp-json/" />
<meta name="generator" content="WordPress {WP_VERSION}" />
{icon_links(base)}{extra}<style id="haiphong-inline-css">.entry-content p{{text-align:justify}} .tin-khac li{{list-style:square}}</style>
</head>
"""


def block_head(base: str, title: str, extra: str = "") -> str:
    """``<head>`` of a block theme (Twenty Twenty-Three): wp_head with block styles."""
    return f"""<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="UTF-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<meta name='robots' content='max-image-preview:large' />
<title>{t(title)} &#8211; {SITE_NAME}</title>
<link rel="alternate" type="application/rss+xml" title="{SITE_NAME} &raquo; Dòng thông tin" href="{base}/feed/" />
<style id='wp-block-library-inline-css'>:root{{--wp--preset--spacing--40:1rem}}.wp-block-post-title{{font-size:2rem}}</style>
<link rel='stylesheet' id='twentytwentythree-style-css' href='{base}/wp-content/themes/twentytwentythree/style.css?ver=1.3' media='all' />
<link rel="https://api.w.org/" href="{base}/wp-json/" />
<meta name="generator" content="WordPress {WP_VERSION}" />
{icon_links(base)}{extra}</head>
"""


def masthead(base: str) -> str:
    menu = "".join(f'<li class="menu-item"><a href="{base}/category/{s}/">{t(n)}</a></li>'
                   for s, n in W.CATEGORIES[:6])
    return f"""<div id="page" class="site">
<a class="skip-link screen-reader-text" href="#primary">Chuyển đến nội dung</a>
<header id="masthead" class="site-header">
<div class="site-branding"><a href="{base}/" rel="home"><img src="{DATA_GIF}" alt="{SITE_NAME}"></a>
<p class="site-title"><a href="{base}/" rel="home">{SITE_NAME}</a></p></div>
<nav id="site-navigation" class="main-navigation"><ul id="primary-menu" class="menu">
<li class="menu-item menu-item-home"><a href="{base}/">Trang chủ</a></li>{menu}</ul></nav>
</header>
<div id="content" class="site-content">
"""


def footer(base: str) -> str:
    return f"""</div><!-- #content -->
<footer id="colophon" class="site-footer"><div class="site-info">
<p>{SITE_NAME} — Cơ quan chủ quản: Ủy ban nhân dân thành phố Hải Phòng</p>
<p>Địa chỉ: 18 Hoàng Diệu, quận Hồng Bàng, thành phố Hải Phòng</p></div></footer>
</div><!-- #page -->
<script>var hpAjax = {{"url":"{base}/wp-admin/admin-ajax.php"}};</script>
<script src="{base}/wp-content/themes/haiphong/js/navigation.js?ver=1.4.2" id="haiphong-navigation-js"></script>
</body>
</html>
"""


SHARE = """<div class="sharedaddy sd-sharing-enabled"><div class="robots-nocontent sd-block sd-social sd-social-icon-text">
<h3 class="sd-title">Chia sẻ:</h3><div class="sd-content"><ul>
<li class="share-facebook"><a rel="nofollow noopener noreferrer" class="share-facebook sd-button" href="{url}?share=facebook" target="_blank"><span>Facebook</span></a></li>
<li class="share-twitter"><a rel="nofollow noopener noreferrer" class="share-twitter sd-button" href="{url}?share=twitter" target="_blank"><span>Twitter</span></a></li>
<li class="share-print"><a rel="nofollow noopener noreferrer" class="share-print sd-button" href="{url}#print" target="_blank"><span>In</span></a></li>
</ul></div></div></div>
"""

TIEN_ICH = """<div class="box-tienich">
<h3 class="widget-title">Tiện ích thông tin</h3>
<ul class="tienich-icons"><li><a href="javascript:window.print()" title="In bài viết"><i class="fa fa-print"></i></a></li>
<li><a href="mailto:?subject={qtitle}&amp;body={qurl}" title="Gửi email"><i class="fa fa-envelope"></i></a></li>
<li><a href="#" class="font-size-up" title="Tăng cỡ chữ"><i class="fa fa-plus"></i></a></li></ul>
<h3 class="widget-title">Nguồn tin</h3><div class="nguon-tin"></div>
</div>
"""

WIDGETS = """<aside class="post-widgets">
<section class="widget widget-qr"><h3 class="widget-title">QR Code</h3>
<img src="{gif}" alt="QR Code" width="120" height="120"><p class="qr-caption">QR CODE: {title}</p></section>
<section class="widget widget-social"><h3 class="widget-title">Chúng tôi trên Mạng Xã hội</h3>
<a href="https://www.facebook.com/congtintuchaiphong" target="_blank" rel="noopener"><img src="{gif}" alt="Fanpage"></a>
<p class="fanpage-qr-title">QR Code Fanpage</p>
<p class="fanpage-qr-desc">Mã QR Code truy cập vào Fanpage Cổng tin tức Thành phố Hải Phòng</p></section>
</aside>
"""


def not_found(base: str) -> str:
    return (head(base, "Không tìm thấy trang")
            + '<body class="error404 hfeed">\n' + masthead(base)
            + """<main id="primary" class="site-main"><section class="error-404 not-found">
<header class="page-header"><h1 class="page-title">Rất tiếc! Không tìm thấy trang này.</h1></header>
<div class="page-content"><p>Có vẻ như không có gì ở địa chỉ này. Hãy thử tìm kiếm?</p>
<form role="search" method="get" class="search-form" action="%s/"><input type="search" name="s"></form></div>
</section></main>
""" % base + footer(base))
