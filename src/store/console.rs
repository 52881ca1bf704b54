//! The console's sign-in links, sessions and license samples.

use diesel::prelude::*;

use super::conn::DbConn;
use super::models::{ConsoleLinkRow, ConsoleSessionRow, LicenseSampleRow};
use super::schema::{console_links, console_sessions, license_samples};

/// Adds a sign-in link.
pub fn insert_link(conn: &mut DbConn, row: &ConsoleLinkRow) -> QueryResult<()> {
    diesel::insert_into(console_links::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// Marks the unused, unexpired link with this hash used; its id when it was.
/// The UPDATE's own conditions decide, so of two tabs racing with the same
/// link only one opens a session.
pub fn use_link(conn: &mut DbConn, secret_hash: &str, now: i64) -> QueryResult<Option<String>> {
    let link = console_links::table
        .filter(console_links::secret_hash.eq(secret_hash))
        .select(ConsoleLinkRow::as_select())
        .first(conn)
        .optional()?;
    let Some(link) = link else { return Ok(None) };
    let taken = diesel::update(
        console_links::table
            .filter(console_links::id.eq(&link.id))
            .filter(console_links::used_at.is_null())
            .filter(console_links::expires_at.gt(now)),
    )
    .set(console_links::used_at.eq(Some(now)))
    .execute(conn)?;
    Ok((taken == 1).then_some(link.id))
}

/// Adds a session.
pub fn insert_session(conn: &mut DbConn, row: &ConsoleSessionRow) -> QueryResult<()> {
    diesel::insert_into(console_sessions::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// The session with this secret hash, ended or not.
pub fn find_session(
    conn: &mut DbConn,
    secret_hash: &str,
) -> QueryResult<Option<ConsoleSessionRow>> {
    console_sessions::table
        .filter(console_sessions::secret_hash.eq(secret_hash))
        .select(ConsoleSessionRow::as_select())
        .first(conn)
        .optional()
}

/// Records that the session was used at `now`.
pub fn touch_session(conn: &mut DbConn, id: &str, now: i64) -> QueryResult<()> {
    diesel::update(console_sessions::table.filter(console_sessions::id.eq(id)))
        .set(console_sessions::last_seen_at.eq(now))
        .execute(conn)
        .map(drop)
}

/// Ends a live session; how many ended (0 or 1).
pub fn end_session(conn: &mut DbConn, id: &str, now: i64) -> QueryResult<usize> {
    diesel::update(
        console_sessions::table
            .filter(console_sessions::id.eq(id))
            .filter(console_sessions::ended_at.is_null()),
    )
    .set(console_sessions::ended_at.eq(Some(now)))
    .execute(conn)
}

/// Adds license samples.
pub fn insert_samples(conn: &mut DbConn, rows: &[LicenseSampleRow]) -> QueryResult<()> {
    for row in rows {
        diesel::insert_into(license_samples::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

/// The most recent sample's time, if any.
pub fn last_sample_at(conn: &mut DbConn) -> QueryResult<Option<i64>> {
    license_samples::table
        .select(diesel::dsl::max(license_samples::taken_at))
        .first(conn)
}

/// Samples taken since `since`, by product then time.
pub fn samples_since(conn: &mut DbConn, since: i64) -> QueryResult<Vec<LicenseSampleRow>> {
    license_samples::table
        .filter(license_samples::taken_at.ge(since))
        .order((license_samples::product_key, license_samples::taken_at))
        .select(LicenseSampleRow::as_select())
        .load(conn)
}
