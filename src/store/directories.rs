//! Directories and their bearer tokens.

use diesel::prelude::*;

use super::conn::DbConn;
use super::dialect::{columns_of, load_direct};
use super::models::{DirectoryRow, DirectoryTokenRow};
use super::schema::{directories, directory_tokens};

/// The directory of accounts and groups made by admins rather than pushed
/// by an IdP (created by the access-model migration; it has no tokens).
pub const LOCAL_DIRECTORY: &str = "local";

/// Adds a directory.
pub fn insert(conn: &mut DbConn, row: &DirectoryRow) -> QueryResult<()> {
    diesel::insert_into(directories::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// The directory with this id.
pub fn find(conn: &mut DbConn, id: &str) -> QueryResult<DirectoryRow> {
    directories::table
        .find(id)
        .select(DirectoryRow::as_select())
        .first(conn)
}

/// Every directory, oldest first.
pub fn list(conn: &mut DbConn) -> QueryResult<Vec<DirectoryRow>> {
    directories::table
        .order((directories::created_at, directories::id))
        .select(DirectoryRow::as_select())
        .load(conn)
}

/// Adds a token.
pub fn insert_token(conn: &mut DbConn, row: &DirectoryTokenRow) -> QueryResult<()> {
    diesel::insert_into(directory_tokens::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// The live (unrevoked) token with this hash.
pub fn find_live_token(conn: &mut DbConn, token_hash: &str) -> QueryResult<DirectoryTokenRow> {
    // Every SCIM request runs this first: see `load_direct`.
    load_direct(
        conn,
        directory_tokens::table
            .filter(directory_tokens::token_hash.eq(token_hash))
            .filter(directory_tokens::revoked_at.is_null())
            .select(columns_of::<DirectoryTokenRow>())
            .limit(1),
    )?
    .into_iter()
    .next()
    .ok_or(diesel::result::Error::NotFound)
}

/// A directory's tokens, oldest first (hashes included; callers must not print them).
pub fn list_tokens(conn: &mut DbConn, directory_id: &str) -> QueryResult<Vec<DirectoryTokenRow>> {
    directory_tokens::table
        .filter(directory_tokens::directory_id.eq(directory_id))
        .order((directory_tokens::created_at, directory_tokens::id))
        .select(DirectoryTokenRow::as_select())
        .load(conn)
}

/// Marks a token revoked; returns the number of tokens changed (0 or 1).
pub fn revoke_token(conn: &mut DbConn, token_id: &str, at: i64) -> QueryResult<usize> {
    diesel::update(
        directory_tokens::table
            .filter(directory_tokens::id.eq(token_id))
            .filter(directory_tokens::revoked_at.is_null()),
    )
    .set(directory_tokens::revoked_at.eq(Some(at)))
    .execute(conn)
}

/// The token with this id, revoked or not.
pub fn find_token(conn: &mut DbConn, token_id: &str) -> QueryResult<DirectoryTokenRow> {
    directory_tokens::table
        .find(token_id)
        .select(DirectoryTokenRow::as_select())
        .first(conn)
}

/// Whether the directory refuses attributes no schema defines.
pub fn strict_schema(conn: &mut DbConn, id: &str) -> QueryResult<bool> {
    directories::table
        .find(id)
        .select(directories::strict_schema)
        .first(conn)
}

/// Sets whether the directory refuses attributes no schema defines;
/// returns the rows changed (0: no such directory).
pub fn set_strict_schema(conn: &mut DbConn, id: &str, strict: bool) -> QueryResult<usize> {
    diesel::update(directories::table.find(id))
        .set(directories::strict_schema.eq(strict))
        .execute(conn)
}

/// Records when a directory's writes last succeeded (never moving back).
pub fn mark_pushed(conn: &mut DbConn, id: &str, at: i64) -> QueryResult<()> {
    diesel::update(
        directories::table.find(id).filter(
            directories::last_push_at
                .is_null()
                .or(directories::last_push_at.lt(at)),
        ),
    )
    .set(directories::last_push_at.eq(Some(at)))
    .execute(conn)
    .map(drop)
}
