//! Users per directory, kept rather than counted (migration `000011_scale`).
//!
//! Counting a directory of a million users reads a million index entries
//! (60–100 ms on SQLite); Okta probes a connection with `count=1`, and
//! every unfiltered page reports the directory's total. So each create and
//! delete adds a row of +1 or −1 in its own transaction, and a count is the
//! sum of a directory's few rows. Rows are only ever added (never updated),
//! so writers on PostgreSQL don't queue on one counter row; [`fold`] (the
//! server's upkeep) keeps the rows few. Triggers on `users` write the rows
//! (migration `000029_counted_arrivals`: on PostgreSQL one row per
//! statement, with the other kept counts), so every path that adds or
//! removes a user counts it, and a create spends no statement on it.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable};

use super::conn::DbConn;
use super::schema::user_counts;
use super::sql_fragment::SqlFragment;

/// A directory's (or every directory's) kept counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kept {
    /// Users there are.
    pub users: i64,
    /// Creates and deletes ever made: never goes down, so while it stands
    /// no user has moved in creation order.
    pub changes: i64,
    /// Users that are not active (kept by triggers on users, migration
    /// `000017_inactive_counts`).
    pub inactive: i64,
}

/// The kept counts of one directory, or of all of them (`None`).
pub fn of(conn: &mut DbConn, directory: Option<&str>) -> QueryResult<Kept> {
    let mut q = user_counts::table.into_boxed::<super::conn::MultiBackend>();
    if let Some(d) = directory {
        q = q.filter(user_counts::directory_id.eq(d.to_owned()));
    }
    // CAST: PostgreSQL's sum of bigints is a numeric.
    let (users, changes, inactive) = q
        .select((
            SqlFragment::<BigInt>::fixed("CAST(coalesce(sum(user_counts.users), 0) AS BIGINT)"),
            SqlFragment::<BigInt>::fixed("CAST(coalesce(sum(user_counts.changes), 0) AS BIGINT)"),
            SqlFragment::<BigInt>::fixed("CAST(coalesce(sum(user_counts.inactive), 0) AS BIGINT)"),
        ))
        .first::<(i64, i64, i64)>(conn)?;
    Ok(Kept {
        users,
        changes,
        inactive,
    })
}

/// The kept total of a directory's users (or every directory's, `None`),
/// or of its active (`Some(true)`) or inactive ones, as a value a statement
/// selects: a page of `active eq false` reads its total with its rows
/// (`users::list_read`), a statement (on PostgreSQL a round trip) fewer
/// than reading [`of`] beside it.
pub fn total_now(directory: Option<&str>, active: Option<bool>) -> SqlFragment<Nullable<BigInt>> {
    // CAST: PostgreSQL's sum of bigints is a numeric.
    let sum = SqlFragment::new().sql(match active {
        None => "(SELECT CAST(coalesce(sum(c.users), 0) AS BIGINT) FROM user_counts c",
        Some(true) => {
            "(SELECT CAST(coalesce(sum(c.users - c.inactive), 0) AS BIGINT) FROM user_counts c"
        }
        Some(false) => "(SELECT CAST(coalesce(sum(c.inactive), 0) AS BIGINT) FROM user_counts c",
    });
    match directory {
        Some(d) => sum.sql(" WHERE c.directory_id = ").text(d),
        None => sum,
    }
    .sql(")")
    .cacheable()
}

/// How many of `kept` a total of every user (`active` None), or of the
/// active or inactive ones, counts.
pub fn total_of(kept: Kept, active: Option<bool>) -> i64 {
    match active {
        None => kept.users,
        Some(true) => kept.users - kept.inactive,
        Some(false) => kept.inactive,
    }
}

/// Folds each directory's rows into one, in the caller's transaction;
/// returns how many directories were folded. The rows are deleted and
/// summed as the delete returns them, so a row another writer commits
/// meanwhile is either deleted and counted, or left: never lost.
pub fn fold(conn: &mut DbConn) -> QueryResult<usize> {
    let directories: Vec<String> = user_counts::table
        .group_by(user_counts::directory_id)
        .having(diesel::dsl::count_star().gt(1))
        .select(user_counts::directory_id)
        .load(conn)?;
    for directory in &directories {
        let gone: Vec<(i64, i64, i64)> =
            diesel::delete(user_counts::table.filter(user_counts::directory_id.eq(directory)))
                .returning((
                    user_counts::users,
                    user_counts::changes,
                    user_counts::inactive,
                ))
                .get_results(conn)?;
        let users = gone.iter().map(|(u, _, _)| u).sum::<i64>();
        let changes = gone.iter().map(|(_, c, _)| c).sum::<i64>();
        let inactive = gone.iter().map(|(_, _, i)| i).sum::<i64>();
        diesel::insert_into(user_counts::table)
            .values((
                user_counts::directory_id.eq(directory),
                user_counts::users.eq(users),
                user_counts::changes.eq(changes),
                user_counts::inactive.eq(inactive),
            ))
            .execute(conn)?;
    }
    Ok(directories.len())
}
