-- Processes sharing the database act as one system.
-- Each alert subject's last alert (an opportunity's link and direction, a system-wide
-- condition) and its state: a process delivers an alert only when its claim changes this row,
-- so an event seen by two processes is delivered once.
CREATE TABLE alert_claims (
    subject    TEXT NOT NULL PRIMARY KEY,
    state      TEXT NOT NULL,
    profit     INTEGER,
    claimed_at TEXT NOT NULL
);
-- Every running process's services: a heartbeat every few seconds and the last pass finished,
-- so any process can tell a dead or stuck service.
CREATE TABLE service_heartbeats (
    service     TEXT NOT NULL,
    holder      TEXT NOT NULL,
    status      TEXT NOT NULL,
    restarts    INTEGER NOT NULL,
    last_error  TEXT,
    beat_at     TEXT NOT NULL,
    progress_at TEXT,
    period_ms   INTEGER NOT NULL,
    PRIMARY KEY (service, holder)
);
