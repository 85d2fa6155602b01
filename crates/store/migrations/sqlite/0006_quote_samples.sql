-- Each watched link's top-of-book prices over time (best asks, micro-dollars) and the edge of
-- its open opportunity, sampled when they change: the dashboard's price and edge chart.
CREATE TABLE quote_samples (
    link_id    INTEGER NOT NULL,
    at         TEXT NOT NULL,
    kalshi_yes INTEGER,
    kalshi_no  INTEGER,
    poly_yes   INTEGER,
    poly_no    INTEGER,
    edge       INTEGER
);
CREATE INDEX quote_samples_link_at ON quote_samples (link_id, at);
CREATE INDEX quote_samples_at ON quote_samples (at);
