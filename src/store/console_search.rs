//! The console's search-as-you-type: accounts by user name or email, and
//! groups by display name across directories. Bounded, index-friendly
//! queries: each answers in a few milliseconds at 100k users.

use diesel::dsl::count_star;
use diesel::prelude::*;

use super::conn::{Backend, DbConn, MultiBackend};
use super::models::UserRow;
use super::schema::{directories, groups, memberships, user_emails, users};

/// Accounts whose (case-folded) user name starts with `key`, or with an
/// email equal to `key`; at most `limit`. On SQLite the prefix is a range
/// of the user-name index (text compares by code point there); PostgreSQL
/// orders keys by the database's collation, so it matches with `LIKE`.
pub fn accounts(conn: &mut DbConn, key: &str, limit: i64) -> QueryResult<Vec<UserRow>> {
    let mut by_name = users::table
        .select(UserRow::as_select())
        .into_boxed::<MultiBackend>();
    by_name = match (conn.backend(), super::sql_filter::successor(key)) {
        (Backend::Sqlite, Some(upper)) => by_name
            .filter(users::user_name_key.ge(key.to_owned()))
            .filter(users::user_name_key.lt(upper)),
        _ => by_name.filter(
            users::user_name_key
                .like(format!("{}%", super::like::literal(key)))
                .escape('\\'),
        ),
    };
    let mut found: Vec<UserRow> = by_name
        .order(users::user_name_key)
        .limit(limit)
        .load(conn)?;
    let by_email: Vec<UserRow> = users::table
        .inner_join(user_emails::table)
        .filter(user_emails::value_key.eq(key))
        .select(UserRow::as_select())
        .limit(limit)
        .load(conn)?;
    for row in by_email {
        if !found.iter().any(|f| f.id == row.id) {
            found.push(row);
        }
    }
    found.truncate(usize::try_from(limit).unwrap_or(0));
    Ok(found)
}

/// A group found by name: id, directory id and name, display name, members.
pub struct FoundGroup {
    pub id: String,
    pub directory_id: String,
    pub directory: String,
    pub display_name: String,
    pub members: i64,
}

/// Groups whose (case-folded) display name contains `key`, pushed by a
/// directory or local (`local` names the local directory), by name; at most `limit`.
pub fn groups(
    conn: &mut DbConn,
    key: &str,
    local: &str,
    limit: i64,
) -> QueryResult<Vec<FoundGroup>> {
    let rows: Vec<(String, String, String, Option<String>)> = groups::table
        .left_join(directories::table)
        .filter(
            groups::display_name_key
                .like(format!("%{}%", super::like::literal(key)))
                .escape('\\'),
        )
        .order((groups::display_name_key, groups::directory_id))
        .limit(limit)
        .select((
            groups::id,
            groups::directory_id,
            groups::display_name,
            directories::name.nullable(),
        ))
        .load(conn)?;
    let ids: Vec<&String> = rows.iter().map(|r| &r.0).collect();
    let counts: Vec<(String, i64)> = memberships::table
        .filter(memberships::group_id.eq_any(ids))
        .group_by(memberships::group_id)
        .select((memberships::group_id, count_star()))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, directory_id, display_name, directory)| FoundGroup {
            members: counts.iter().find(|(g, _)| *g == id).map_or(0, |(_, n)| *n),
            directory: directory.unwrap_or_else(|| {
                if directory_id == local {
                    "local".into()
                } else {
                    directory_id.clone()
                }
            }),
            id,
            directory_id,
            display_name,
        })
        .collect())
}
