"""The posters feature's pure part: boards (claims, limits, names) and poster files."""
