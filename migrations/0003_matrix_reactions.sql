-- Sign-ups made by reacting to the bot's campaign message on Matrix: removing the reaction
-- (a redaction of this event) withdraws the sign-up, so the reaction's event id is kept.
CREATE TABLE reaction_signups (
    platform    TEXT   NOT NULL,
    reaction_id TEXT   NOT NULL,
    user_id     TEXT   NOT NULL,
    campaign    TEXT   NOT NULL,
    action      TEXT   NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (platform, reaction_id)
);
CREATE INDEX reaction_signups_by_user ON reaction_signups (platform, user_id);
