-- What members did that made or removed Discord objects (poster claims and releases, ...), for
-- the per-member limits (bot/core/ratelimit.py). Rows older than the longest limit window are
-- pruned as new ones come.
CREATE TABLE member_actions (
    id       INTEGER PRIMARY KEY,
    guild_id INTEGER NOT NULL,
    user_id  INTEGER NOT NULL,
    action   TEXT    NOT NULL,
    at       INTEGER NOT NULL
) STRICT;

CREATE INDEX member_actions_by_member ON member_actions (guild_id, user_id, action, at);
