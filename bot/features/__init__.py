"""One package per capability of the bot; each has `wire.py` returning its `Feature`."""
