"""Enrichment stage: which police units an article is about, its topic tags, and the issue date."""
