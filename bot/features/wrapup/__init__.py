"""The end of the workshop: wrap-up (places locked, events completed, jobs cancelled, a
thank-you, the archive) and the optional teardown of what the bot created."""
