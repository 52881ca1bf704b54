//! Admin API bearer tokens.

use diesel::prelude::*;

use super::conn::DbConn;
use super::models::AdminTokenRow;
use super::schema::admin_tokens;

/// Adds a token.
pub fn insert(conn: &mut DbConn, row: &AdminTokenRow) -> QueryResult<()> {
    diesel::insert_into(admin_tokens::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// The live token with this hash: not revoked, not expired at `now`.
pub fn find_live(conn: &mut DbConn, token_hash: &str, now: i64) -> QueryResult<AdminTokenRow> {
    admin_tokens::table
        .filter(admin_tokens::token_hash.eq(token_hash))
        .filter(admin_tokens::revoked_at.is_null())
        .filter(
            admin_tokens::expires_at
                .is_null()
                .or(admin_tokens::expires_at.gt(now)),
        )
        .select(AdminTokenRow::as_select())
        .first(conn)
}

/// Records that a token was used at `now`.
pub fn touch(conn: &mut DbConn, id: &str, now: i64) -> QueryResult<usize> {
    diesel::update(admin_tokens::table.find(id))
        .set(admin_tokens::last_used_at.eq(Some(now)))
        .execute(conn)
}

/// Every admin token, oldest first (hashes included; callers must not print them).
pub fn list(conn: &mut DbConn) -> QueryResult<Vec<AdminTokenRow>> {
    admin_tokens::table
        .order((admin_tokens::created_at, admin_tokens::id))
        .select(AdminTokenRow::as_select())
        .load(conn)
}

/// Marks a live token revoked; returns how many changed (0 or 1).
pub fn revoke(conn: &mut DbConn, id: &str, at: i64) -> QueryResult<usize> {
    diesel::update(
        admin_tokens::table
            .filter(admin_tokens::id.eq(id))
            .filter(admin_tokens::revoked_at.is_null()),
    )
    .set(admin_tokens::revoked_at.eq(Some(at)))
    .execute(conn)
}

/// The live token with this id (not revoked, not expired at `now`).
pub fn live_by_id(conn: &mut DbConn, id: &str, now: i64) -> QueryResult<Option<AdminTokenRow>> {
    admin_tokens::table
        .filter(admin_tokens::id.eq(id))
        .filter(admin_tokens::revoked_at.is_null())
        .filter(
            admin_tokens::expires_at
                .is_null()
                .or(admin_tokens::expires_at.gt(now)),
        )
        .select(AdminTokenRow::as_select())
        .first(conn)
        .optional()
}
