"""Site profiles (portals.toml): parsing, validation, settings, and binding an archive to its origin."""

from __future__ import annotations

import pytest
from clirun import invoke_cli

from archive.crawl.outcome import Outcome, parse_outcome
from archive.fleet.egg import build_egg
from archive.fleet.jobs import new_job_id, site_of
from archive.fleet.profiles import ProfileError, bind_archive, load_config, origin


def write(tmp_path, text: str):
    path = tmp_path / "portals.toml"
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """
[defaults]
contact_url = "https://archive.example.org/contact"
delay = 2
concurrency = 1
max_duration = 21600
node = "http://127.0.0.1:6800"

[sites.haiphong]
start_url = "https://thanhphohaiphong.gov.vn/"
aliases = ["http://thanhphohaiphong.gov.vn"]
archive = "archives/haiphong"
settings = { PORTAL_FETCH_AMP = true, RETRY_TIMES = 5 }

[sites.quan-le-chan]
start_url = "https://lechan.haiphong.gov.vn/"
archive = "/srv/archives/lechan"
delay = 5.5
node = "http://127.0.0.2:6800/"
"""


def test_profile_becomes_settings(tmp_path):
    cfg = load_config(write(tmp_path, GOOD))
    hp = cfg.site("haiphong")
    assert hp.archive == str((tmp_path / "archives/haiphong").resolve())  # relative to the file
    assert hp.to_settings() == {
        "PORTAL_SITE": "haiphong",
        "PORTAL_START_URL": "https://thanhphohaiphong.gov.vn/",
        "PORTAL_ARCHIVE_DIR": hp.archive,
        "PORTAL_CONTACT_URL": "https://archive.example.org/contact",
        "DOWNLOAD_DELAY": "2.0",
        "CONCURRENT_REQUESTS_PER_DOMAIN": "1",
        "CLOSESPIDER_TIMEOUT": "21600",
        "PORTAL_ALIASES": "http://thanhphohaiphong.gov.vn=https://thanhphohaiphong.gov.vn",
        "PORTAL_FETCH_AMP": "True",
        "RETRY_TIMES": "5",
    }
    lc = cfg.site("quan-le-chan")
    assert lc.to_settings()["DOWNLOAD_DELAY"] == "5.5"   # the site's own value beats [defaults]
    assert lc.node == "http://127.0.0.2:6800"


