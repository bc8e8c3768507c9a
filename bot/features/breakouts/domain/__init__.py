"""Pure rules of breakouts (no discord, no aiosqlite)."""
