-- A link's second leg may be on Polymarket or on Polymarket US: every stored link is a
-- Polymarket one, and a Kalshi market has at most one live link per venue.
ALTER TABLE links ADD COLUMN poly_venue TEXT NOT NULL DEFAULT 'polymarket';
DROP INDEX links_one_live_per_kalshi;
CREATE UNIQUE INDEX links_one_live_per_kalshi_venue ON links (kalshi_ticker, poly_venue) WHERE status <> 'rejected';
