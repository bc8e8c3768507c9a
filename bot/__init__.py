"""workshop-bot: a Discord bot that runs online research workshops."""

__version__ = "0.1.0"
