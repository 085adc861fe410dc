-- Reminders: where they go, and the ledger that makes each one go out exactly once.

-- Channels organizers subscribed from chat (`remind here`). channel is 'discord:<id>',
-- 'matrix:<room id>' or 'console:<name>'; meeting is a meeting's slug or '*' for every meeting
-- and campaign deadline.
CREATE TABLE subscriptions (
    channel    TEXT   NOT NULL,
    meeting    TEXT   NOT NULL,
    locale     TEXT   NOT NULL,
    created_by TEXT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (channel, meeting)
);

-- One row per reminder ever claimed. key is the idempotency key derived from the reminder's
-- identity (what, which occurrence, lead time, channel); identity is kept readable for logs.
-- state: 'claimed' (a process holds it until lease_until), 'sent', 'missed', 'failed'.
CREATE TABLE reminder_ledger (
    key         TEXT   PRIMARY KEY,
    identity    TEXT   NOT NULL,
    channel     TEXT   NOT NULL,
    due_at      BIGINT NOT NULL,
    state       TEXT   NOT NULL,
    claimed_by  TEXT,
    lease_until BIGINT,
    attempts    BIGINT NOT NULL,
    note        TEXT,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX reminder_ledger_due ON reminder_ledger (due_at);
