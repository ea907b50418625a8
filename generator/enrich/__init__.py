"""Enrich stage: units (units.py), tags (tags.py) and issue dates (dates.py); issues.py runs them."""
