"""What people saw, as plain text: a message the bot posted (its content, embeds, buttons) read
from the sandbox and flattened for a terminal — mentions by name, Discord timestamps in the
workshop's zone (`<t:…:R>` relative to the moment it was read), markdown links spelled out."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.rehearsal.text import Text
from bot.sandbox.sandbox import Sandbox

MENTION = re.compile(r"<(#|@!?|@&)(\d+)>")
STAMP = re.compile(r"<t:(-?\d+)(?::([tTdDfFR]))?>")
LINK = re.compile(r"\[([^\]]+)\]\(<?(https?://[^)>\s]+)>?\)")
STYLES = {"t": "%H:%M", "T": "%H:%M:%S", "d": "%Y-%m-%d"}
INDENT = "    "


class Plain:
    """Flattens the bot's messages in one guild of the sandbox."""

    def __init__(self, sb: Sandbox, guild_id: int, zone: ZoneInfo, text: Text) -> None:
        self.sb = sb
        self.guild_id = guild_id
        self.zone = zone
        self.text = text

    def find(self, message_id: int) -> dict[str, Any] | None:
        """A message by id, in whichever channel or thread it is."""
        for messages in self.sb.state.messages.values():
            found = messages.get(message_id)
            if found is not None:
                return found
        return None

    def lines(self, message: dict[str, Any], now: datetime) -> list[str]:
        """The message as indented plain-text lines."""
        out: list[str] = []
        if message.get("content"):
            out += self._text(message["content"], now)
        for embed in message.get("embeds") or []:
            out += self._embed(embed, now)
        buttons = [
            f"[{_label(c)}]"
            for row in message.get("components") or []
            for c in row.get("components") or []
            if c.get("type") == 2
        ]
        if buttons:
            out.append(" ".join(buttons))
        for attachment in message.get("attachments") or []:
            out.append(f"📎 {attachment.get('filename', '')}")
        return [f"{INDENT}{line}".rstrip() for line in out]

    def _embed(self, embed: dict[str, Any], now: datetime) -> Iterator[str]:
        if embed.get("title"):
            yield from self._text(embed["title"], now)
        if embed.get("description"):
            yield from self._text(embed["description"], now)
        for item in embed.get("fields") or []:
            name = self.plain(str(item.get("name", "")), now)
            value = self._text(str(item.get("value", "")), now)
            colon = self.text("field_sep")
            if len(value) == 1:
                yield f"{name}{colon}{value[0]}"
            else:
                yield f"{name}{colon}".rstrip()
                yield from (f"  {line}" for line in value)
        footer = (embed.get("footer") or {}).get("text")
        if footer:
            yield f"— {self.plain(footer, now)}"

    def _text(self, text: str, now: datetime) -> list[str]:
        return self.plain(text, now).splitlines()

    def plain(self, text: str, now: datetime) -> str:
        text = STAMP.sub(lambda m: self._stamp(int(m[1]), m[2] or "f", now), text)
        text = MENTION.sub(lambda m: self._mention(m[1], int(m[2])), text)
        text = LINK.sub(lambda m: f"{m[1]} ({m[2]})", text)
        return text.replace("**", "").replace("__", "")

    def _stamp(self, epoch: int, style: str, now: datetime) -> str:
        moment = datetime.fromtimestamp(epoch, self.zone)
        if style == "R":
            return self._relative(moment - now)
        return moment.strftime(STYLES.get(style, "%Y-%m-%d %H:%M"))

    def _relative(self, delta: timedelta) -> str:
        minutes = round(delta.total_seconds() / 60)
        if abs(minutes) >= 120:
            hours = round(abs(minutes) / 60)
            return self.text("in_hours" if minutes > 0 else "hours_ago", count=hours)
        if minutes == 0:
            return self.text("now")
        return self.text("in_minutes" if minutes > 0 else "minutes_ago", count=abs(minutes))

    def _mention(self, kind: str, target: int) -> str:
        guild = self.sb.state.guild(self.guild_id)
        if kind == "#":
            channel = guild.channels.get(target) or guild.detached.get(target)
            return f"#{channel['name']}" if channel else self.text("deleted_channel")
        if kind == "@&":
            role = guild.roles.get(target)
            return f"@{role['name']}" if role else "@?"
        member = guild.members.get(target)
        if member is None:
            return "@?"
        user = member.get("user") or {}
        return "@" + str(member.get("nick") or user.get("global_name") or user.get("username"))


def _label(component: dict[str, Any]) -> str:
    emoji = (component.get("emoji") or {}).get("name")
    label = component.get("label") or ""
    return f"{emoji} {label}".strip() if emoji else label
