"""Intake: following feeds and sitemaps (fetch, sources, watch)."""
