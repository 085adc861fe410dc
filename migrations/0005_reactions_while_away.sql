-- The message a sign-up reaction was on, so that a reaction removed while the bot was away is
-- noticed when it starts again (rows from before this have none and are left as they are).
ALTER TABLE reaction_signups ADD COLUMN message_id TEXT;
CREATE INDEX reaction_signups_by_message ON reaction_signups (platform, message_id);

-- When each platform's adapter was last seen running: reactions newer than this, found at
-- start, were made while it was away; older ones are history, never applied again.
CREATE TABLE platform_seen (
    platform TEXT   PRIMARY KEY,
    seen_at  BIGINT NOT NULL
);
