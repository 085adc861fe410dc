-- Several groups from one deployment: every row that belongs to one group of an organization
-- says which (grp: the group's folder name). Rows from before groups get '' (the single group
-- of a one-group content folder), so a deployment that stays one group sees nothing change;
-- `convoca migrate --into-group SLUG` moves them into a named group. The tables are rebuilt
-- because their primary keys gain the group: two groups may name a campaign or meeting alike.

CREATE TABLE signups_g (
    grp          TEXT   NOT NULL DEFAULT '',
    platform     TEXT   NOT NULL,
    user_id      TEXT   NOT NULL,
    campaign     TEXT   NOT NULL,
    action       TEXT   NOT NULL,
    signed_up_at BIGINT NOT NULL,
    withdrawn_at BIGINT,
    outcome      TEXT,
    outcome_at   BIGINT,
    waitlisted   BIGINT NOT NULL DEFAULT 0,
    arrival      BIGINT,
    PRIMARY KEY (grp, platform, user_id, campaign, action),
    FOREIGN KEY (platform, user_id) REFERENCES users (platform, user_id) ON DELETE CASCADE
);
INSERT INTO signups_g (grp, platform, user_id, campaign, action, signed_up_at, withdrawn_at, outcome, outcome_at, waitlisted, arrival)
    SELECT '', platform, user_id, campaign, action, signed_up_at, withdrawn_at, outcome, outcome_at, waitlisted, arrival FROM signups;
DROP TABLE signups;
ALTER TABLE signups_g RENAME TO signups;
CREATE INDEX signups_by_campaign ON signups (grp, campaign, action, withdrawn_at);
CREATE INDEX signups_places ON signups (grp, campaign, action, waitlisted, arrival) WHERE withdrawn_at IS NULL;
CREATE INDEX signups_by_user ON signups (platform, user_id);

CREATE TABLE occurrence_changes_g (
    grp             TEXT   NOT NULL DEFAULT '',
    meeting         TEXT   NOT NULL,
    occurrence_date TEXT   NOT NULL,
    kind            TEXT   NOT NULL,
    moved_to        TEXT,
    created_by      TEXT,
    created_at      BIGINT NOT NULL,
    origin          TEXT,
    PRIMARY KEY (grp, meeting, occurrence_date)
);
INSERT INTO occurrence_changes_g (grp, meeting, occurrence_date, kind, moved_to, created_by, created_at, origin)
    SELECT '', meeting, occurrence_date, kind, moved_to, created_by, created_at, origin FROM occurrence_changes;
DROP TABLE occurrence_changes;
ALTER TABLE occurrence_changes_g RENAME TO occurrence_changes;

CREATE TABLE extra_meetings_g (
    grp              TEXT   NOT NULL DEFAULT '',
    slug             TEXT   NOT NULL,
    title            TEXT   NOT NULL,
    starts_local     TEXT   NOT NULL,
    duration_minutes BIGINT NOT NULL,
    time_zone        TEXT   NOT NULL,
    created_by       TEXT,
    created_at       BIGINT NOT NULL,
    origin           TEXT,
    PRIMARY KEY (grp, slug)
);
INSERT INTO extra_meetings_g (grp, slug, title, starts_local, duration_minutes, time_zone, created_by, created_at, origin)
    SELECT '', slug, title, starts_local, duration_minutes, time_zone, created_by, created_at, origin FROM extra_meetings;
DROP TABLE extra_meetings;
ALTER TABLE extra_meetings_g RENAME TO extra_meetings;

CREATE TABLE subscriptions_g (
    grp        TEXT   NOT NULL DEFAULT '',
    channel    TEXT   NOT NULL,
    meeting    TEXT   NOT NULL,
    locale     TEXT   NOT NULL,
    created_by TEXT,
    created_at BIGINT NOT NULL,
    origin     TEXT,
    PRIMARY KEY (grp, channel, meeting)
);
INSERT INTO subscriptions_g (grp, channel, meeting, locale, created_by, created_at, origin)
    SELECT '', channel, meeting, locale, created_by, created_at, origin FROM subscriptions;
DROP TABLE subscriptions;
ALTER TABLE subscriptions_g RENAME TO subscriptions;

CREATE TABLE reaction_signups_g (
    grp         TEXT   NOT NULL DEFAULT '',
    platform    TEXT   NOT NULL,
    reaction_id TEXT   NOT NULL,
    user_id     TEXT   NOT NULL,
    campaign    TEXT   NOT NULL,
    action      TEXT   NOT NULL,
    created_at  BIGINT NOT NULL,
    message_id  TEXT,
    PRIMARY KEY (platform, reaction_id)
);
INSERT INTO reaction_signups_g (grp, platform, reaction_id, user_id, campaign, action, created_at, message_id)
    SELECT '', platform, reaction_id, user_id, campaign, action, created_at, message_id FROM reaction_signups;
DROP TABLE reaction_signups;
ALTER TABLE reaction_signups_g RENAME TO reaction_signups;
CREATE INDEX reaction_signups_by_user ON reaction_signups (platform, user_id);
CREATE INDEX reaction_signups_by_message ON reaction_signups (platform, message_id);

CREATE TABLE rsvps_g (
    grp             TEXT   NOT NULL DEFAULT '',
    platform        TEXT   NOT NULL,
    user_id         TEXT   NOT NULL,
    meeting         TEXT   NOT NULL,
    occurrence_date TEXT   NOT NULL,
    going           BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    PRIMARY KEY (grp, platform, user_id, meeting, occurrence_date),
    FOREIGN KEY (platform, user_id) REFERENCES users (platform, user_id) ON DELETE CASCADE
);
INSERT INTO rsvps_g (grp, platform, user_id, meeting, occurrence_date, going, updated_at)
    SELECT '', platform, user_id, meeting, occurrence_date, going, updated_at FROM rsvps;
DROP TABLE rsvps;
ALTER TABLE rsvps_g RENAME TO rsvps;
CREATE INDEX rsvps_by_occurrence ON rsvps (grp, meeting, occurrence_date, going);

CREATE TABLE action_places_g (
    grp      TEXT   NOT NULL DEFAULT '',
    campaign TEXT   NOT NULL,
    action   TEXT   NOT NULL,
    arrivals BIGINT NOT NULL,
    PRIMARY KEY (grp, campaign, action)
);
INSERT INTO action_places_g (grp, campaign, action, arrivals)
    SELECT '', campaign, action, arrivals FROM action_places;
DROP TABLE action_places;
ALTER TABLE action_places_g RENAME TO action_places;

CREATE TABLE place_offers_g (
    grp         TEXT   NOT NULL DEFAULT '',
    campaign    TEXT   NOT NULL,
    action      TEXT   NOT NULL,
    platform    TEXT   NOT NULL,
    user_id     TEXT   NOT NULL,
    offered_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    state       TEXT   NOT NULL,
    answered_at BIGINT,
    PRIMARY KEY (grp, campaign, action, platform, user_id, offered_at),
    FOREIGN KEY (platform, user_id) REFERENCES users (platform, user_id) ON DELETE CASCADE
);
INSERT INTO place_offers_g (grp, campaign, action, platform, user_id, offered_at, expires_at, state, answered_at)
    SELECT '', campaign, action, platform, user_id, offered_at, expires_at, state, answered_at FROM place_offers;
DROP TABLE place_offers;
ALTER TABLE place_offers_g RENAME TO place_offers;
CREATE INDEX place_offers_open ON place_offers (state, expires_at);

-- Someone in several groups chooses which one the bot's direct chat answers for (`/group`).
ALTER TABLE users ADD COLUMN direct_group TEXT;
