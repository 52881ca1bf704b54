//! Invitations and invite links.

use diesel::prelude::*;

use super::conn::{DbConn, MultiBackend};
use super::models::{InvitationRow, InviteLinkRow};
use super::schema::{invitations, invite_links};

/// Adds an invitation.
pub fn insert(conn: &mut DbConn, row: &InvitationRow) -> QueryResult<()> {
    diesel::insert_into(invitations::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// The invitation with this id.
pub fn find(conn: &mut DbConn, id: &str) -> QueryResult<InvitationRow> {
    invitations::table
        .find(id)
        .select(InvitationRow::as_select())
        .first(conn)
}

/// Writes every column of `row` over the invitation with the same id.
pub fn update(conn: &mut DbConn, row: &InvitationRow) -> QueryResult<usize> {
    diesel::update(invitations::table.find(&row.id))
        .set(row)
        .execute(conn)
}

/// An open, unexpired invitation of this email to this product, if any.
pub fn open_for(
    conn: &mut DbConn,
    product: &str,
    email: &str,
    now: i64,
) -> QueryResult<Option<InvitationRow>> {
    invitations::table
        .filter(invitations::product_key.eq(product))
        .filter(invitations::email.eq(email))
        .filter(invitations::status.eq("open"))
        .filter(invitations::expires_at.gt(now))
        .select(InvitationRow::as_select())
        .first(conn)
        .optional()
}

/// Invitations to these products still open at `now` (an expired one
/// keeps its own status).
pub fn open_to(
    conn: &mut DbConn,
    products: &[String],
    now: i64,
) -> QueryResult<Vec<InvitationRow>> {
    invitations::table
        .filter(invitations::status.eq("open"))
        .filter(invitations::expires_at.gt(now))
        .filter(invitations::product_key.eq_any(products))
        .select(InvitationRow::as_select())
        .load(conn)
}

/// A page of invitations, newest first. `status` as shown: an open
/// invitation past its expiry is `expired`.
pub fn list(
    conn: &mut DbConn,
    status: Option<&str>,
    product: Option<&str>,
    now: i64,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<InvitationRow>> {
    let mut q = invitations::table.into_boxed::<MultiBackend>();
    match status {
        Some("open") => {
            q = q
                .filter(invitations::status.eq("open"))
                .filter(invitations::expires_at.gt(now));
        }
        Some("expired") => {
            q = q.filter(
                invitations::status.eq("expired").or(invitations::status
                    .eq("open")
                    .and(invitations::expires_at.le(now))),
            );
        }
        Some(other) => q = q.filter(invitations::status.eq(other.to_owned())),
        None => {}
    }
    if let Some(p) = product {
        q = q.filter(invitations::product_key.eq(p.to_owned()));
    }
    q.order((invitations::created_at.desc(), invitations::id))
        .offset(offset)
        .limit(limit)
        .select(InvitationRow::as_select())
        .load(conn)
}

/// Adds an invite link.
pub fn insert_link(conn: &mut DbConn, row: &InviteLinkRow) -> QueryResult<()> {
    diesel::insert_into(invite_links::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// The invite link with this id.
pub fn find_link(conn: &mut DbConn, id: &str) -> QueryResult<InviteLinkRow> {
    invite_links::table
        .find(id)
        .select(InviteLinkRow::as_select())
        .first(conn)
}

/// The invite link whose token hashes to this.
pub fn link_by_hash(conn: &mut DbConn, token_hash: &str) -> QueryResult<Option<InviteLinkRow>> {
    invite_links::table
        .filter(invite_links::token_hash.eq(token_hash))
        .select(InviteLinkRow::as_select())
        .first(conn)
        .optional()
}

/// Invite links, newest first; one product's when given.
pub fn list_links(conn: &mut DbConn, product: Option<&str>) -> QueryResult<Vec<InviteLinkRow>> {
    let mut q = invite_links::table.into_boxed::<MultiBackend>();
    if let Some(p) = product {
        q = q.filter(invite_links::product_key.eq(p.to_owned()));
    }
    q.order((invite_links::created_at.desc(), invite_links::id))
        .select(InviteLinkRow::as_select())
        .load(conn)
}

/// Marks a link revoked; returns the rows changed (0: unknown or revoked).
pub fn revoke_link(conn: &mut DbConn, id: &str, at: i64) -> QueryResult<usize> {
    diesel::update(
        invite_links::table
            .filter(invite_links::id.eq(id))
            .filter(invite_links::revoked_at.is_null()),
    )
    .set(invite_links::revoked_at.eq(Some(at)))
    .execute(conn)
}
