-- What convoca keeps to reach a person on their own: RSVPs, their personal-reminder choices,
-- the direct channel it opened with them, and the token of their private calendar feed.

-- users gains what personal messages need, all about this one account:
--   locale         the language of their last command ('en', 'es'), for messages to them;
--   member         1 when, at their last RSVP or sign-up, they belonged to the group's home
--                  (members-only links go only to them);
--   reminders_off  when they turned personal reminders off (NULL: on);
--   direct_channel the DM channel (Discord) or direct room (Matrix) opened with them, once;
--   unreachable_at when the platform refused to deliver to them (DMs closed); cleared when
--                  they next talk to the bot.
ALTER TABLE users ADD COLUMN locale TEXT;
ALTER TABLE users ADD COLUMN member BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN reminders_off BIGINT;
ALTER TABLE users ADD COLUMN direct_channel TEXT;
ALTER TABLE users ADD COLUMN unreachable_at BIGINT;

-- Who is going to one occurrence of a meeting (going = 1) or said they cannot (going = 0).
-- occurrence_date is the occurrence's regular local date: its identity, kept when it moves,
-- so an RSVP follows its occurrence to the new time.
CREATE TABLE rsvps (
    platform        TEXT   NOT NULL,
    user_id         TEXT   NOT NULL,
    meeting         TEXT   NOT NULL,
    occurrence_date TEXT   NOT NULL,
    going           BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    PRIMARY KEY (platform, user_id, meeting, occurrence_date),
    FOREIGN KEY (platform, user_id) REFERENCES users (platform, user_id) ON DELETE CASCADE
);
CREATE INDEX rsvps_by_occurrence ON rsvps (meeting, occurrence_date, going);

-- A person's private calendar feed: /me/<token>.ics. One per account; a reset replaces it.
CREATE TABLE feed_tokens (
    token      TEXT   PRIMARY KEY,
    platform   TEXT   NOT NULL,
    user_id    TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    FOREIGN KEY (platform, user_id) REFERENCES users (platform, user_id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX feed_tokens_by_user ON feed_tokens (platform, user_id);

-- Personal reminders go to 'platform:@user' in the ledger; forgetting a person erases them.
CREATE INDEX reminder_ledger_channel ON reminder_ledger (channel);
