//! A directory's sync health: attributes it sent that no schema defines,
//! what did not fit, and its requests per hour. Storage is bounded: old
//! entries roll off as new ones arrive.

use diesel::prelude::*;

use super::conn::DbConn;
use super::models::{NewSyncIssue, SyncIssueRow, SyncRequestsRow, UnregisteredAttributeRow};
use super::schema::{sync_issues, sync_requests, unregistered_attributes};
use super::sql_filter::SqlCondition;

/// Issues kept per directory; older ones roll off.
pub const ISSUES_KEPT: i64 = 1000;
/// Unregistered attributes listed per directory; the least recently seen
/// roll off.
pub const ATTRIBUTES_KEPT: i64 = 500;
/// Hours of request counts kept.
pub const HOURS_KEPT: i64 = 48;

/// Adds sightings of unregistered attributes: counts add up, the example
/// and last sighting are the newest.
pub fn add_unregistered(conn: &mut DbConn, rows: &[UnregisteredAttributeRow]) -> QueryResult<()> {
    for row in rows {
        SqlCondition::new()
            .sql("INSERT INTO unregistered_attributes (directory_id, resource_type, schema_urn, name, seen, example, first_seen, last_seen) VALUES (")
            .text(row.directory_id.clone())
            .sql(", ")
            .text(row.resource_type.clone())
            .sql(", ")
            .text(row.schema_urn.clone())
            .sql(", ")
            .text(row.name.clone())
            .sql(", ")
            .bigint(row.seen)
            .sql(", ")
            .text(row.example.clone())
            .sql(", ")
            .bigint(row.first_seen)
            .sql(", ")
            .bigint(row.last_seen)
            .sql(") ON CONFLICT (directory_id, resource_type, schema_urn, name) DO UPDATE SET \
                  seen = unregistered_attributes.seen + excluded.seen, \
                  example = excluded.example, last_seen = excluded.last_seen")
            .execute(conn)?;
    }
    let directories: std::collections::BTreeSet<&str> =
        rows.iter().map(|r| r.directory_id.as_str()).collect();
    for directory in directories {
        let stale: Vec<(String, String, String)> = unregistered_attributes::table
            .filter(unregistered_attributes::directory_id.eq(directory))
            .order((
                unregistered_attributes::last_seen.desc(),
                unregistered_attributes::name,
            ))
            .offset(ATTRIBUTES_KEPT)
            .select((
                unregistered_attributes::resource_type,
                unregistered_attributes::schema_urn,
                unregistered_attributes::name,
            ))
            .load(conn)?;
        for (kind, urn, name) in stale {
            diesel::delete(
                unregistered_attributes::table
                    .filter(unregistered_attributes::directory_id.eq(directory))
                    .filter(unregistered_attributes::resource_type.eq(kind))
                    .filter(unregistered_attributes::schema_urn.eq(urn))
                    .filter(unregistered_attributes::name.eq(name)),
            )
            .execute(conn)?;
        }
    }
    Ok(())
}

/// Forgets the unregistered attributes under a schema URN (it has been
/// registered): any letter case, every directory.
pub fn forget_schema(conn: &mut DbConn, urn: &str) -> QueryResult<()> {
    SqlCondition::new()
        .sql("DELETE FROM unregistered_attributes WHERE lower(schema_urn) = ")
        .text(urn.to_ascii_lowercase())
        .execute(conn)
        .map(drop)
}

/// Every kept attribute name, across directories: `(resource type,
/// schema URN or '', name)`, oldest sighting first, so the first spelling
/// seen wins.
pub fn kept_names(conn: &mut DbConn) -> QueryResult<Vec<(String, String, String)>> {
    unregistered_attributes::table
        .order(unregistered_attributes::first_seen)
        .select((
            unregistered_attributes::resource_type,
            unregistered_attributes::schema_urn,
            unregistered_attributes::name,
        ))
        .load(conn)
}

/// A directory's unregistered attributes, most recently seen first.
pub fn unregistered_of(
    conn: &mut DbConn,
    directory_id: &str,
) -> QueryResult<Vec<UnregisteredAttributeRow>> {
    unregistered_attributes::table
        .filter(unregistered_attributes::directory_id.eq(directory_id))
        .order((
            unregistered_attributes::last_seen.desc(),
            unregistered_attributes::name,
        ))
        .select(UnregisteredAttributeRow::as_select())
        .load(conn)
}

/// Appends issues; each directory keeps its newest `ISSUES_KEPT`.
pub fn add_issues(conn: &mut DbConn, issues: &[NewSyncIssue]) -> QueryResult<()> {
    if issues.is_empty() {
        return Ok(());
    }
    for issue in issues {
        diesel::insert_into(sync_issues::table)
            .values(issue)
            .execute(conn)?;
    }
    let directories: std::collections::BTreeSet<&str> =
        issues.iter().map(|i| i.directory_id.as_str()).collect();
    for directory in directories {
        let oldest_kept: Option<i64> = sync_issues::table
            .filter(sync_issues::directory_id.eq(directory))
            .order(sync_issues::id.desc())
            .offset(ISSUES_KEPT - 1)
            .select(sync_issues::id)
            .first(conn)
            .optional()?;
        if let Some(id) = oldest_kept {
            diesel::delete(
                sync_issues::table
                    .filter(sync_issues::directory_id.eq(directory))
                    .filter(sync_issues::id.lt(id)),
            )
            .execute(conn)?;
        }
    }
    Ok(())
}

/// A directory's issues, newest first.
pub fn issues_of(
    conn: &mut DbConn,
    directory_id: &str,
    limit: i64,
) -> QueryResult<Vec<SyncIssueRow>> {
    sync_issues::table
        .filter(sync_issues::directory_id.eq(directory_id))
        .order(sync_issues::id.desc())
        .limit(limit)
        .select(SyncIssueRow::as_select())
        .load(conn)
}

/// Adds request counts; counts older than `HOURS_KEPT` before `hour` go.
pub fn add_requests(conn: &mut DbConn, rows: &[SyncRequestsRow], hour: i64) -> QueryResult<()> {
    for row in rows {
        SqlCondition::new()
            .sql("INSERT INTO sync_requests (directory_id, hour, status, requests) VALUES (")
            .text(row.directory_id.clone())
            .sql(", ")
            .bigint(row.hour)
            .sql(", ")
            .bigint(i64::from(row.status))
            .sql(", ")
            .bigint(row.requests)
            .sql(
                ") ON CONFLICT (directory_id, hour, status) DO UPDATE SET \
                  requests = sync_requests.requests + excluded.requests",
            )
            .execute(conn)?;
    }
    if !rows.is_empty() {
        diesel::delete(sync_requests::table.filter(sync_requests::hour.lt(hour - HOURS_KEPT)))
            .execute(conn)?;
    }
    Ok(())
}

/// A directory's request counts from `since_hour` on.
pub fn requests_of(
    conn: &mut DbConn,
    directory_id: &str,
    since_hour: i64,
) -> QueryResult<Vec<SyncRequestsRow>> {
    sync_requests::table
        .filter(sync_requests::directory_id.eq(directory_id))
        .filter(sync_requests::hour.ge(since_hour))
        .select(SyncRequestsRow::as_select())
        .load(conn)
}
