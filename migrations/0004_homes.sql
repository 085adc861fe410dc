-- The group's home: where each organizer record was made, and Matrix home-room aliases pinned
-- to the room they first resolved to.

-- origin is 'discord:<server id>', 'matrix:<room id>', '<platform>:dm' (the bot's direct
-- chat) or 'console'; NULL for rows made before homes were declared. Rows whose origin is not
-- a current home are listed in the log at start.
ALTER TABLE occurrence_changes ADD COLUMN origin TEXT;
ALTER TABLE extra_meetings ADD COLUMN origin TEXT;
ALTER TABLE subscriptions ADD COLUMN origin TEXT;

-- A home room named by alias: the room id it resolved to the first time. Anyone on that
-- homeserver could claim a freed alias, so a later resolution to another room is refused.
CREATE TABLE pinned_aliases (
    alias      TEXT   PRIMARY KEY,
    room_id    TEXT   NOT NULL,
    pinned_at  BIGINT NOT NULL
);
