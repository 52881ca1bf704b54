//! Writing membership rows in one statement of one text per database.
//!
//! The rows travel as one JSON array, unpacked by the database itself
//! (`json_each` on SQLite, `jsonb_to_recordset` on PostgreSQL), so the
//! statement's text does not depend on how many rows there are: each
//! connection prepares it once and PostgreSQL soon keeps one generic
//! plan. Written as `VALUES (…), (…)` with a bound value per column and
//! a subquery per row, there was one text per chunk length, and
//! PostgreSQL planned a 50-member add afresh at its binds (1.4 ms each
//! at 1M users, beside 1.9 ms of execution;
//! bench/results/2026-12-04T163000Z-member-insert).

use diesel::{QueryResult, RunQueryDsl};
use serde_json::{json, Value};

use super::conn::DbConn;
use super::models::MembershipRow;
use super::sql_fragment::SqlExpr;
use super::Backend;

/// Rows per statement: a group replaced with 200,000 members is written
/// 1,000 at a time, so one statement's JSON stays near 200 KB.
const CHUNK: usize = 1000;

/// Writes memberships, pairs already there left as they are (`ON CONFLICT
/// DO NOTHING`, also for a pair twice in `rows`); how many were new. Each
/// row takes its member's creation time from the member itself (a user or
/// a group), for `store::group_filter`'s ordered index. Rows are written
/// in the order given.
pub fn insert(conn: &mut DbConn, rows: &[MembershipRow]) -> QueryResult<usize> {
    let (open, close) = match conn.backend() {
        Backend::Sqlite => SQLITE_ROWS,
        Backend::Postgres => POSTGRES_ROWS,
    };
    let mut added = 0;
    for chunk in rows.chunks(CHUNK) {
        let array = Value::Array(chunk.iter().map(as_json).collect()).to_string();
        added += SqlExpr::new()
            .sql(INSERT)
            .sql(open)
            .text(array)
            .sql(close)
            .sql(TAIL)
            .cacheable()
            .execute(conn)?;
    }
    Ok(added)
}

/// One row as the statement unpacks it: an object named by column.
fn as_json(row: &MembershipRow) -> Value {
    json!({
        "group_id": row.group_id,
        "member_id": row.member_id,
        "member_type": row.member_type,
        "source": row.source,
        "actor": row.actor,
        "created_at": row.created_at,
        "reason": row.reason,
    })
}

/// Up to the unpacked rows, each `r` (their order `r.ord`).
const INSERT: &str = "INSERT INTO memberships (group_id, member_id, member_type, source, \
     actor, created_at, reason, member_created_at) \
     SELECT r.group_id, r.member_id, r.member_type, r.source, r.actor, r.created_at, r.reason, \
     coalesce((SELECT u.created_at FROM users u WHERE u.id = r.member_id), \
     (SELECT g.created_at FROM \"groups\" g WHERE g.id = r.member_id)) FROM ";

/// The JSON array's elements as rows, around the bound array. SQLite's
/// `WHERE true` is its parser's requirement for an upsert after a SELECT.
const SQLITE_ROWS: (&str, &str) = (
    "(SELECT e.key AS ord, json_extract(e.value, '$.group_id') AS group_id, \
     json_extract(e.value, '$.member_id') AS member_id, \
     json_extract(e.value, '$.member_type') AS member_type, \
     json_extract(e.value, '$.source') AS source, \
     json_extract(e.value, '$.actor') AS actor, \
     json_extract(e.value, '$.created_at') AS created_at, \
     json_extract(e.value, '$.reason') AS reason FROM json_each(",
    ") e) r WHERE true",
);
const POSTGRES_ROWS: (&str, &str) = (
    "ROWS FROM (jsonb_to_recordset(CAST(",
    " AS jsonb)) AS (group_id text, member_id text, member_type text, source text, \
     actor text, created_at bigint, reason text)) WITH ORDINALITY \
     AS r(group_id, member_id, member_type, source, actor, created_at, reason, ord)",
);

const TAIL: &str = " ORDER BY r.ord ON CONFLICT DO NOTHING";
