"""Breakouts: a session split into voice rooms for a while, everyone called back on time."""
