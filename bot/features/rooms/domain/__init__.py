"""The pure part of the rooms feature: topic rooms and the live room board (no discord, no
aiosqlite)."""
