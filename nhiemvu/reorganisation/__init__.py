"""Mergers and renames of organisations: open work and accounts move to the successor."""
