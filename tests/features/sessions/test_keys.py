"""The sessions' purpose keys: built and read in one module, the same strings as before."""

from bot.features.sessions import keys


def test_the_keys_are_the_stored_strings() -> None:
    assert keys.channel_purpose(12) == "session:12:channel"
    assert keys.event_purpose(12) == "session:12:event"
    assert keys.day_purpose("2026-07-01", 2) == "day:2026-07-01:2"
    assert keys.PREFIXES == ("session:", "day:")
    assert all(keys.day_purpose("2026-07-01", 1).startswith(p) for p in keys.PREFIXES[1:])


def test_reading_a_key_back() -> None:
    assert keys.parse(keys.channel_purpose(7)) == keys.SessionKey(7, keys.CHANNEL)
    assert keys.parse(keys.event_purpose(7)) == keys.SessionKey(7, keys.EVENT)
    assert keys.channel_session(keys.channel_purpose(7)) == 7
    assert keys.channel_session(keys.event_purpose(7)) is None
    for other in ("room:7:channel", "day:2026-07-01:1", "session:x:channel", "session:7", ""):
        assert keys.parse(other) is None
        assert keys.channel_session(other) is None
