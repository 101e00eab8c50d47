"""The Scrapy project of portal-archive, and its command-line interface.

Importing this package does not import Scrapy: the CLI loads it only in the
commands that crawl.
"""
