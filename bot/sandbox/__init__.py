"""A local fake Discord (REST + gateway on 127.0.0.1) for end-to-end tests and rehearsals."""

from bot.sandbox.errors import ApiError
from bot.sandbox.guilds import SandboxGuild
from bot.sandbox.interactions import InteractionNotAnswered, InteractionResult
from bot.sandbox.recorder import RecordedRequest
from bot.sandbox.sandbox import Sandbox

__all__ = [
    "ApiError",
    "InteractionNotAnswered",
    "InteractionResult",
    "RecordedRequest",
    "Sandbox",
    "SandboxGuild",
]
