"""A small client for Scrapyd's JSON API (deploy, schedule, list jobs, read logs).

Only the standard library: the CLI calls it without importing Scrapy. Every
failure becomes an ``ArchiveError`` that names the node and what to do.
A node URL may carry ``user:password@`` for Scrapyd's basic authentication.
"""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode, urljoin, urlsplit, urlunsplit
from urllib.request import Request, urlopen

from archive.errors import ArchiveError

TIMEOUT = 30.0            # seconds for one API call
LOG_TAIL_BYTES = 64 * 1024  # the outcome line is the log's last line


class NodeError(ArchiveError):
    pass


@dataclass(frozen=True)
class Node:
    url: str  # as written in the profile, maybe with user:password@

    @property
    def base(self) -> str:
        p = urlsplit(self.url)
        host = p.hostname or ""
        if ":" in host:
            host = f"[{host}]"
        netloc = host + (f":{p.port}" if p.port else "")
        return urlunsplit((p.scheme, netloc, p.path.rstrip("/") + "/", "", ""))

    @property
    def label(self) -> str:
        return self.base.rstrip("/")

    def _headers(self) -> dict[str, str]:
        p = urlsplit(self.url)
        if p.username:
            token = base64.b64encode(f"{p.username}:{p.password or ''}".encode()).decode()
            return {"Authorization": f"Basic {token}"}
        return {}

    def _call(self, path: str, *, data: bytes | None = None, headers: dict | None = None,
              raw: bool = False, method: str | None = None):
        url = urljoin(self.base, path.lstrip("/"))
        hdrs = {**self._headers(), **(headers or {})}
        req = Request(url, data=data, headers=hdrs, method=method or ("POST" if data is not None else "GET"))
        try:
            with urlopen(req, timeout=TIMEOUT) as resp:
                if method == "HEAD":
                    return resp.headers
                body = resp.read()
        except HTTPError as exc:
            raise NodeError(f"Scrapyd node {self.label} answered {exc.code} for {path} — "
                            "check the node URL and its credentials") from None
        except (URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise NodeError(f"Scrapyd node {self.label} is unreachable ({reason}) — start scrapyd "
                            "there (see docs/scheduling.md) or fix the node in portals.toml") from None
        if raw:
            return body
        try:
            doc = json.loads(body)
        except ValueError:
            raise NodeError(f"Scrapyd node {self.label} sent no JSON for {path} — is it Scrapyd?") from None
        if doc.get("status") != "ok":
            raise NodeError(f"Scrapyd node {self.label} refused {path}: {doc.get('message', doc)}")
        return doc

    # -- the API -------------------------------------------------------------------
    def add_version(self, project: str, version: str, egg: bytes) -> dict:
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in (("project", project), ("version", version)):
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                         f"{value}\r\n".encode())
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="egg"; '
                     f'filename="{project}.egg"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
                     + egg + b"\r\n")
        parts.append(f"--{boundary}--\r\n".encode())
        return self._call("addversion.json", data=b"".join(parts),
                          headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})

    def schedule(self, project: str, spider: str, settings: dict[str, str], jobid: str) -> str:
        fields = [("project", project), ("spider", spider), ("jobid", jobid)]
        fields += [("setting", f"{k}={v}") for k, v in settings.items()]
        doc = self._call("schedule.json", data=urlencode(fields).encode(),
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
        return doc["jobid"]

    def list_jobs(self, project: str) -> dict:
        try:
            return self._call("listjobs.json?" + urlencode({"project": project}))
        except NodeError as exc:
            if "not found" in str(exc):  # nothing deployed there yet
                return {"pending": [], "running": [], "finished": []}
            raise

    def log_tail(self, log_url: str) -> str:
        """The last LOG_TAIL_BYTES of a job's log (a long crawl's log is large)."""
        size = int(self._call(log_url, method="HEAD").get("Content-Length") or 0)
        headers = {"Range": f"bytes={size - LOG_TAIL_BYTES}-"} if size > LOG_TAIL_BYTES else None
        return self._call(log_url, raw=True, headers=headers).decode("utf-8", "replace")
