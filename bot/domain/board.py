"""What the live room board in #lobby shows. Filled in as sessions and topic rooms arrive."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class BoardRoom(BaseModel):
    model_config = ConfigDict(frozen=True)
    channel_id: int
    title: str
    occupants: tuple[str, ...] = ()


class RoomBoard(BaseModel):
    model_config = ConfigDict(frozen=True)
    running_sessions: tuple[BoardRoom, ...] = ()
    rooms: tuple[BoardRoom, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.running_sessions and not self.rooms
