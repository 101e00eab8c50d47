"""How the replica's WordPress is set up: theme, REST API, SEO plugin.

The same posts (``Corpus``) can be served by differently set-up sites, as real
WordPress portals differ: ``SiteStyle(theme="block", rest="403", seo="yoast")``.
The ground truth (``replica.truth``) depends on the style only where a field
exists in one set-up and not in another (``published_raw`` as the theme
displays it, ``original_url`` from the classic theme's ``Gốc`` link,
``modified_at`` from a machine-readable source).
"""

from __future__ import annotations

from dataclasses import dataclass

THEMES = ("classic", "block", "magazine")
REST_MODES = ("on", "401", "403", "404")
SEO_SHAPES = ("og", "none", "yoast", "rankmath", "newsarticle", "mixed")


@dataclass(frozen=True)
class SiteStyle:
    """``theme``: ``classic`` (the portal's own theme), ``block`` (modelled on Twenty
    Twenty-Three) or ``magazine`` (modelled on tagDiv's Newspaper, the best-selling news
    theme: its own meta markup, categories and tags without ``rel``, the source line
    moved out of the content into the theme's "Source" box, ``replica.magazine``).
    ``rest``: ``on`` serves ``/wp-json/wp/v2/...``; ``401``/``403``
    answer as the "disable REST API" plugins of government sites do; ``404``: the
    API removed. ``seo``: ``og`` = Open Graph and ``article:*`` meta only (the
    default, as before); ``none`` = no SEO plugin (neither OG nor JSON-LD);
    ``yoast`` / ``rankmath`` / ``newsarticle`` = OG plus that plugin's JSON-LD;
    ``mixed`` = OG plus one of the three JSON-LD shapes per post.
    ``theme_change_day``: from this simulated day on, the theme is ``theme_after``
    (``magazine`` unless said otherwise) whatever ``theme`` says: the portal changes its
    theme, and with ``magazine`` a field the parser read so far degrades (the drift alarm's
    end-to-end scenario, docs/replica.md)."""
    theme: str = "classic"
    rest: str = "on"
    seo: str = "og"
    theme_change_day: int | None = None
    theme_after: str = "magazine"

    def __post_init__(self):
        if self.theme not in THEMES or self.theme_after not in THEMES:
            raise ValueError(f"theme must be one of {', '.join(THEMES)}")
        if self.rest not in REST_MODES:
            raise ValueError(f"rest must be one of {', '.join(REST_MODES)}")
        if self.seo not in SEO_SHAPES:
            raise ValueError(f"seo must be one of {', '.join(SEO_SHAPES)}")

    def theme_on(self, day: int) -> str:
        if self.theme_change_day is not None and day >= self.theme_change_day:
            return self.theme_after
        return self.theme

    def jsonld_shape(self, post_id: int) -> str | None:
        if self.seo in ("og", "none"):
            return None
        if self.seo == "mixed":
            return ("yoast", "rankmath", "newsarticle")[post_id % 3]
        return self.seo
