-- Undoes a resync's deactivations on the 1M dataset (prep.sh): the resync deactivates user i
-- for i % 50 = 1; the seed's inactive users are those with i % 10 = 0, left as they are.
-- Their persons live again; the licenses follow by the schema's triggers, as for any write.
BEGIN;
UPDATE users SET active = true
 WHERE NOT active AND right(id, 12)::bigint % 10 <> 0;
UPDATE persons p SET live = true
  FROM users u
 WHERE u.person_id = p.id AND u.active AND NOT p.live;
COMMIT;
SELECT count(*) FILTER (WHERE NOT active) AS inactive FROM users;
