DROP TRIGGER license_dirty_settled ON license_dirty;
DROP FUNCTION settle_noted_at_commit();
