"""`archive/` is usable without Scrapy: importing it must not import Scrapy or Twisted."""

import subprocess
import sys


def test_archive_does_not_import_scrapy():
    code = (
        "import sys, pkgutil, importlib, archive\n"
        "for m in pkgutil.walk_packages(archive.__path__, 'archive.'):\n"
        "    importlib.import_module(m.name)\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in ('scrapy', 'twisted'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"archive imported: {out.stdout.strip()}"


def test_cli_help_does_not_import_scrapy():
    code = (
        "import sys\n"
        "from crawler.cli import main\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in ('scrapy', 'twisted'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
