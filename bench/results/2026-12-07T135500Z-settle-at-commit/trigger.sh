#!/usr/bin/env bash
# trigger.sh ENV on|off — the base binary settles before COMMIT itself; it runs with migration
# 000034's trigger dropped (off), the new binary with it (on).
. /work/data/$1.env
case $2 in
  off) psql -q "$URL" -c "DROP TRIGGER IF EXISTS license_dirty_settled ON license_dirty" ;;
  on) psql -q "$URL" -c "DROP TRIGGER IF EXISTS license_dirty_settled ON license_dirty" -c "CREATE CONSTRAINT TRIGGER license_dirty_settled AFTER INSERT ON license_dirty DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION settle_noted_at_commit('user', 'admin', 'user-access-admin')" ;;
esac
