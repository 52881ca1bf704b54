ALTER TABLE users SET (fillfactor = 75);
