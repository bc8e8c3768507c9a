"""Topic rooms anyone can open, and the live room board in the lobby that shows who is where."""