@pytest.mark.parametrize("body, message", [
    ('[sites.a]\nstart_url = "http://x.vn/"\narchive = "a"\ndelai = 1\n', "did you mean 'delay'"),
    ('[sites.a]\nstart_url = "http://x.vn/"\narchive = "a"\ndelay = "fast"\n', "delay must be float"),
    ('[sites.a]\nstart_url = "http://x.vn/"\narchive = "a"\nconcurrency = 0\n', "at least 1"),
    ('[sites.a]\nstart_url = "x.vn"\narchive = "a"\n', "not an http(s) URL"),
    ('[sites.a]\narchive = "a"\n', "start_url is missing"),
    ('[sites.A]\nstart_url = "http://x.vn/"\narchive = "a"\n', "lower-case"),
    (('[sites.a]\nstart_url = "http://x.vn/"\narchive = "same"\n'
      '[sites.b]\nstart_url = "http://y.vn/"\narchive = "same"\n'), "share the archive"),
    ('[site.a]\nstart_url = "http://x.vn/"\n', "unknown table"),
    ('[sites.a\n', "not valid TOML"),
])
def test_bad_profiles_are_usage_errors(tmp_path, body, message):
    with pytest.raises(ProfileError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_config(write(tmp_path, body))


def test_unknown_site_names_the_known_ones(tmp_path):
    cfg = load_config(write(tmp_path, GOOD))
    with pytest.raises(ProfileError, match="haiphong, quan-le-chan"):
        cfg.site("haiphon")


def test_origin_is_scheme_host_port():
    assert origin("https://Thanhphohaiphong.gov.vn./a") == "https://thanhphohaiphong.gov.vn:443"
    assert origin("http://127.0.0.1:8080/") == "http://127.0.0.1:8080"
    assert origin("http://[::1]/") == "http://[::1]:80"


def archive_of(root, *origins: str):
    """An archive whose ``origins`` table holds these origins (the first one primary)."""
    from archive.db import open_db, utcnow

    conn = open_db(root / "archive.sqlite")
    for o in origins:
        conn.execute("INSERT INTO origins(origin, canonical, added_at) VALUES (?, ?, ?)",
                     (o, origins[0], utcnow()))
    conn.close()


def test_archive_refuses_a_profile_that_moves_it(tmp_path):
    (tmp_path / "arch").mkdir()
    def site(start, aliases=""):
        return load_config(write(tmp_path, f'[sites.a]\nstart_url = "{start}"\narchive = "arch"\n'
                                           f"{aliases}")).site("a")
    bind_archive(site("http://other.vn/"))  # a new archive: any start URL
    archive_of(tmp_path / "arch", "http://portal.vn")
    bind_archive(site("http://portal.vn/"))
    bind_archive(site("https://portal.vn/"))  # the scheme twin on the default port: the same site
    with pytest.raises(ProfileError, match='add "http://portal.vn" to the site'):
        bind_archive(site("http://portal.vn:8080/"))
    with pytest.raises(ProfileError, match="give the site its own archive"):
        bind_archive(site("http://other.vn/"))
    bind_archive(site("http://new.portal.vn/", 'aliases = ["http://portal.vn"]\n'))  # a declared move


def test_crawl_site_errors_are_one_line(tmp_path):
    cfg = write(tmp_path, '[sites.a]\nstart_url = "http://portal.vn/"\narchive = "arch"\n')
    proc = invoke_cli("crawl", "--site", "b", "--config", str(cfg))
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        f"error: no site 'b' in {cfg} (sites: a) — check the name or add a [sites.NAME] table"]
    proc = invoke_cli("crawl", "--site", "a", "--archive", "x", "--config", str(cfg))
    assert proc.returncode == 2 and "drop --archive" in proc.stderr and "Traceback" not in proc.stderr


def test_outcome_line_round_trips():
    out = Outcome(site="a", job="a.1", exit_code=75, status="refused", message="held by pid 7")
    log = "2026-12-06 INFO: something\n" + out.line() + "\n"
    assert parse_outcome(log) == out
    assert parse_outcome("no outcome here\n") is None


def test_job_ids_name_their_site():
    job = new_job_id("quan-le-chan")
    assert site_of(job) == "quan-le-chan"


def test_egg_holds_the_project_and_its_scrapy_entry_point():
    import io
    import zipfile

    egg = zipfile.ZipFile(io.BytesIO(build_egg("123")))
    names = set(egg.namelist())
    assert {"crawler/settings.py", "archive/parser/__init__.py", "replica/server.py",
            "crawler/spiders/portal.py"} <= names
    assert not any("__pycache__" in n for n in names)
    assert egg.read("EGG-INFO/entry_points.txt").decode() == "[scrapy]\nsettings = crawler.settings\n"


def test_shipped_example_config_loads():
    from pathlib import Path

    cfg = load_config(Path(__file__).parents[1] / "deploy" / "portals.toml.example")
    assert set(cfg.sites) == {"haiphong", "haiphong-gov"}
    assert cfg.site("haiphong").alias_pairs() == ["http://thanhphohaiphong.gov.vn=https://thanhphohaiphong.gov.vn"]


@pytest.mark.slow  # runs systemd-analyze
def test_scrapyd_unit_verifies(tmp_path):
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    assert shutil.which("systemd-analyze"), "systemd-analyze is missing: run .ci/install-system-packages"
    unit = (Path(__file__).parents[1] / "deploy" / "scrapyd.service").read_text()
    exe = Path(sys.executable).with_name("scrapyd")
    (tmp_path / "scrapyd.service").write_text(unit.replace("/opt/portal-archive/.venv/bin/scrapyd", str(exe)))
    proc = subprocess.run(["systemd-analyze", "verify", str(tmp_path / "scrapyd.service")],
                          capture_output=True, text=True)
    problems = [ln for ln in (proc.stdout + proc.stderr).splitlines() if "scrapyd.service" in ln]
    assert proc.returncode == 0 and not problems, proc.stdout + proc.stderr
