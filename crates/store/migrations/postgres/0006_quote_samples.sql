-- Each watched link's top-of-book prices over time (best asks, micro-dollars) and the edge of
-- its open opportunity, sampled when they change: the dashboard's price and edge chart.
CREATE TABLE quote_samples (
    link_id    BIGINT NOT NULL,
    at         TIMESTAMPTZ NOT NULL,
    kalshi_yes BIGINT,
    kalshi_no  BIGINT,
    poly_yes   BIGINT,
    poly_no    BIGINT,
    edge       BIGINT
);
CREATE INDEX quote_samples_link_at ON quote_samples (link_id, at);
CREATE INDEX quote_samples_at ON quote_samples (at);
