-- The voice session (Discord's voice state `session_id`) a stay began in, kept only while the
-- stay is open (NULL once it ends). It stays the same while a person moves between channels
-- and changes when they leave voice and join again, so after a restart the bot can tell a
-- person who never left (their stay goes on, one continuous row) from one who left and came
-- back while it was down (their stay ends at the last sign of life, and a new one begins).
ALTER TABLE attendance ADD COLUMN voice_session TEXT;

-- `attendance_heartbeat.beat_at` is now written with every committed batch and every few
-- seconds while idle: the last moment the bot vouches for (its last sign of life).
