-- Whether a market takes orders now (open, paused, not_open, closed, resolving, resolved),
-- from every source the venue has; rows from before read their status until the next pass.
ALTER TABLE markets ADD COLUMN state TEXT;
UPDATE markets SET state = CASE status WHEN 'open' THEN 'open' WHEN 'settled' THEN 'resolved' ELSE 'closed' END;
