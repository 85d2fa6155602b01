-- What a market's YES is about (a team id, or 'draw'), derived by the taxonomy.
ALTER TABLE markets ADD COLUMN subject TEXT;
