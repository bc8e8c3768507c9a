"""Logging to stdout in discord.py's format."""

from __future__ import annotations

import logging
import sys

import discord


def setup_logging(level: str = "INFO") -> None:
    discord.utils.setup_logging(
        handler=logging.StreamHandler(sys.stdout), level=getattr(logging, level), root=True
    )
