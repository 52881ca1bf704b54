//! Writing membership rows in one statement of one text per database.
//!
//! The members travel as one bound list of ids (`text_list`: a JSON array
//! read by `json_each` on SQLite, a `text[]` read by `unnest` on
//! PostgreSQL), with what the rows share (their group, type, source,
//! actor, time and reason) bound once beside it, so the statement's text
//! does not depend on how many rows there are: each connection prepares
//! it once and PostgreSQL soon keeps one generic plan. Written as `VALUES
//! (…), (…)` with a bound value per column and a subquery per row, there
//! was one text per chunk length, and PostgreSQL planned a 50-member add
//! afresh at its binds (1.4 ms each at 1M users, beside 1.9 ms of
//! execution; bench/results/2026-12-04T163000Z-member-insert). Sent as one
//! JSON object a row, SQLite parsed each row's object again for every
//! column it read from it (`json_extract` of `json_each`'s value): a
//! fifth of a 50-member add's time in the writer.

use diesel::{QueryResult, RunQueryDsl};

use super::conn::DbConn;
use super::models::MembershipRow;
use super::sql_fragment::SqlExpr;
use super::text_list::Texts;
use super::Backend;

/// Rows per statement: a group replaced with 200,000 members is written
/// 1,000 at a time.
const CHUNK: usize = 1000;

/// Writes memberships, pairs already there left as they are (`ON CONFLICT
/// DO NOTHING`, also for a pair twice in `rows`); how many were new. Each
/// row takes its member's creation time from the member itself (a user or
/// a group), for `store::group_filter`'s ordered index. Rows are written
/// in the order given: a statement for each run of rows that share all but
/// their member (one for an IdP's PATCH of users).
pub fn insert(conn: &mut DbConn, rows: &[MembershipRow]) -> QueryResult<usize> {
    let (open, close) = match conn.backend() {
        Backend::Sqlite => SQLITE_MEMBERS,
        Backend::Postgres => POSTGRES_MEMBERS,
    };
    let mut added = 0;
    for run in runs(rows) {
        let Some(first) = run.first() else {
            continue;
        };
        let members: Vec<&str> = run.iter().map(|r| r.member_id.as_str()).collect();
        added += SqlExpr::new()
            .sql(INSERT)
            .text(first.group_id.clone())
            .sql(", m.value, ")
            .text(first.member_type.clone())
            .sql(", ")
            .text(first.source.clone())
            .sql(", ")
            .text(first.actor.clone())
            .sql(", ")
            .bigint(first.created_at)
            .sql(", ")
            .nullable_text(first.reason.clone())
            .sql(MEMBER_CREATED)
            .sql(open)
            .texts(Texts::of(&members))
            .sql(close)
            .sql(TAIL)
            .cacheable()
            .execute(conn)?;
    }
    Ok(added)
}

/// `rows` cut into runs of consecutive rows that share all but their
/// member, `CHUNK` rows at most each.
fn runs(rows: &[MembershipRow]) -> impl Iterator<Item = &[MembershipRow]> {
    let shared = |a: &MembershipRow, b: &MembershipRow| {
        a.group_id == b.group_id
            && a.member_type == b.member_type
            && a.source == b.source
            && a.actor == b.actor
            && a.created_at == b.created_at
            && a.reason == b.reason
    };
    rows.chunk_by(shared).flat_map(|run| run.chunks(CHUNK))
}

/// Up to the shared values, the first of them the group.
const INSERT: &str = "INSERT INTO memberships (group_id, member_id, member_type, source, \
     actor, created_at, reason, member_created_at) SELECT ";

/// The member's creation time, then `FROM` up to the list of members.
const MEMBER_CREATED: &str = ", coalesce((SELECT u.created_at FROM users u WHERE u.id = m.value), \
     (SELECT g.created_at FROM \"groups\" g WHERE g.id = m.value)) FROM ";

/// Around the bound list: each member `m.value`, its place `m.key`.
const SQLITE_MEMBERS: (&str, &str) = ("json_each(", ") m");
const POSTGRES_MEMBERS: (&str, &str) = ("unnest(", ") WITH ORDINALITY AS m(value, key)");

/// SQLite's `WHERE true` is its parser's requirement for an upsert after
/// a SELECT.
const TAIL: &str = " WHERE true ORDER BY m.key ON CONFLICT DO NOTHING";
