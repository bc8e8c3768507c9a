"""The feedback feature's pure rules (no discord, no aiosqlite)."""
