//! Access requests and invitations.

use diesel::prelude::*;

use super::conn::{DbConn, MultiBackend};
use super::models::AccessRequestRow;
use super::schema::access_requests;

/// Adds a request.
pub fn insert(conn: &mut DbConn, row: &AccessRequestRow) -> QueryResult<()> {
    diesel::insert_into(access_requests::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// Writes every column of `row` over the request with the same id.
pub fn update(conn: &mut DbConn, row: &AccessRequestRow) -> QueryResult<usize> {
    diesel::update(access_requests::table.find(&row.id))
        .set(row)
        .execute(conn)
}

/// The request with this id.
pub fn find(conn: &mut DbConn, id: &str) -> QueryResult<AccessRequestRow> {
    access_requests::table
        .find(id)
        .select(AccessRequestRow::as_select())
        .first(conn)
}

/// Requests, oldest first; only those in `status` when given.
pub fn list(conn: &mut DbConn, status: Option<&str>) -> QueryResult<Vec<AccessRequestRow>> {
    let mut q = access_requests::table.into_boxed::<MultiBackend>();
    if let Some(s) = status {
        q = q.filter(access_requests::status.eq(s.to_owned()));
    }
    q.order((access_requests::created_at, access_requests::id))
        .select(AccessRequestRow::as_select())
        .load(conn)
}

/// The `limit` newest requests in `status`, newest first (the status
/// index, read backwards).
pub fn newest(conn: &mut DbConn, status: &str, limit: i64) -> QueryResult<Vec<AccessRequestRow>> {
    access_requests::table
        .filter(access_requests::status.eq(status))
        .order((
            access_requests::created_at.desc(),
            access_requests::id.desc(),
        ))
        .limit(limit)
        .select(AccessRequestRow::as_select())
        .load(conn)
}

/// A request on `product` about the subject (by user id or email key) in
/// `status`, if any.
pub fn find_about(
    conn: &mut DbConn,
    product: &str,
    subject_id: Option<&str>,
    subject_email: Option<&str>,
    status: &str,
) -> QueryResult<Option<AccessRequestRow>> {
    let by_id = access_requests::subject_id.eq(subject_id.map(str::to_owned));
    let by_email = access_requests::subject_email.eq(subject_email.map(str::to_owned));
    access_requests::table
        .filter(access_requests::product_key.eq(product))
        .filter(access_requests::status.eq(status))
        .filter(by_id.or(by_email))
        .select(AccessRequestRow::as_select())
        .first(conn)
        .optional()
}

/// Pending requests for these products, which IT-only mode closes.
pub fn pending_for(conn: &mut DbConn, products: &[String]) -> QueryResult<Vec<AccessRequestRow>> {
    access_requests::table
        .filter(access_requests::status.eq("pending"))
        .filter(access_requests::product_key.eq_any(products))
        .select(AccessRequestRow::as_select())
        .load(conn)
}
