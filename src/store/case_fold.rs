//! One case fold on both databases (see `scim::fold`): SQLite's built-in
//! `lower()` folds ASCII only, so every SQLite connection replaces it with
//! the same Rust function the rest of Gatehouse folds with; PostgreSQL's
//! `lower()` folds by the database's ctype, so the store checks at open
//! that it folds as Gatehouse does and refuses a database that doesn't.

use diesel::sql_types::{Nullable, Text};
use diesel::{QueryableByName, RunQueryDsl, SqliteConnection};

use super::conn::DbConn;
use super::error::StoreError;
use crate::scim::fold::fold;

diesel::define_sql_function! {
    /// SQLite's `lower()`, replaced (deterministic, so indexes may use it).
    #[sql_name = "lower"]
    fn unicode_lower(text: Nullable<Text>) -> Nullable<Text>;
}

/// Makes `lower()` on this SQLite connection fold as `scim::fold` does.
pub(super) fn register(conn: &mut SqliteConnection) -> diesel::QueryResult<()> {
    unicode_lower_utils::register_impl(conn, |text: Option<String>| {
        text.map(|t| {
            if crate::scim::fold::is_folded(&t) {
                t
            } else {
                fold(&t)
            }
        })
    })
}

/// Letters whose folding tells a Unicode-aware `lower()` from an ASCII-only
/// or a full-mapping one.
const PROBE: &str = "AÉÖΣİЖ";

#[derive(QueryableByName)]
struct Folded {
    #[diesel(sql_type = Text)]
    folded: String,
}

/// Checks that the database's `lower()` — ours on SQLite, the ctype's on
/// PostgreSQL — folds as Gatehouse does.
pub(super) fn check(conn: &mut DbConn) -> Result<(), StoreError> {
    let sql = match conn {
        DbConn::Sqlite(_) => "SELECT lower(?) AS folded",
        DbConn::Postgres(_) => "SELECT lower(CAST($1 AS TEXT)) AS folded",
    };
    let got = diesel::sql_query(sql)
        .bind::<Text, _>(PROBE)
        .get_result::<Folded>(conn)?
        .folded;
    if got == fold(PROBE) {
        return Ok(());
    }
    Err(StoreError::Config(format!(
        "the database folds case differently from Gatehouse (lower('{PROBE}') is '{got}', not '{}'), so case-insensitive filters would answer differently from uniqueness checks; on PostgreSQL, create the database with a UTF-8 ctype of the libc provider, e.g. CREATE DATABASE gatehouse TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'",
        fold(PROBE)
    )))
}
