-- Portable SQL: the same file runs on SQLite and PostgreSQL. Instants are BIGINT
-- milliseconds since the Unix epoch (UTC); local dates and times are ISO 8601 text.

-- A person on one platform. The same person on Discord and Matrix is two rows unless an
-- organizer links them through person_id (reserved for that; not used yet).
CREATE TABLE users (
    platform     TEXT   NOT NULL,
    user_id      TEXT   NOT NULL,
    display_name TEXT   NOT NULL,
    person_id    TEXT,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (platform, user_id)
);

-- Who signed up to act. action = '' is the campaign in general. A withdrawal keeps the row
-- with withdrawn_at set; signing up again clears it.
CREATE TABLE signups (
    platform     TEXT   NOT NULL,
    user_id      TEXT   NOT NULL,
    campaign     TEXT   NOT NULL,
    action       TEXT   NOT NULL,
    signed_up_at BIGINT NOT NULL,
    withdrawn_at BIGINT,
    PRIMARY KEY (platform, user_id, campaign, action),
    FOREIGN KEY (platform, user_id) REFERENCES users (platform, user_id) ON DELETE CASCADE
);
CREATE INDEX signups_by_campaign ON signups (campaign, action, withdrawn_at);

-- Organizers' changes to single occurrences: the regular local date of the occurrence and
-- what happened to it. created_by is 'platform:user id', erased with that user.
CREATE TABLE occurrence_changes (
    meeting         TEXT   NOT NULL,
    occurrence_date TEXT   NOT NULL,
    kind            TEXT   NOT NULL,
    moved_to        TEXT,
    created_by      TEXT,
    created_at      BIGINT NOT NULL,
    PRIMARY KEY (meeting, occurrence_date)
);

-- One-off meetings added in chat.
CREATE TABLE extra_meetings (
    slug             TEXT   PRIMARY KEY,
    title            TEXT   NOT NULL,
    starts_local     TEXT   NOT NULL,
    duration_minutes BIGINT NOT NULL,
    time_zone        TEXT   NOT NULL,
    created_by       TEXT,
    created_at       BIGINT NOT NULL
);
