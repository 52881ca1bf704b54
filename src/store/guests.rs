//! Guests of sites and the space each is in.

use diesel::prelude::*;

use super::conn::DbConn;
use super::models::{GuestRow, GuestSpaceRow};
use super::schema::{guest_spaces, guests};

/// Adds a guest; the same account twice on one site is a unique violation.
pub fn insert(conn: &mut DbConn, row: &GuestRow) -> QueryResult<()> {
    diesel::insert_into(guests::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// The guest with this id.
pub fn find(conn: &mut DbConn, id: &str) -> QueryResult<GuestRow> {
    guests::table
        .find(id)
        .select(GuestRow::as_select())
        .first(conn)
}

/// Sets a guest's status.
pub fn set_status(conn: &mut DbConn, id: &str, status: &str) -> QueryResult<usize> {
    diesel::update(guests::table.find(id))
        .set(guests::status.eq(status))
        .execute(conn)
}

/// Removes a guest (and its space).
pub fn delete(conn: &mut DbConn, id: &str) -> QueryResult<usize> {
    diesel::delete(guests::table.find(id)).execute(conn)
}

/// The space a guest is in, if any.
pub fn space_of(conn: &mut DbConn, guest_id: &str) -> QueryResult<Option<GuestSpaceRow>> {
    guest_spaces::table
        .find(guest_id)
        .select(GuestSpaceRow::as_select())
        .first(conn)
        .optional()
}

/// Puts a guest in a space.
pub fn insert_space(conn: &mut DbConn, row: &GuestSpaceRow) -> QueryResult<()> {
    diesel::insert_into(guest_spaces::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// Takes a guest out of its space.
pub fn delete_space(conn: &mut DbConn, guest_id: &str) -> QueryResult<usize> {
    diesel::delete(guest_spaces::table.find(guest_id)).execute(conn)
}

/// Every guest, oldest first, with its space.
pub fn list(conn: &mut DbConn) -> QueryResult<Vec<(GuestRow, Option<GuestSpaceRow>)>> {
    guests::table
        .left_join(guest_spaces::table)
        .order((guests::created_at, guests::id))
        .select((GuestRow::as_select(), Option::<GuestSpaceRow>::as_select()))
        .load(conn)
}
