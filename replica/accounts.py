"""The site's WordPress accounts: one per reporter, plus generic desk accounts.

Each post belongs to one account (``Meta.author_id``). The account's display
name is what the theme's byline link, JSON-LD ``author`` and the REST API's
``author`` show (``articles.wp_author``); the byline printed in the article
text is a separate thing (``articles.author``). Posts of a generic account
(``generic=True``) fall back to no author when the text prints no byline.
"""

from __future__ import annotations

from typing import NamedTuple


class Account(NamedTuple):
    id: int
    slug: str          # user_nicename: /author/<slug>/
    name: str          # display_name
    generic: bool      # a desk account, not a person


ACCOUNTS = (
    Account(1, "admin", "admin", True),
    Account(2, "banbientap", "Ban Biên tập", True),
    Account(3, "quantri", "Quản trị", True),
    Account(5, "thuha", "Nguyễn Thu Hà", False),
    Account(6, "hoangnam", "Trần Hoàng Nam", False),
    Account(8, "minhanh", "Lê Minh Anh", False),
    Account(9, "duchung", "Phạm Đức Hùng", False),
    Account(12, "ngocmai", "Vũ Ngọc Mai", False),
    Account(14, "quangvinh", "Đỗ Quang Vinh", False),
)
BY_ID = {a.id: a for a in ACCOUNTS}
BY_SLUG = {a.slug: a for a in ACCOUNTS}
# who posts: the desk accounts post about 40 % of the articles
WEIGHTS = (8, 24, 8, 12, 12, 10, 10, 8, 8)


