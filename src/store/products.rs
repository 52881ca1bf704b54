//! Sites and their products.

use diesel::prelude::*;

use super::conn::DbConn;
use super::models::{ProductRow, SiteRow};
use super::schema::{group_mappings, groups, products, sites};
use crate::scim::fold::fold;

/// Adds a site; a taken name fails with a unique violation.
pub fn insert_site(conn: &mut DbConn, row: &SiteRow) -> QueryResult<()> {
    diesel::insert_into(sites::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// The groups of any directory with this folded name: `(id, directory)`.
pub fn groups_named(conn: &mut DbConn, name_key: &str) -> QueryResult<Vec<(String, String)>> {
    groups::table
        .filter(groups::display_name_key.eq(name_key))
        .select((groups::id, groups::directory_id))
        .load(conn)
}

/// The site with this id, or else with this name (case-insensitive).
pub fn find_site(conn: &mut DbConn, id_or_name: &str) -> QueryResult<SiteRow> {
    sites::table
        .filter(
            sites::id
                .eq(id_or_name)
                .or(sites::name_key.eq(fold(id_or_name))),
        )
        .select(SiteRow::as_select())
        .first(conn)
}

/// Every site, oldest first.
pub fn list_sites(conn: &mut DbConn) -> QueryResult<Vec<SiteRow>> {
    sites::table
        .order((sites::created_at, sites::id))
        .select(SiteRow::as_select())
        .load(conn)
}

/// Adds a product; a taken key fails with a unique violation.
pub fn insert(conn: &mut DbConn, row: &ProductRow) -> QueryResult<()> {
    diesel::insert_into(products::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// Writes every column of `row` over the product with the same key.
pub fn update(conn: &mut DbConn, row: &ProductRow) -> QueryResult<usize> {
    diesel::update(products::table.find(&row.product_key))
        .set(row)
        .execute(conn)
}

/// The product with this id (`key`, or `key@site` for a key on more than
/// one site).
pub fn find(conn: &mut DbConn, id: &str) -> QueryResult<ProductRow> {
    products::table
        .find(id)
        .select(ProductRow::as_select())
        .first(conn)
}

/// The product with this key on this site.
pub fn find_on_site(conn: &mut DbConn, site_id: &str, key: &str) -> QueryResult<ProductRow> {
    products::table
        .filter(products::site_id.eq(site_id))
        .filter(products::bare_key.eq(key))
        .select(ProductRow::as_select())
        .first(conn)
}

/// The product, locked until the transaction ends, so two license checks
/// on it take turns: on PostgreSQL read with its lock (`FOR UPDATE`), one
/// round trip; SQLite has one writer at a time and needs no lock.
pub fn find_for_update(conn: &mut DbConn, key: &str) -> QueryResult<ProductRow> {
    match conn {
        DbConn::Sqlite(_) => find(conn, key),
        DbConn::Postgres(c) => products::table
            .find(key)
            .select(ProductRow::as_select())
            .for_update()
            .first(c),
    }
}

/// Of the products `keys` name, those with a license cap and their caps,
/// by key, locked until the transaction ends (on PostgreSQL; SQLite has
/// one writer at a time): a change that may use licenses finds and locks
/// the capped products it touches in one statement (`licensing::CapGuard`),
/// where reading each product and then locking it were two round trips
/// a product. Uncapped products stay unlocked, so changes on them don't
/// queue; locked in key order, so two changes never wait on each other.
pub fn capped_for_update(conn: &mut DbConn, keys: &[String]) -> QueryResult<Vec<(String, i64)>> {
    let capped = products::table
        .filter(products::product_key.eq_any(keys))
        .filter(products::license_cap.is_not_null())
        .order(products::product_key)
        .select((
            products::product_key,
            products::license_cap.assume_not_null(),
        ));
    match conn {
        DbConn::Sqlite(_) => capped.load(conn),
        DbConn::Postgres(c) => capped.for_update().load(c),
    }
}

/// `capped_for_update` of the products `group_id` is mapped to, found
/// and locked in one statement: every member PATCH that adds members asks
/// (`licensing::CapGuard::for_group`), where reading the group's products
/// and then locking the capped ones were two round trips.
pub fn capped_of_group_for_update(
    conn: &mut DbConn,
    group_id: &str,
) -> QueryResult<Vec<(String, i64)>> {
    let mapped = group_mappings::table
        .filter(group_mappings::group_id.eq(group_id.to_owned()))
        .select(group_mappings::product_key);
    let capped = products::table
        .filter(products::product_key.eq_any(mapped))
        .filter(products::license_cap.is_not_null())
        .order(products::product_key)
        .select((
            products::product_key,
            products::license_cap.assume_not_null(),
        ));
    match conn {
        DbConn::Sqlite(_) => capped.load(conn),
        DbConn::Postgres(c) => capped.for_update().load(c),
    }
}

/// Every product, by key.
pub fn list(conn: &mut DbConn) -> QueryResult<Vec<ProductRow>> {
    products::table
        .order(products::product_key)
        .select(ProductRow::as_select())
        .load(conn)
}

/// The key of the product whose default group has this (folded) name.
pub fn with_default_group_named(conn: &mut DbConn, name_key: &str) -> QueryResult<Option<String>> {
    products::table
        .inner_join(groups::table.on(groups::id.eq(products::default_group_id)))
        .filter(groups::display_name_key.eq(name_key))
        .select(products::product_key)
        .first(conn)
        .optional()
}

/// The key of the product whose default group this is, if any.
pub fn with_default_group(conn: &mut DbConn, group_id: &str) -> QueryResult<Option<String>> {
    products::table
        .filter(products::default_group_id.eq(group_id))
        .select(products::product_key)
        .first(conn)
        .optional()
}
