-- From "I'll do it" to "I did it": what each person said they did, places and waitlists.

-- signups gain, for each sign-up:
--   outcome     what the person said: 'done', 'not_yet', 'couldnt' (NULL: no answer yet);
--   outcome_at  when they said it;
--   waitlisted  1 while they wait for a place (an action with a capacity), 0 with a place;
--   arrival     the order sign-ups for an action with a capacity committed in: the waitlist's
--               order (taken from action_places, which also makes them queue one at a time).
ALTER TABLE signups ADD COLUMN outcome TEXT;
ALTER TABLE signups ADD COLUMN outcome_at BIGINT;
ALTER TABLE signups ADD COLUMN waitlisted BIGINT NOT NULL DEFAULT 0;
ALTER TABLE signups ADD COLUMN arrival BIGINT;
-- The places of an action, counted (and the line read) inside its turn, from the index alone.
CREATE INDEX signups_places ON signups (campaign, action, waitlisted, arrival) WHERE withdrawn_at IS NULL;

-- One row per action with a capacity. Every change to its places updates this row first,
-- so concurrent sign-ups, withdrawals and offers for one action take turns (on PostgreSQL
-- the row's lock; on SQLite the write lock) and the counter orders arrivals.
CREATE TABLE action_places (
    campaign TEXT   NOT NULL,
    action   TEXT   NOT NULL,
    arrivals BIGINT NOT NULL,
    PRIMARY KEY (campaign, action)
);

-- A place offered to the first person waiting. state: 'open' until expires_at, then
-- 'expired'; 'accepted', 'declined', or 'withdrawn' (they left the waitlist meanwhile).
-- The offer's identity (its action, person and offered_at) keys its message in the ledger.
CREATE TABLE place_offers (
    campaign    TEXT   NOT NULL,
    action      TEXT   NOT NULL,
    platform    TEXT   NOT NULL,
    user_id     TEXT   NOT NULL,
    offered_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    state       TEXT   NOT NULL,
    answered_at BIGINT,
    PRIMARY KEY (campaign, action, platform, user_id, offered_at),
    FOREIGN KEY (platform, user_id) REFERENCES users (platform, user_id) ON DELETE CASCADE
);
CREATE INDEX place_offers_open ON place_offers (state, expires_at);

-- When this database first ran a feature that sends messages about the past (follow-ups
-- after a deadline): nothing due before then is sent, so deploying it messages nobody.
CREATE TABLE features (
    name  TEXT   PRIMARY KEY,
    since BIGINT NOT NULL
);
