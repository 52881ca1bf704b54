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
//! upkeep) folds the ones written since its last pass. The minute each
//! user was last modified is kept the same way, for `meta.lastModified`
//! totals ([`modified`]), and on PostgreSQL the users at each email
//! domain ([`email_domain`]).

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable};

use super::conn::{DbConn, MultiBackend};
use super::schema::{user_modified_at, user_value_counts, users};
use super::sql_fragment::SqlFragment;
use super::user_counts;

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
    diesel::select(total_now(directory, attribute, operand))
        .get_result::<Option<i64>>(conn)
        .map(Option::unwrap_or_default)
}

/// [`of`] as a value a statement selects: a page of `department eq …`
/// reads its total with its rows (`users::list_read`), a statement (on
/// PostgreSQL a round trip) fewer. One shape per attribute and directory
/// or none, so the statement stays prepared.
pub fn total_now(
    directory: Option<&str>,
    attribute: KeptAttribute,
    operand: &str,
) -> SqlFragment<Nullable<BigInt>> {
    // CAST: PostgreSQL's sum of bigints is a numeric.
    let sum = SqlFragment::new()
        .sql(
            "(SELECT CAST(coalesce(sum(v.users), 0) AS BIGINT) FROM user_value_counts v \
             WHERE v.attribute = ",
        )
        .text(attribute.name())
        .sql(" AND v.value_key = lower(")
        .text(operand)
        .sql(")");
    match directory {
        Some(d) => sum.sql(" AND v.directory_id = ").text(d),
        None => sum,
    }
    .sql(")")
    .cacheable()
}

/// How many users of `directory` have an address at `domain` (`@` and
/// what follows the last `@`, folded), of type `type_key` when one is
/// given: the elements `store::email_filter` counts, kept by the triggers
/// on `user_emails` (migration `000031_domain_counts`) under
/// `emails.domain` (any type) or `emails.domain:<type>`. `None` on
/// SQLite, which keeps no such rows: the caller counts its index there.
pub fn email_domain(
    conn: &mut DbConn,
    directory: &str,
    type_key: Option<&str>,
    domain: &str,
) -> QueryResult<Option<i64>> {
    if matches!(conn, DbConn::Sqlite(_)) {
        return Ok(None);
    }
    let attribute = match type_key {
        Some(kind) => format!("{EMAIL_DOMAIN}:{kind}"),
        None => EMAIL_DOMAIN.to_owned(),
    };
    user_value_counts::table
        .filter(user_value_counts::directory_id.eq(directory))
        .filter(user_value_counts::attribute.eq(attribute))
        .filter(user_value_counts::value_key.eq(domain))
        .select(kept_sum())
        .first(conn)
        .map(Some)
}

/// The kept attribute of email domains, as the triggers name it.
const EMAIL_DOMAIN: &str = "emails.domain";

/// The sum of the selected rows' users, 0 when there are none. CAST:
/// PostgreSQL's sum of bigints is a numeric.
fn kept_sum() -> SqlFragment<BigInt> {
    SqlFragment::fixed("CAST(coalesce(sum(user_value_counts.users), 0) AS BIGINT)")
}

/// Most values one pass folds: a pass is one write transaction, and after
/// a bulk load (every user a new row for each of its values) the rest
/// wait for the next pass rather than hold the writers up at once.
const FOLD_VALUES: i64 = 2_000;

/// Folds the values that have rows written since the last pass (up to
/// [`FOLD_VALUES`] of them) into one row each (none when its users are
/// gone), in the caller's transaction; returns how many values were
/// folded. The rows are deleted and summed as the delete returns them, so
/// a row another writer commits meanwhile is either deleted and counted,
/// or left for the next pass: never lost.
pub fn fold(conn: &mut DbConn) -> QueryResult<usize> {
    let values: Vec<(String, String, String)> = user_value_counts::table
        .filter(user_value_counts::folded.eq(false))
        .select((
            user_value_counts::directory_id,
            user_value_counts::attribute,
            user_value_counts::value_key,
        ))
        .distinct()
        .limit(FOLD_VALUES)
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

/// The attribute the minute of each user's last modification is kept
/// under (migration `000021_modified_counts`): a value like the others,
/// keyed by the minute as twelve decimal digits, which sort as the
/// minutes do.
const LAST_MODIFIED: &str = "meta.lastModified";

/// A minute, in microseconds: the kept rows' grain.
const MINUTE_US: i64 = 60_000_000;

/// A users filter that is exactly `meta.lastModified` compared with a
/// time (in microseconds, not before 1970: the keys have no sign).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModifiedTest {
    /// `gt`: modified after the time.
    After(i64),
    /// `ge`: modified at the time or after.
    From(i64),
    /// `lt`: modified before the time.
    Before(i64),
    /// `le`: modified at the time or before.
    Until(i64),
}

/// How many users of a directory meet `test`: the kept minutes after the
/// time's own, that minute's users counted from the index of their
/// `updated_at` (`users_directory_updated` on SQLite; on PostgreSQL that
/// index is on `user_modified_at`, migration 000025), and for `lt`/`le`
/// the directory's kept total less those.
pub fn modified(conn: &mut DbConn, directory: &str, test: ModifiedTest) -> QueryResult<i64> {
    let (time, at_or_after) = match test {
        ModifiedTest::After(t) | ModifiedTest::Until(t) => (t, false),
        ModifiedTest::From(t) | ModifiedTest::Before(t) => (t, true),
    };
    let minute = time.div_euclid(MINUTE_US);
    let later_minutes: i64 = user_value_counts::table
        .filter(user_value_counts::directory_id.eq(directory))
        .filter(user_value_counts::attribute.eq(LAST_MODIFIED))
        .filter(user_value_counts::value_key.gt(format!("{minute:012}")))
        .select(kept_sum())
        .first(conn)?;
    let before_next = (minute + 1) * MINUTE_US;
    // The same count, over whichever table holds the index.
    macro_rules! this_minute {
        ($table:ident) => {{
            let q = $table::table
                .filter($table::directory_id.eq(directory))
                .filter($table::updated_at.lt(before_next))
                .into_boxed::<MultiBackend>();
            match at_or_after {
                true => q.filter($table::updated_at.ge(time)),
                false => q.filter($table::updated_at.gt(time)),
            }
            .count()
            .get_result::<i64>(conn)?
        }};
    }
    let this_minute = match conn {
        DbConn::Sqlite(_) => this_minute!(users),
        DbConn::Postgres(_) => this_minute!(user_modified_at),
    };
    let after = later_minutes + this_minute;
    Ok(match test {
        ModifiedTest::After(_) | ModifiedTest::From(_) => after,
        ModifiedTest::Before(_) | ModifiedTest::Until(_) => {
            user_counts::of(conn, Some(directory))?.users - after
        }
    })
}
