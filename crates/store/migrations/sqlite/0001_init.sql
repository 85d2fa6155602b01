-- crossbook schema, SQLite. Timestamps are RFC 3339 UTC text; money is integer millionths.

CREATE TABLE markets (
    venue               TEXT    NOT NULL,
    market_id           TEXT    NOT NULL,
    event_id            TEXT    NOT NULL,
    kalshi_event_ticker TEXT,
    condition_id        TEXT,
    series              TEXT,
    title               TEXT    NOT NULL,
    subtitle            TEXT,
    derived_topic       TEXT    NOT NULL,
    league              TEXT,
    participants        TEXT    NOT NULL DEFAULT '[]',
    kind                TEXT    NOT NULL,
    line_x100           INTEGER,
    outcomes            TEXT    NOT NULL DEFAULT '[]',
    status              TEXT    NOT NULL,
    open_time           TEXT,
    close_time          TEXT,
    starts_at           TEXT,
    is_mve              BOOLEAN NOT NULL DEFAULT FALSE,
    fees                TEXT    NOT NULL DEFAULT '{"type":"free"}',
    rules               TEXT,
    raw                 TEXT    NOT NULL,
    first_seen          TEXT    NOT NULL,
    last_seen           TEXT    NOT NULL,
    closed_at           TEXT,
    PRIMARY KEY (venue, market_id)
);
CREATE INDEX markets_sports_non_mve ON markets (venue, derived_topic)
    WHERE derived_topic = 'sports' AND is_mve = FALSE;
CREATE INDEX markets_kalshi_event ON markets (kalshi_event_ticker)
    WHERE kalshi_event_ticker IS NOT NULL;
CREATE INDEX markets_open_sports_close ON markets (close_time)
    WHERE derived_topic = 'sports' AND status = 'open';
CREATE INDEX markets_event ON markets (venue, event_id);

CREATE TABLE events (
    venue         TEXT    NOT NULL,
    event_id      TEXT    NOT NULL,
    series        TEXT,
    title         TEXT    NOT NULL,
    derived_topic TEXT    NOT NULL,
    league        TEXT,
    participants  TEXT    NOT NULL DEFAULT '[]',
    starts_at     TEXT,
    is_mve        BOOLEAN NOT NULL DEFAULT FALSE,
    status        TEXT    NOT NULL,
    raw           TEXT    NOT NULL,
    first_seen    TEXT    NOT NULL,
    last_seen     TEXT    NOT NULL,
    closed_at     TEXT,
    PRIMARY KEY (venue, event_id)
);
CREATE INDEX events_league_start ON events (league, starts_at);

CREATE TABLE links (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    kalshi_ticker       TEXT    NOT NULL,
    kalshi_event_ticker TEXT    NOT NULL,
    poly_market_id      TEXT    NOT NULL,
    poly_condition_id   TEXT,
    poly_token_id       TEXT,
    poly_outcome_index  INTEGER NOT NULL,
    poly_outcome        TEXT    NOT NULL,
    kind                TEXT    NOT NULL,
    line_x100           INTEGER,
    league              TEXT,
    starts_at           TEXT,
    score               REAL    NOT NULL,
    reasons             TEXT    NOT NULL DEFAULT '[]',
    status              TEXT    NOT NULL,
    decided_by          TEXT,
    decided_at          TEXT,
    rule_risk           TEXT,
    rule_reasons        TEXT    NOT NULL DEFAULT '[]',
    created_at          TEXT    NOT NULL,
    updated_at          TEXT    NOT NULL,
    UNIQUE (kalshi_ticker, poly_market_id, poly_outcome_index)
);
-- A Kalshi market has at most one non-rejected link.
CREATE UNIQUE INDEX links_one_live_per_kalshi ON links (kalshi_ticker) WHERE status <> 'rejected';
CREATE INDEX links_status ON links (status);

CREATE TABLE link_decisions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    link_id     INTEGER NOT NULL REFERENCES links (id),
    from_status TEXT,
    to_status   TEXT    NOT NULL,
    decided_by  TEXT    NOT NULL,
    reason      TEXT    NOT NULL,
    decided_at  TEXT    NOT NULL
);
CREATE INDEX link_decisions_link ON link_decisions (link_id);

CREATE TABLE watchlist (
    link_id    INTEGER PRIMARY KEY REFERENCES links (id),
    priority   TEXT    NOT NULL,
    starts_at  TEXT,
    liquidity  INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT    NOT NULL
);

CREATE TABLE book_snapshots (
    venue       TEXT    NOT NULL,
    book_id     TEXT    NOT NULL,
    bids        TEXT    NOT NULL,
    asks        TEXT    NOT NULL,
    seq         INTEGER,
    received_at TEXT    NOT NULL,
    PRIMARY KEY (venue, book_id)
);

CREATE TABLE opportunities (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    link_id      INTEGER NOT NULL REFERENCES links (id),
    direction    TEXT    NOT NULL,
    legs         TEXT    NOT NULL,
    cost         INTEGER NOT NULL,
    fees         INTEGER NOT NULL,
    edge         INTEGER NOT NULL,
    best_edge    INTEGER NOT NULL,
    max_size     INTEGER NOT NULL,
    profit       INTEGER NOT NULL,
    quote_ages   TEXT    NOT NULL,
    first_seen   TEXT    NOT NULL,
    last_seen    TEXT    NOT NULL,
    closed_at    TEXT
);
CREATE UNIQUE INDEX opportunities_open ON opportunities (link_id, direction) WHERE closed_at IS NULL;

CREATE TABLE alerts (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    opportunity_id INTEGER REFERENCES opportunities (id),
    kind           TEXT    NOT NULL,
    sink           TEXT    NOT NULL,
    status         TEXT    NOT NULL,
    attempts       INTEGER NOT NULL DEFAULT 0,
    payload        TEXT    NOT NULL,
    error          TEXT,
    created_at     TEXT    NOT NULL,
    sent_at        TEXT
);

CREATE TABLE ingestion_runs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    venue       TEXT    NOT NULL,
    mode        TEXT    NOT NULL,
    started_at  TEXT    NOT NULL,
    finished_at TEXT,
    status      TEXT    NOT NULL,
    fetched     INTEGER NOT NULL DEFAULT 0,
    stored      INTEGER NOT NULL DEFAULT 0,
    skipped     TEXT    NOT NULL DEFAULT '{}',
    errors      INTEGER NOT NULL DEFAULT 0,
    message     TEXT
);
CREATE INDEX ingestion_runs_venue ON ingestion_runs (venue, started_at);

CREATE TABLE matching_runs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at  TEXT    NOT NULL,
    finished_at TEXT    NOT NULL,
    candidates  INTEGER NOT NULL,
    confirmed   INTEGER NOT NULL,
    rejected    INTEGER NOT NULL,
    suggested   INTEGER NOT NULL
);
