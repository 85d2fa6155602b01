-- Expected end of play (Kalshi expected_expiration_time); starts_at stays the start of play.
ALTER TABLE markets ADD COLUMN ends_at TIMESTAMPTZ;

-- The participant registry's database part: names and codes learned from games whose codes
-- agree on both venues, and a person's corrections ('person' rows are never overwritten by
-- the matcher). venue is 'kalshi', 'polymarket' or 'any'.
CREATE TABLE participant_aliases (
    id         BIGSERIAL PRIMARY KEY,
    league     TEXT    NOT NULL,
    team       TEXT    NOT NULL,
    venue      TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    value      TEXT    NOT NULL,
    source     TEXT    NOT NULL,
    blocked    BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (league, venue, kind, value)
);
