"""Spiders of the portal-archive crawler."""
