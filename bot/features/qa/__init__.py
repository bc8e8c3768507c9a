"""qa: a session's questions with upvotes, and its time signals."""
