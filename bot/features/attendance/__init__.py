"""Voice attendance: who was in which session for how long, reports, exports, privacy."""
