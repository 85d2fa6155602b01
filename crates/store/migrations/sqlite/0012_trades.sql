-- Opportunities taken (paper or live): one row per trade with its orders and result as JSON,
-- and one row per fill, named by its own id so that writing it again (a retry, a replay of the
-- write spool) finds the row instead of adding one.
CREATE TABLE trades (
    trade_id    TEXT PRIMARY KEY,
    mode        TEXT NOT NULL,
    link_id     INTEGER NOT NULL,
    status      TEXT NOT NULL,
    decided_at  TEXT NOT NULL,
    payload     TEXT NOT NULL
);
CREATE INDEX trades_decided_at ON trades (decided_at);
CREATE TABLE fills (
    fill_id   TEXT PRIMARY KEY,
    trade_id  TEXT NOT NULL,
    order_id  TEXT NOT NULL,
    mode      TEXT NOT NULL,
    venue     TEXT NOT NULL,
    market    TEXT NOT NULL,
    at        TEXT NOT NULL,
    payload   TEXT NOT NULL
);
CREATE INDEX fills_at ON fills (at);
-- Switches an operator sets while processes run (the execution kill switch): each process
-- reads them every few seconds.
CREATE TABLE controls (
    name    TEXT PRIMARY KEY,
    value   TEXT NOT NULL,
    set_by  TEXT NOT NULL,
    set_at  TEXT NOT NULL
);
