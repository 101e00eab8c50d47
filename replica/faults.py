"""Switchable, seeded transient faults (``--faults SPEC``).

SPEC is a comma-separated list of ``name=value`` items, e.g.
``500=0.05,reset=0.02,hang=0.01,drip=0.02,429=0.03,503=0.01,bad``:

- ``500``, ``reset``, ``hang``, ``drip``, ``429``, ``503``: the share of URLs
  (0–1) that fail that way. Which URLs fail is decided per (seed, request
  target): the first ``fails`` attempts at such a URL fail, later attempts
  succeed, so a crawler that retries gets every page.
- ``bad``: serve the bad pages of ``replica.badpages`` and link them from
  the home page and the pages sitemap.
- ``seed=N`` (default: the site seed), ``fails=N`` (1), ``hang_s=S`` (30:
  headers sent, then silence for S seconds), ``drip_s=S`` (3: the body
  trickles in over S seconds), ``retry_after=N`` (1: ``Retry-After`` of 429
  and 503).

``/robots.txt`` never fails.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field

TRANSIENT = ("500", "reset", "hang", "drip", "429", "503")
SOCKET_LEVEL = ("reset", "hang", "drip")
EXEMPT = ("/robots.txt",)


class FaultSpecError(ValueError):
    pass


@dataclass
class Faults:
    rates: dict = field(default_factory=dict)
    bad: bool = False
    seed: int = 1
    fails: int = 1
    hang_s: float = 30.0
    drip_s: float = 3.0
    retry_after: int = 1

    def __post_init__(self):
        self._attempts: dict[str, int] = {}
        self._lock = threading.Lock()
        total = sum(self.rates.values())
        if total > 1:
            raise FaultSpecError(f"fault shares add up to {total:g} > 1; lower them")

    @classmethod
    def parse(cls, spec: str | None, seed: int = 1) -> "Faults":
        """``Faults`` from a spec string (see the module doc); empty spec = no faults."""
        f = {"rates": {}, "seed": seed}
        for item in filter(None, (x.strip() for x in (spec or "").split(","))):
            name, _, value = item.partition("=")
            try:
                if name in TRANSIENT:
                    rate = float(value)
                    if not 0 <= rate <= 1:
                        raise ValueError
                    f["rates"][name] = rate
                elif name == "bad":
                    f["bad"] = value.lower() not in ("0", "no", "off", "false")
                elif name in ("seed", "fails", "retry_after"):
                    f[name] = int(value)
                elif name in ("hang_s", "drip_s"):
                    f[name] = float(value)
                else:
                    raise FaultSpecError(
                        f"unknown fault {name!r}; use {', '.join(TRANSIENT)}, bad, seed, fails, "
                        "hang_s, drip_s, retry_after")
            except ValueError as exc:
                if isinstance(exc, FaultSpecError):
                    raise
                raise FaultSpecError(f"bad value in fault item {item!r}; "
                                     "shares are numbers from 0 to 1, counts integers") from None
        return cls(**f)

    @property
    def active(self) -> bool:
        return self.bad or any(self.rates.values())

    def kind_for(self, target: str) -> str | None:
        """The fault this target is subject to (ignoring attempts), or None."""
        if not self.rates or target.split("?", 1)[0] in EXEMPT:
            return None
        digest = hashlib.blake2b(f"{self.seed}\0{target}".encode(), digest_size=8).digest()
        u = int.from_bytes(digest, "big") / 2 ** 64
        edge = 0.0
        for kind in TRANSIENT:
            edge += self.rates.get(kind, 0.0)
            if u < edge:
                return kind
        return None

    def decide(self, target: str) -> str | None:
        """The fault to inject for this request (counts the attempt), or None."""
        kind = self.kind_for(target)
        if kind is None:
            return None
        with self._lock:
            attempt = self._attempts.get(target, 0)
            self._attempts[target] = attempt + 1
        return kind if attempt < self.fails else None

    def http_response(self, kind: str):
        """``(status, headers, body)`` of an HTTP-level fault (500, 429, 503)."""
        html = "text/html; charset=UTF-8"
        if kind == "500":
            return 500, [("Content-Type", html)], (
                '<!DOCTYPE html><html lang="vi"><head><meta charset="UTF-8"><title>Lỗi WordPress</title>'
                '</head><body id="error-page"><div class="wp-die-message"><p>Đã xảy ra lỗi nghiêm trọng '
                'trên trang web này.</p></div></body></html>').encode()
        if kind == "429":
            return 429, [("Content-Type", html), ("Retry-After", str(self.retry_after))], (
                "<html><head><title>429 Too Many Requests</title></head><body><center>"
                "<h1>429 Too Many Requests</h1></center><hr><center>nginx</center></body></html>").encode()
        return 503, [("Content-Type", html), ("Retry-After", str(self.retry_after))], (
            '<!DOCTYPE html><html><head><meta charset="UTF-8"><title>Bảo trì</title></head><body>'
            "<h1>Briefly unavailable for scheduled maintenance. Check back in a minute.</h1>"
            "</body></html>").encode()
