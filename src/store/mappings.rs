//! Group-to-role mappings.

use diesel::prelude::*;

use super::conn::{DbConn, MultiBackend};
use super::dialect::lock_group_for_mapping;
use super::models::MappingRow;
use super::schema::{group_mappings, memberships};

/// Takes the write lock on a group's row for a mapping of it
/// (`dialect::lock_group_for_mapping`: the members being added beside it
/// are noted for their licenses). `insert` and `bind` take it themselves;
/// a caller that also locks a product's cap (`CapGuard`) takes it first,
/// in the order a member PATCH takes them (its group, then the product).
pub fn hold_group(conn: &mut DbConn, group_id: &str) -> QueryResult<()> {
    lock_group_for_mapping(conn, group_id)
}

/// Adds a mapping; one of a group holds the group's row (`hold_group`).
pub fn insert(conn: &mut DbConn, row: &MappingRow) -> QueryResult<()> {
    if let Some(group_id) = &row.group_id {
        hold_group(conn, group_id)?;
    }
    diesel::insert_into(group_mappings::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// The mapping with this id.
pub fn find(conn: &mut DbConn, id: &str) -> QueryResult<MappingRow> {
    group_mappings::table
        .find(id)
        .select(MappingRow::as_select())
        .first(conn)
}

/// Deletes a mapping, holding its group's row as `insert` does (members
/// being added beside it either see it, and note their persons, or come
/// after its trigger noted the group's members); returns 0 or 1.
pub fn delete(conn: &mut DbConn, row: &MappingRow) -> QueryResult<usize> {
    if let Some(group_id) = &row.group_id {
        hold_group(conn, group_id)?;
    }
    diesel::delete(group_mappings::table.find(&row.id)).execute(conn)
}

/// Mappings, oldest first; only one product's when `product` is given.
pub fn list(conn: &mut DbConn, product: Option<&str>) -> QueryResult<Vec<MappingRow>> {
    let mut q = group_mappings::table.into_boxed::<MultiBackend>();
    if let Some(p) = product {
        q = q.filter(group_mappings::product_key.eq(p.to_owned()));
    }
    q.order((group_mappings::created_at, group_mappings::id))
        .select(MappingRow::as_select())
        .load(conn)
}

/// The mappings bound to one group.
pub fn of_group(conn: &mut DbConn, group_id: &str) -> QueryResult<Vec<MappingRow>> {
    group_mappings::table
        .filter(group_mappings::group_id.eq(group_id))
        .order((group_mappings::product_key, group_mappings::role))
        .select(MappingRow::as_select())
        .load(conn)
}

/// A mapping of the same group (bound, or waiting for the same name and
/// directory) to the same role of the same product, if one exists.
pub fn find_same(conn: &mut DbConn, row: &MappingRow) -> QueryResult<Option<MappingRow>> {
    let mut q = group_mappings::table
        .filter(group_mappings::product_key.eq(row.product_key.clone()))
        .filter(group_mappings::role.eq(row.role.clone()))
        .into_boxed::<MultiBackend>();
    q = match &row.group_id {
        Some(g) => q.filter(group_mappings::group_id.eq(g.clone())),
        None => {
            let q = q
                .filter(group_mappings::group_id.is_null())
                .filter(group_mappings::group_name_key.eq(row.group_name_key.clone()));
            match &row.directory_id {
                Some(d) => q.filter(group_mappings::directory_id.eq(d.clone())),
                None => q.filter(group_mappings::directory_id.is_null()),
            }
        }
    };
    q.select(MappingRow::as_select()).first(conn).optional()
}

/// Mappings waiting for a group named `name_key` that a group of
/// `directory_id` would satisfy.
pub fn waiting_for(
    conn: &mut DbConn,
    name_key: &str,
    directory_id: &str,
) -> QueryResult<Vec<MappingRow>> {
    group_mappings::table
        .filter(group_mappings::group_id.is_null())
        .filter(group_mappings::group_name_key.eq(name_key))
        .filter(
            group_mappings::directory_id
                .is_null()
                .or(group_mappings::directory_id.eq(directory_id)),
        )
        .select(MappingRow::as_select())
        .load(conn)
}

/// Mappings waiting for a group of this (folded) name, in any directory.
pub fn waiting_named(conn: &mut DbConn, name_key: &str) -> QueryResult<Vec<MappingRow>> {
    group_mappings::table
        .filter(group_mappings::group_id.is_null())
        .filter(group_mappings::group_name_key.eq(name_key))
        .order((group_mappings::created_at, group_mappings::id))
        .select(MappingRow::as_select())
        .load(conn)
}

/// Binds waiting mappings to the group that arrived (or was renamed to
/// their name), holding its row as `insert` does.
pub fn bind(conn: &mut DbConn, mapping_ids: &[String], group_id: &str) -> QueryResult<usize> {
    hold_group(conn, group_id)?;
    diesel::update(group_mappings::table.filter(group_mappings::id.eq_any(mapping_ids)))
        .set(group_mappings::group_id.eq(Some(group_id)))
        .execute(conn)
}

/// The products that mappings of these groups grant, without repeats.
pub fn products_of_groups(conn: &mut DbConn, group_ids: &[String]) -> QueryResult<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for chunk in group_ids.chunks(500) {
        out.extend(
            group_mappings::table
                .filter(group_mappings::group_id.eq_any(chunk))
                .select(group_mappings::product_key)
                .distinct()
                .load::<String>(conn)?,
        );
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// The products that a user's groups grant, whatever the user's state.
pub fn products_of_member(conn: &mut DbConn, user_id: &str) -> QueryResult<Vec<String>> {
    group_mappings::table
        .inner_join(
            memberships::table.on(memberships::group_id
                .nullable()
                .eq(group_mappings::group_id)),
        )
        .filter(memberships::member_id.eq(user_id))
        .select(group_mappings::product_key)
        .distinct()
        .order(group_mappings::product_key)
        .load(conn)
}

/// The products that the groups of any account of a person grant,
/// whatever the accounts' state.
pub fn products_of_person(conn: &mut DbConn, person_id: &str) -> QueryResult<Vec<String>> {
    use super::schema::users;
    let accounts = users::table
        .filter(users::person_id.eq(person_id.to_owned()))
        .select(users::id);
    group_mappings::table
        .inner_join(
            memberships::table.on(memberships::group_id
                .nullable()
                .eq(group_mappings::group_id)),
        )
        .filter(memberships::member_id.eq_any(accounts))
        .select(group_mappings::product_key)
        .distinct()
        .order(group_mappings::product_key)
        .load(conn)
}
