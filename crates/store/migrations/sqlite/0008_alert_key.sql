-- Each alert's own name (the raising process's nonce and the alert's number): inserting it
-- again (a retry after a connection dropped past the commit) finds the row instead of adding one.
ALTER TABLE alerts ADD COLUMN alert_key TEXT;
CREATE UNIQUE INDEX alerts_key ON alerts (alert_key);
