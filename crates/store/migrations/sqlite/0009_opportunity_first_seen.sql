-- An opportunity is named by its link, direction and first sighting: a write replayed from the
-- writer's spool after a crash finds the row it already made (closed since) instead of adding one.
CREATE INDEX opportunities_first_seen ON opportunities (link_id, direction, first_seen);
