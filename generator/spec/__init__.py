"""Spec in: load files, merge fragments, fetch remote refs, resolve and validate."""
