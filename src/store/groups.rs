//! Queries on SCIM groups (without their members; see `memberships`).

use diesel::prelude::*;

use super::conn::{DbConn, MultiBackend};
use super::error::StoreError;
use super::kept;
use super::models::GroupRow;
use super::page_window::windowed;
use super::schema::groups;
use super::sql_filter::ListQuery;

/// Adds a group; a taken displayName fails with a unique violation.
pub fn insert(conn: &mut DbConn, row: &GroupRow) -> QueryResult<()> {
    diesel::insert_into(groups::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// The group with this id in this directory.
///
/// `directory` None reads across every directory (an admin's compliance reads).
pub fn find(conn: &mut DbConn, directory: Option<&str>, id: &str) -> QueryResult<GroupRow> {
    let mut q = groups::table
        .filter(groups::id.eq(id))
        .into_boxed::<MultiBackend>();
    if let Some(d) = directory {
        q = q.filter(groups::directory_id.eq(d.to_owned()));
    }
    q.select(GroupRow::as_select()).first(conn)
}

/// The stored version of a group (`NotFound` once it is gone).
pub fn version_of(conn: &mut DbConn, id: &str) -> QueryResult<i64> {
    groups::table
        .filter(groups::id.eq(id))
        .select(groups::version)
        .first(conn)
}

/// Writes every column of `row` over the stored group with the same id.
/// Only if the stored version is still the one read (`row.version - 1`):
/// a concurrent writer got there first otherwise, and the write is stale.
pub fn update(conn: &mut DbConn, row: &GroupRow) -> Result<(), StoreError> {
    let changed = kept::update(
        conn,
        groups::table,
        row,
        groups::id
            .eq(&row.id)
            .and(groups::version.eq(row.version - 1)),
    )?;
    if changed == 0 {
        return Err(StoreError::Stale);
    }
    Ok(())
}

/// The row of `id`, locked for this transaction's writes: on PostgreSQL
/// read with its lock (`FOR UPDATE`), one round trip where a lock and then
/// a read were two (every member PATCH starts here); SQLite has one writer
/// at a time and needs no lock.
pub fn find_for_update(conn: &mut DbConn, directory_id: &str, id: &str) -> QueryResult<GroupRow> {
    match conn {
        DbConn::Sqlite(_) => find(conn, Some(directory_id), id),
        DbConn::Postgres(c) => groups::table
            .filter(groups::id.eq(id))
            .filter(groups::directory_id.eq(directory_id))
            .select(GroupRow::as_select())
            .for_update()
            .first(c),
    }
}

/// Deletes a group (its memberships go with it); returns 0 or 1.
pub fn delete(conn: &mut DbConn, directory_id: &str, id: &str) -> QueryResult<usize> {
    diesel::delete(
        groups::table
            .filter(groups::directory_id.eq(directory_id))
            .filter(groups::id.eq(id)),
    )
    .execute(conn)
}

/// Of `ids`, those that are groups of this directory. Looked up by primary key
/// only: with the directory in the WHERE clause SQLite walks the
/// directory's index instead, a cost that grows with the directory.
pub fn existing_ids(
    conn: &mut DbConn,
    directory_id: &str,
    ids: &[String],
) -> QueryResult<Vec<String>> {
    let mut found = Vec::new();
    for chunk in ids.chunks(500) {
        found.extend(
            groups::table
                .filter(groups::id.eq_any(chunk))
                .select((groups::id, groups::directory_id))
                .load::<(String, String)>(conn)?
                .into_iter()
                .filter(|(_, dir)| dir == directory_id)
                .map(|(id, _)| id),
        );
    }
    Ok(found)
}

/// One page of a directory's groups matching the query, and the total.
pub fn list(
    conn: &mut DbConn,
    directory: Option<&str>,
    query: &ListQuery,
) -> QueryResult<(i64, Vec<GroupRow>)> {
    let base = || {
        let mut q = groups::table.into_boxed::<MultiBackend>();
        if let Some(d) = directory {
            q = q.filter(groups::directory_id.eq(d.to_owned()));
        }
        if let Some(c) = &query.condition {
            q = q.filter(c.clone());
        }
        q
    };
    let count = |conn: &mut DbConn| match query.count_total {
        true => base().count().get_result::<i64>(conn),
        false => Ok(0),
    };
    let offset = i64::try_from(query.offset).unwrap_or(i64::MAX);
    let limit = i64::try_from(query.limit).unwrap_or(i64::MAX);
    if limit == 0 {
        return Ok((count(conn)?, Vec::new()));
    }
    let mut page = base();
    if let Some(seek) = &query.seek {
        page = page.filter(seek.clone());
    }
    let rows = windowed(
        page.order(query.order.clone())
            .select(GroupRow::as_select()),
        limit,
        offset,
    )
    .load(conn)?;
    // A first page that is not full is everything there is: the lookup an
    // IdP makes before every create needs no second query to count.
    let total = if offset == 0 && query.seek.is_none() && (rows.len() as i64) < limit {
        rows.len() as i64
    } else {
        count(conn)?
    };
    Ok((total, rows))
}

/// Groups with this (folded) displayName, in one directory or in all.
pub fn named(
    conn: &mut DbConn,
    name_key: &str,
    directory: Option<&str>,
) -> QueryResult<Vec<GroupRow>> {
    let mut q = groups::table
        .filter(groups::display_name_key.eq(name_key.to_owned()))
        .into_boxed::<MultiBackend>();
    if let Some(d) = directory {
        q = q.filter(groups::directory_id.eq(d.to_owned()));
    }
    q.order((groups::created_at, groups::id))
        .select(GroupRow::as_select())
        .load(conn)
}

/// Every group made by admins (the local directory's), by name.
pub fn list_local(conn: &mut DbConn) -> QueryResult<Vec<GroupRow>> {
    groups::table
        .filter(groups::directory_id.eq(super::directories::LOCAL_DIRECTORY))
        .order((groups::display_name_key, groups::id))
        .select(GroupRow::as_select())
        .load(conn)
}
