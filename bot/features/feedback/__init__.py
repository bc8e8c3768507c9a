"""Feedback on sessions: ratings 1-5 with a comment from the people who attended, and reports."""
