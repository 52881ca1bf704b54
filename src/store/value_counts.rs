//! How many of a directory's users hold each value of the attributes many
//! users share (`department`, `name.familyName`), kept rather than counted
//! (migration `000020_value_counts`).
//!
//! A first page of `department eq "Finance"` reports its total; counting
//! it read every matching index entry (50,000 at 1M users). Triggers on
//! users add a row of +1 or −1 per value whenever a user comes, goes or
//! changes it, keyed by the value folded as the filter folds it in SQL
//! (`lower(…)` of the same expression), so a total is the sum of the
//! value's few rows. Rows are only ever added; [`fold`] (the server's
//! upkeep) folds the ones written since its last pass.

use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::BigInt;

use super::case_fold::unicode_lower;
use super::conn::{DbConn, MultiBackend};
use super::schema::user_value_counts;

/// An attribute whose values are counted ahead, as the triggers name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeptAttribute {
    /// The enterprise extension's `department`.
    Department,
    /// `name.familyName`.
    FamilyName,
}

impl KeptAttribute {
    fn name(self) -> &'static str {
        match self {
            KeptAttribute::Department => "department",
            KeptAttribute::FamilyName => "familyName",
        }
    }
}

/// How many users of a directory (or of all, `None`) hold the value that
/// `operand` names: `lower(operand)` in SQL, as the filter compares it.
pub fn of(
    conn: &mut DbConn,
    directory: Option<&str>,
    attribute: KeptAttribute,
    operand: &str,
) -> QueryResult<i64> {
    let mut q = user_value_counts::table
        .filter(user_value_counts::attribute.eq(attribute.name()))
        .filter(
            user_value_counts::value_key
                .nullable()
                .eq(unicode_lower(operand)),
        )
        .into_boxed::<MultiBackend>();
    if let Some(d) = directory {
        q = q.filter(user_value_counts::directory_id.eq(d.to_owned()));
    }
    // CAST: PostgreSQL's sum of bigints is a numeric.
    q.select(sql::<BigInt>(
        "CAST(coalesce(sum(user_value_counts.users), 0) AS BIGINT)",
    ))
    .first(conn)
}

/// Folds every value that has rows written since the last pass into one
/// row (none when its users are gone), in the caller's transaction;
/// returns how many values were folded. The rows are deleted and summed
/// as the delete returns them, so a row another writer commits meanwhile
/// is either deleted and counted, or left for the next pass: never lost.
pub fn fold(conn: &mut DbConn) -> QueryResult<usize> {
    let values: Vec<(String, String, String)> = user_value_counts::table
        .filter(user_value_counts::folded.eq(false))
        .select((
            user_value_counts::directory_id,
            user_value_counts::attribute,
            user_value_counts::value_key,
        ))
        .distinct()
        .load(conn)?;
    for (directory, attribute, key) in &values {
        let gone: Vec<i64> = diesel::delete(
            user_value_counts::table
                .filter(user_value_counts::directory_id.eq(directory))
                .filter(user_value_counts::attribute.eq(attribute))
                .filter(user_value_counts::value_key.eq(key)),
        )
        .returning(user_value_counts::users)
        .get_results(conn)?;
        let users = gone.iter().sum::<i64>();
        if users != 0 {
            diesel::insert_into(user_value_counts::table)
                .values((
                    user_value_counts::directory_id.eq(directory),
                    user_value_counts::attribute.eq(attribute),
                    user_value_counts::value_key.eq(key),
                    user_value_counts::users.eq(users),
                    user_value_counts::folded.eq(true),
                ))
                .execute(conn)?;
        }
    }
    Ok(values.len())
}
