"""The offline WordPress replica of thanhphohaiphong.gov.vn (stdlib only).

``Corpus`` generates posts deterministically from a seed, ``Site`` routes and
renders requests without sockets, ``server.start_server`` / ``server.serve``
put it on a loopback HTTP/1.1 server and ``truth.iter_truth`` gives the values
a perfect parser extracts.  See docs/replica.md.
"""

DEFAULT_SEED = 1
DEFAULT_POSTS = 300
DEFAULT_BASE_URL = "http://127.0.0.1:8000"
SITE_NAME = "Cổng tin tức Thành phố Hải Phòng"
