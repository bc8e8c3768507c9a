"""`/help` and the guide pinned in #help."""
