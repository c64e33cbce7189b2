"""Management information: the committee and management scorecards and the team worklists, rendered from the
published database. Pure rendering functions; `assets.py` is the thin Dagster layer."""
