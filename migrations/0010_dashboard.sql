-- The organizers' dashboard: the one-time links the bot sends an organizer privately, and the
-- browser sessions they open. Each belongs to one group (grp, as in 0009): an organizer of one
-- group opens nothing of another's. Only the SHA-256 (hex) of each secret is stored, so a
-- copy of the database, a backup or a log of its statements opens nothing.

-- A link: made by `/dashboard` for one person of one group, good once until expires_at.
--   locale   the language the person asked in, for the page the link opens;
--   used_at  when it opened a session (NULL: not yet). Redeeming sets it in the same
--            statement that checks it is NULL, so a link opens one session at most.
CREATE TABLE dashboard_links (
    token_hash TEXT   PRIMARY KEY,
    grp        TEXT   NOT NULL DEFAULT '',
    platform   TEXT   NOT NULL,
    user_id    TEXT   NOT NULL,
    locale     TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);
CREATE INDEX dashboard_links_by_person ON dashboard_links (platform, user_id, grp);
CREATE INDEX dashboard_links_by_expiry ON dashboard_links (expires_at);

-- A session: what a browser's cookie opens, until expires_at (a fixed lifetime from when it
-- was opened, never extended).
--   checked_at  when the person's standing in the group's home was last read and found to
--               be an organizer's (at first, when the link was made): read again while the
--               session lasts, and the session ends when it is no longer.
CREATE TABLE dashboard_sessions (
    id_hash    TEXT   PRIMARY KEY,
    grp        TEXT   NOT NULL DEFAULT '',
    platform   TEXT   NOT NULL,
    user_id    TEXT   NOT NULL,
    locale     TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    checked_at BIGINT NOT NULL
);
CREATE INDEX dashboard_sessions_by_person ON dashboard_sessions (platform, user_id, grp);
CREATE INDEX dashboard_sessions_by_expiry ON dashboard_sessions (expires_at);
