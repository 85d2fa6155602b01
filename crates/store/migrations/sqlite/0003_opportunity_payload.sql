-- The opportunity as reported (contract JSON), beside the columns queries use.
ALTER TABLE opportunities ADD COLUMN payload TEXT;
