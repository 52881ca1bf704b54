//! Licenses, kept rather than counted (migration `000011_scale`).
//!
//! `licenses` holds each person holding a licensed role on a product
//! (through any of their accounts), `license_counts` how many per product
//! as rows of +/− (folded by the server's upkeep, as `user_counts`).
//! Database triggers note in `license_dirty` every person a write may have
//! given or taken a license: whatever code path or foreign-key cascade made
//! the change. Every write transaction ends by settling them ([`settled`]):
//! their licenses recomputed from the `user_entitlements` view, the
//! difference applied, the notes cleared, so at every commit the tables
//! agree with the view. On SQLite the store's write paths call [`settle`]
//! before they commit; on PostgreSQL the database settles them as the write
//! commits (a deferred trigger on `license_dirty`, migration
//! `000034_settle_at_commit`, queued once per transaction since
//! `000036_settle_queued_once`), which spares every write the round trips
//! of asking for its notes and settling them.

use std::collections::{BTreeMap, BTreeSet};

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool};

use super::conn::{Backend, DbConn};
use super::dialect::among;
use super::entitlements::LICENSED_ROLES;
use super::schema::{license_counts, license_dirty, licenses, users};
use super::sql_fragment::{SqlExpr, SqlFragment};
use super::text_list::Texts;

/// Persons settled per round: bounded IN lists.
const CHUNK: usize = 500;

/// Brings the licenses of every person noted dirty up to date, in the
/// caller's transaction.
pub fn settle(conn: &mut DbConn) -> QueryResult<()> {
    loop {
        // Read, then deleted by key once settled: one `DELETE … WHERE
        // person_id IN (SELECT … LIMIT)` returning them was a round trip
        // fewer, but PostgreSQL, its statistics counting the table empty
        // (each write's notes are gone by its commit), planned it as a
        // nested loop reading the first 500 notes again for every note:
        // 52 s a round for the 200,000 notes of mapping a 200k group.
        let dirty: Vec<String> = license_dirty::table
            .select(license_dirty::person_id)
            .order(license_dirty::person_id)
            .limit(CHUNK as i64)
            .load(conn)?;
        if dirty.is_empty() {
            return Ok(());
        }
        match conn.backend() {
            Backend::Postgres => settle_persons_in_one(conn, &dirty)?,
            Backend::Sqlite => settle_persons(conn, &dirty)?,
        }
        let noted = among(conn.backend(), "license_dirty.person_id", &dirty);
        diesel::delete(license_dirty::table.filter(noted)).execute(conn)?;
        // A short round took every note there was, and settling notes
        // none (no trigger watches `licenses` or `license_counts`; other
        // writers settle theirs before they commit): asking again would
        // find none, a round trip on every write that moved a license.
        if dirty.len() < CHUNK {
            return Ok(());
        }
    }
}

/// Runs a write's `work`, then settles the licenses its changes may have
/// moved, in the same transaction: every write path ends with it, so the
/// kept licenses are exact at every commit. On SQLite that is [`settle`]
/// after `work`; on PostgreSQL the commit settles them (the trigger
/// `license_dirty_settled`, after the write's last statement), and a
/// write that noted no one pays nothing for it.
pub fn settled<T, E, F>(conn: &mut DbConn, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    let value = work(conn)?;
    if conn.backend() == Backend::Sqlite {
        settle(conn)?;
    }
    Ok(value)
}

