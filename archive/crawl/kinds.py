"""The kinds of URL a crawl tells apart (the URL policy classifies, the crawl
planner decides per kind, the frontier stores them)."""

from __future__ import annotations

POST, LISTING, FEED, SITEMAP, IMAGE, AMP = "post", "listing", "feed", "sitemap", "image", "amp"
DOCUMENT, REQUISITE = "document", "requisite"
# files under their upload URL (/wp-content/uploads/…): a changed file gets a new URL
UPLOADS = (IMAGE, DOCUMENT)
