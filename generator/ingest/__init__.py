"""Ingest stage: raw seeds -> split issues (decoding, splitting into articles, bylines, titles)."""
