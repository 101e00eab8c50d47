"""``python -m crawler`` is ``portal-archive``."""

from crawler.cli import main

main()
