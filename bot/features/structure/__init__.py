"""The base structure of a workshop guild: `/workshop setup` and `/workshop status`."""
