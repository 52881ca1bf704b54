//! Persons and the accounts that belong to them.

use diesel::prelude::*;

use super::conn::DbConn;
use super::directories::LOCAL_DIRECTORY;
use super::kept;
use super::models::{PersonRow, UserRow};
use super::schema::{persons, users};

/// Adds a person.
pub fn insert(conn: &mut DbConn, row: &PersonRow) -> QueryResult<()> {
    diesel::insert_into(persons::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// Adds a person unless one has its email key already; returns whether it
/// was added. Another transaction adding the same key first makes this
/// wait for its outcome (PostgreSQL), so `false` means the key's person is
/// there to be read.
pub fn insert_new(conn: &mut DbConn, row: &PersonRow) -> QueryResult<bool> {
    // Each backend's own connection: diesel's multi-backend connection
    // writes no ON CONFLICT clause.
    let insert = diesel::insert_into(persons::table)
        .values(row)
        .on_conflict_do_nothing();
    let added = match conn {
        DbConn::Sqlite(c) => insert.execute(c)?,
        DbConn::Postgres(c) => insert.execute(c)?,
    };
    Ok(added > 0)
}

/// The person with this id.
pub fn find(conn: &mut DbConn, id: &str) -> QueryResult<PersonRow> {
    persons::table
        .find(id)
        .select(PersonRow::as_select())
        .first(conn)
}

/// The person a verified email (folded) names, if any.
pub fn find_by_email(conn: &mut DbConn, email_key: &str) -> QueryResult<Option<PersonRow>> {
    persons::table
        .filter(persons::email_key.eq(email_key))
        .select(PersonRow::as_select())
        .first(conn)
        .optional()
}

/// Persons whose email key has a character outside printable ASCII: the
/// only keys a change of case fold can change.
pub fn with_non_ascii_keys(conn: &mut DbConn) -> QueryResult<Vec<PersonRow>> {
    let non_ascii = match conn {
        DbConn::Sqlite(_) => "email_key GLOB '*[^ -~]*'",
        DbConn::Postgres(_) => "email_key ~ '[^ -~]'",
    };
    persons::table
        .filter(diesel::dsl::sql::<diesel::sql_types::Bool>(non_ascii))
        .select(PersonRow::as_select())
        .load(conn)
}

/// Sets a person's email key.
pub fn set_email_key(conn: &mut DbConn, id: &str, email_key: &str) -> QueryResult<()> {
    diesel::update(persons::table.find(id))
        .set(persons::email_key.eq(email_key))
        .execute(conn)
        .map(drop)
}

/// Persons, oldest first, a page at a time.
pub fn list(conn: &mut DbConn, offset: i64, limit: i64) -> QueryResult<Vec<PersonRow>> {
    persons::table
        .order((persons::created_at, persons::id))
        .offset(offset)
        .limit(limit)
        .select(PersonRow::as_select())
        .load(conn)
}

/// Records whether a person is managed and live.
pub fn set_state(
    conn: &mut DbConn,
    id: &str,
    managed: bool,
    live: bool,
    now: i64,
) -> QueryResult<()> {
    kept::update(
        conn,
        persons::table,
        (
            persons::managed.eq(managed),
            persons::live.eq(live),
            persons::updated_at.eq(now),
        ),
        persons::id.eq(id),
    )
    .map(drop)
}

/// A person's accounts, oldest first.
pub fn accounts(conn: &mut DbConn, person_id: &str) -> QueryResult<Vec<UserRow>> {
    users::table
        .filter(users::person_id.eq(person_id))
        .order((users::created_at, users::id))
        .select(UserRow::as_select())
        .load(conn)
}

/// A person's accounts as its state is worked out from them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Accounts {
    /// Its IdP identities (accounts outside the local directory).
    pub identities: i64,
    /// Of those, the active ones.
    pub active: i64,
    /// Whether it has an account, in any directory, other than the one
    /// asked about: a change of the person's state rewrites those.
    pub others: bool,
}

/// A person's accounts (`Accounts`), `written` being the account the
/// caller is writing, if any.
pub fn accounts_of(
    conn: &mut DbConn,
    person_id: &str,
    written: Option<&str>,
) -> QueryResult<Accounts> {
    let rows: Vec<(String, String, bool)> = users::table
        .filter(users::person_id.eq(person_id))
        .select((users::id, users::directory_id, users::active))
        .load(conn)?;
    let identities: Vec<bool> = rows
        .iter()
        .filter(|(_, directory, _)| directory != LOCAL_DIRECTORY)
        .map(|(_, _, active)| *active)
        .collect();
    Ok(Accounts {
        identities: identities.len() as i64,
        active: identities.iter().filter(|a| **a).count() as i64,
        others: rows.iter().any(|(id, _, _)| Some(id.as_str()) != written),
    })
}

/// Points an account at a person.
pub fn set_person(conn: &mut DbConn, user_id: &str, person_id: &str) -> QueryResult<()> {
    kept::update(
        conn,
        users::table,
        users::person_id.eq(Some(person_id)),
        users::id.eq(user_id),
    )
    .map(drop)
}

/// Accounts not linked to a person yet (made before persons existed).
pub fn unlinked(conn: &mut DbConn, limit: i64) -> QueryResult<Vec<UserRow>> {
    users::table
        .filter(users::person_id.is_null())
        .order((users::created_at, users::id))
        .limit(limit)
        .select(UserRow::as_select())
        .load(conn)
}