/// Recomputes the licenses of `persons` and applies the difference.
fn settle_persons(conn: &mut DbConn, persons: &[String]) -> QueryResult<()> {
    let wanted: BTreeSet<&String> = persons.iter().collect();
    let backend = conn.backend();
    // A person's accounts: those linked to it, or the unlinked account
    // that is a person of its own.
    let accounts: Vec<String> = users::table
        .filter(among(backend, "users.person_id", persons).or(among(backend, "users.id", persons)))
        .select((users::id, users::person_id))
        .load::<(String, Option<String>)>(conn)?
        .into_iter()
        .filter(|(id, person)| wanted.contains(person.as_ref().unwrap_or(id)))
        .map(|(id, _)| id)
        .collect();
    let held = super::entitlements::licensed_of_users(conn, &accounts)?;
    let had: BTreeSet<(String, String)> = licenses::table
        .filter(among(backend, "licenses.person_id", persons))
        .select((licenses::product_key, licenses::person_id))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect();
    let mut gone: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (product, person) in had.difference(&held) {
        gone.entry(product).or_default().push(person);
    }
    let mut came: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (product, person) in held.difference(&had) {
        came.entry(product).or_default().push(person);
    }
    let mut moved: BTreeMap<&str, i64> = BTreeMap::new();
    // Counted from what the statements changed, not from the sets: a row
    // another writer removed or added first is not counted twice.
    for (product, people) in gone {
        let removed = diesel::delete(
            licenses::table
                .filter(licenses::product_key.eq(product))
                .filter(among(backend, "licenses.person_id", &people)),
        )
        .execute(conn)?;
        *moved.entry(product).or_default() -= removed as i64;
    }
    for (product, people) in came {
        let added = super::dialect::insert_licenses(conn, product, &people)?;
        *moved.entry(product).or_default() += added as i64;
    }
    for (product, used) in moved.into_iter().filter(|(_, n)| *n != 0) {
        diesel::insert_into(license_counts::table)
            .values((
                license_counts::product_key.eq(product),
                license_counts::used.eq(used),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// `settle_persons` on PostgreSQL, as one statement. The accounts, their
/// licensed roles, the licenses held, and the licenses removed, added and
/// counted were six statements or more (three per product moved), each a
/// round trip to the database: a member PATCH adding 50 users to a mapped
/// group went from 19 statements to 15, and the server's CPU a PATCH down
/// ~20%
/// (`bench/results/2026-12-07T040000Z-one-statement-settle`). SQLite,
/// in-process, keeps the steps in Rust, and they are the same: a person's
/// accounts are those linked to it and the unlinked account that is a
/// person of its own; each account's rows are read from the view apart
/// (`OFFSET 0`, as `entitlements::ProductRolesOfUsers`); the count moves
/// by what the delete and the insert changed, so a row another writer
/// removed or added first is not counted twice. Every part of a statement
/// reads the same snapshot, so `had` is the licenses before `gone` and
/// `came`, which touch rows apart (one difference each way).
///
/// The statement is the function `settle_licenses` (migration
/// `000032_settle_planned_once`), planned once per connection for any
/// number of persons: as a prepared statement of its own PostgreSQL planned
/// it again at every settle of a few persons (a deactivation's one),
/// ~2 ms of its time against ~0.4 ms of running it
/// (`bench/results/2026-12-07T104500Z-settle-planned-once`).
fn settle_persons_in_one(conn: &mut DbConn, persons: &[String]) -> QueryResult<()> {
    SqlExpr::fixed("SELECT settle_licenses(")
        .texts(Texts::of(persons))
        .sql(", ")
        .texts(Texts::of(&LICENSED_ROLES))
        .sql(")")
        .execute(conn)?;
    Ok(())
}

/// Licenses of one product in use (kept).
pub fn used(conn: &mut DbConn, product: &str) -> QueryResult<i64> {
    diesel::select(in_use(product)).get_result(conn)
}

/// Licenses of `product` in use with every change of the caller's
/// transaction settled: read with whether any note waits (other writers
/// settle theirs before they commit, so a note seen is the caller's), in
/// one statement when none does, as before a change (`CapGuard::before`);
/// settled first otherwise.
pub fn used_settled(conn: &mut DbConn, product: &str) -> QueryResult<i64> {
    let (noted, used): (bool, i64) = diesel::select((
        // The first note in key order, not `EXISTS (SELECT 1 FROM
        // license_dirty)`: the notes are a queue, each written and deleted
        // within its transaction, so between vacuums the table's pages
        // are mostly dead rows. PostgreSQL answered `EXISTS` with a
        // sequential scan of them (1.1 ms of an 8 ms member PATCH at 1M
        // users, after the seed's notes); the key's index skips them.
        SqlFragment::<Bool>::fixed(
            "(SELECT person_id FROM license_dirty ORDER BY person_id LIMIT 1) IS NOT NULL",
        ),
        in_use(product),
    ))
    .get_result(conn)?;
    if !noted {
        return Ok(used);
    }
    settled_use(conn, product)
}

/// Licenses of `product` in use once every note of the caller's
/// transaction is settled: a license cap's check after a change. On
/// PostgreSQL one statement (`settled_use`, migration 000036), where
/// reading the notes, settling them, deleting them and summing the count
/// were four round trips; on SQLite [`settle`] then [`used`].
pub fn settled_use(conn: &mut DbConn, product: &str) -> QueryResult<i64> {
    match conn.backend() {
        Backend::Postgres => diesel::select(
            SqlFragment::<BigInt>::new()
                .sql("settled_use(")
                .text(product)
                .sql(", ")
                .texts(Texts::of(&LICENSED_ROLES))
                .sql(")")
                .cacheable(),
        )
        .get_result(conn),
        Backend::Sqlite => {
            settle(conn)?;
            used(conn, product)
        }
    }
}

/// `used` as a value a statement selects, prepared once. CAST:
/// PostgreSQL's sum of bigints is a numeric.
fn in_use(product: &str) -> SqlFragment<BigInt> {
    SqlFragment::new()
        .sql(
            "(SELECT CAST(coalesce(sum(license_counts.used), 0) AS BIGINT) FROM license_counts \
             WHERE license_counts.product_key = ",
        )
        .text(product)
        .sql(")")
        .cacheable()
}

/// Licenses in use per product (kept; products using none may be absent).
pub fn used_by_product(conn: &mut DbConn) -> QueryResult<Vec<(String, i64)>> {
    license_counts::table
        .group_by(license_counts::product_key)
        .select((
            license_counts::product_key,
            diesel::dsl::sql::<BigInt>("CAST(coalesce(sum(license_counts.used), 0) AS BIGINT)"),
        ))
        .order(license_counts::product_key)
        .load(conn)
}

/// Folds each product's count rows into one, in the caller's transaction;
/// returns how many products were folded (see `user_counts::fold`).
pub fn fold(conn: &mut DbConn) -> QueryResult<usize> {
    let products: Vec<String> = license_counts::table
        .group_by(license_counts::product_key)
        .having(diesel::dsl::count_star().gt(1))
        .select(license_counts::product_key)
        .load(conn)?;
    for product in &products {
        let gone: Vec<i64> =
            diesel::delete(license_counts::table.filter(license_counts::product_key.eq(product)))
                .returning(license_counts::used)
                .get_results(conn)?;
        diesel::insert_into(license_counts::table)
            .values((
                license_counts::product_key.eq(product),
                license_counts::used.eq(gone.iter().sum::<i64>()),
            ))
            .execute(conn)?;
    }
    Ok(products.len())
}
