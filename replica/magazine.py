"""A magazine news theme, modelled on tagDiv's Newspaper (``td_module_single_base``).

Newspaper is the best-selling WordPress news theme, and its single-post markup
differs from the classic and block themes exactly where a generic parser is
weakest:

- categories (``ul.td-category``) and tags (``ul.td-tags``) are plain links,
  without the ``rel="category tag"`` / ``rel="tag"`` that ``the_category()``
  writes: the theme builds them from ``get_category_link``;
- the source of a post is a theme field (``td_source``), printed after the
  content in the theme's own box: ``div.td-post-source-via`` →
  ``div.td-post-small-box`` → ``<span>SOURCE</span><a rel="nofollow">Name</a>``
  (the label translated, here ``Nguồn``). A portal moving to such a theme moves
  its source lines out of the content into that field, so the text line the
  parser reads is gone;
- the date is ``<time class="entry-date updated td-module-date">`` (the
  publication date, classed ``updated``) shown in the site's ``d/m/Y`` format;
- the account is printed in ``div.td-post-author-name`` and again in a hidden
  ``div.td-author-name vcard author`` box.

Everything else (content, images, byline as the content's last line) is the
post's own. The replica's ``theme_change_day`` switches to this theme.
"""

from __future__ import annotations

from . import SITE_NAME, documents
from . import words as W
from .accounts import BY_ID
from .content import Corpus, Post
from .render import block_display_date, content_html, head_extra, post_url, shown_title
from .style import SiteStyle
from .templates import DATA_GIF, a, footer, head, t

SOURCE_LABEL = "Nguồn"      # __td('SOURCE') as the site's translation shows it
TAGS_LABEL = "Thẻ"
BY_LABEL = "Bởi"


def magazine_page(corpus: Corpus, base: str, post: Post, url: str, style: SiteStyle, page: int) -> str:
    m = post.meta
    acc = BY_ID[m.author_id]
    author_url = f"{base}/author/{acc.slug}/"
    protected = " post-password-required" if m.protected else ""
    classes = " ".join(f"category-{s}" for s, _ in m.categories)
    classes += "".join(f" tag-{s}" for s, _ in m.tags)
    cat_slug, cat_name = m.categories[0]
    cats = "".join(f'<li class="entry-category"><a href="{base}/category/{s}/">{t(n)}</a></li>'
                   for s, n in m.categories)
    source_box = ""
    if post.source and not m.protected:
        source_box = ('<div class="td-post-source-via"><div class="td-post-small-box">'
                      f'<span>{SOURCE_LABEL}</span><a rel="nofollow" href="#">{t(post.source)}</a></div></div>')
    tags = ""
    if m.tags:
        tags = (f'<ul class="td-tags td-post-small-box clearfix"><li><span>{TAGS_LABEL}</span></li>'
                + "".join(f'<li><a href="{base}/tag/{s}/">{t(n)}</a></li>' for s, n in m.tags) + "</ul>")
    related = "".join(
        f'<div class="td-related-span4"><div class="td_module_related_posts td-animation-stack td_mod_related_posts">'
        f'<h3 class="entry-title td-module-title"><a href="{post_url(base, corpus.meta(j))}" rel="bookmark">'
        f'{t(corpus.meta(j).title)}</a></h3></div></div>' for j in post.related)
    menu = "".join(f'<li class="menu-item"><a href="{base}/category/{s}/">{t(n)}</a></li>'
                   for s, n in W.CATEGORIES[:6])
    content = content_html(base, post, page, source_in_content=False)
    crumbs = (f'<span><a class="entry-crumb" href="{base}/">Trang chủ</a></span>'
              f' <i class="td-icon-right td-bread-sep"></i> '
              f'<span><a class="entry-crumb" href="{base}/category/{cat_slug}/">{t(cat_name)}</a></span>')
    meta_info = (f'<div class="td-post-author-name"><div class="td-author-by">{BY_LABEL}</div> '
                 f'<a href="{author_url}">{t(acc.name)}</a><div class="td-author-line"> - </div></div>'
                 '<span class="td-post-date"><time class="entry-date updated td-module-date" '
                 f'datetime="{m.published.isoformat()}">{block_display_date(m.published)}</time></span>'
                 '<div class="td-post-views"><i class="td-icon-views"></i>'
                 f'<span class="td-nr-views-{m.id}">{100 + m.id % 900}</span></div>')
    share = ('<div class="td-post-sharing-top"><div class="td-default-sharing">'
             '<a class="td-social-sharing-buttons td-social-facebook" '
             f'href="https://www.facebook.com/sharer.php?u={a(post_url(base, m))}">'
             '<div class="td-social-but-text">Facebook</div></a></div></div>\n')
    body_class = (f"post-template-default single single-post postid-{m.id} single-format-standard{protected}"
                  " td-standard-pack global-block-template-1 td-full-layout")
    post_class = f"post-{m.id} post type-post status-publish format-standard{protected} hentry {classes}"
    return (head(base, m.title, head_extra(base, post, url, style))
            + f'<body class="{body_class}">\n'
            + '<div id="td-outer-wrap" class="td-theme-wrap">\n'
              '<div class="td-header-wrap td-header-style-1"><div class="td-header-menu-wrap-full">'
              f'<div class="td-header-logo"><a class="td-main-logo" href="{base}/">'
              f'<img src="{DATA_GIF}" alt="{SITE_NAME}"></a></div>'
              f'<ul id="menu-td-demo-header-menu" class="sf-menu">{menu}</ul></div></div>\n'
            + '<div class="td-main-content-wrap td-container-wrap">'
              '<div class="td-container td-post-template-default">\n'
              f'<div class="td-crumb-container"><div class="entry-crumbs">{crumbs}</div></div>\n'
              '<div class="td-pb-row"><div class="td-pb-span8 td-main-content" role="main">'
              '<div class="td-ss-main-content">\n'
            + f'<article id="post-{m.id}" class="{post_class}" itemscope itemtype="https://schema.org/Article">\n'
            + f'<div class="td-post-header"><ul class="td-category">{cats}</ul>\n'
              f'<header class="td-post-title"><h1 class="entry-title">{t(shown_title(m))}</h1>\n'
              f'<div class="td-module-meta-info">{meta_info}</div></header></div>\n'
            + share
            + f'<div class="td-post-content tagdiv-type">\n{content}</div>\n'
            + documents.attachments_box(base, m)
            + f'<footer><div class="td-post-source-tags">{source_box}{tags}</div>\n'
              f'<div class="td-author-name vcard author" style="display: none"><span class="fn">'
              f'<a href="{author_url}">{t(acc.name)}</a></span></div></footer>\n'
            + '</article>\n'
            + '<div class="td_block_wrap td_block_related_posts td_with_ajax_pagination td-pb-border-top">'
              '<h4 class="td-related-title td-block-title">'
              '<a class="td-related-left td-cur-simple-item" href="#">Bài liên quan</a></h4>'
              f'<div class="td_block_inner"><div class="td-related-row">{related}</div></div></div>\n'
            + '</div></div>\n'
              '<div class="td-pb-span4 td-main-sidebar" role="complementary"><div class="td-ss-main-sidebar">'
              '<aside class="td_block_template_1 widget widget_text"><h4 class="block-title"><span>QR Code</span></h4>'
              f'<img src="{DATA_GIF}" alt="QR Code" width="120" height="120"></aside></div></div>\n'
              '</div></div></div>\n'
            + footer(base))
