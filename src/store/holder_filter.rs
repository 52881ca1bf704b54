//! `entitlements[value eq "<product>:<role>"]` over a directory's users,
//! alone or with more (`… and active eq true`): an auditor's "who holds
//! this", answered from the groups that grant it.
//!
//! Compiled as any filter, it reads "users whose id is among the holders"
//! from the `user_entitlements` view: the database builds the whole set of
//! holders for every page (a product mapped from a 200,000-member group:
//! 15 s for the first page at 1M users on SQLite, and a cursor walk that
//! had not finished after 90 s). An entitlement is granted by a few mapped
//! groups (the synced ones an admin mapped, and the product's default
//! group); its holders are those groups' users who hold access at all
//! (active, not suspended, their person live, and not a portal-only
//! customer unless the role is `customer`: the view's own conditions).
//! Each group lists its users in creation order (`memberships_group_order`,
//! as `store::group_filter` reads it), so a page is the first users of
//! each group's stretch from the page's start that pass those conditions
//! and the rest of the filter, merged. The total, when one synced group
//! grants it and nothing more is asked of its holders, is the group's
//! holders counted ahead (`store::group_counts`); otherwise counted.

use diesel::prelude::*;

use super::conn::{DbConn, MultiBackend};
use super::directories::LOCAL_DIRECTORY;
use super::group_filter::after_position;
use super::models::UserRow;
use super::schema::{group_mappings, groups, memberships, products, users};
use super::sql_filter::{HoldersOf, ListQuery, SqlCondition};

/// Past this many granting groups, a page costs more queries than the
/// compiled filter does; it takes the compiled filter.
const MAX_GROUPS: usize = 16;

/// Whether `query` can be answered here: a users query with `holders_of`
/// set, paging forwards in creation order (a cursor's previous page, and
/// any `sortBy`, take the compiled filter).
pub fn serves(query: &ListQuery) -> bool {
    query.holders_of.is_some() && query.forward_in_creation_order()
}

/// One page of the users of `directory` holding the entitlement, in
/// creation order, and their total (0 unless `query.count_total`); `None`
/// when more than [`MAX_GROUPS`] groups grant it.
pub fn holders(
    conn: &mut DbConn,
    directory: &str,
    holders: &HoldersOf,
    query: &ListQuery,
) -> QueryResult<Option<(i64, Vec<UserRow>)>> {
    let granting = granting_groups(conn, &holders.value)?;
    let granting_ids: Vec<String> = granting.iter().map(|(id, _)| id.clone()).collect();
    if granting.is_empty() {
        // Every entitlement comes from a mapped group with users: nobody
        // holds it.
        return Ok(Some((0, Vec::new())));
    }
    if granting.len() > MAX_GROUPS {
        return Ok(None);
    }
    // The role granted is what the value says after its product; roles
    // hold no ':'.
    let role = holders.value.rsplit(':').next().unwrap_or_default();
    let customer_role = role.eq_ignore_ascii_case("customer");
    let members_of = |groups: &[String]| {
        let mut q = memberships::table
            .inner_join(users::table.on(users::id.eq(memberships::member_id)))
            .filter(memberships::member_type.eq("User"))
            .filter(users::directory_id.eq(directory.to_owned()))
            .filter(holds_access(customer_role))
            .into_boxed::<MultiBackend>();
        // One group by equality: PostgreSQL then reads its range of the
        // ordered index in order (`= ANY` of one needs a sort).
        q = match groups {
            [one] => q.filter(memberships::group_id.eq(one.clone())),
            _ => q.filter(memberships::group_id.eq_any(groups.to_vec())),
        };
        if let Some(rest) = &holders.rest {
            q = q.filter(rest.clone());
        }
        q
    };
    let count = |conn: &mut DbConn| -> QueryResult<i64> {
        if !query.count_total {
            return Ok(0);
        }
        match granting.as_slice() {
            // One synced group of this directory (its members are all
            // users of it) and nothing more asked of them: its holders are
            // counted ahead.
            [(group, owner)]
                if holders.rest.is_none() && owner == directory && directory != LOCAL_DIRECTORY =>
            {
                super::group_counts::holders(conn, group, customer_role)
            }
            // A user is a member of one group once: no duplicates.
            [_] => members_of(&granting_ids).count().get_result(conn),
            _ => members_of(&granting_ids)
                .select(diesel::dsl::count(memberships::member_id).aggregate_distinct())
                .get_result(conn),
        }
    };
    let offset = usize::try_from(query.offset).unwrap_or(usize::MAX);
    let limit = usize::try_from(query.limit).unwrap_or(usize::MAX);
    if limit == 0 {
        return Ok(Some((count(conn)?, Vec::new())));
    }
    // Each group's first `offset + limit` holders from the page's start:
    // together they hold the page, whatever the overlap. One group pages
    // in the database itself: a deep startIndex page skips index entries
    // there instead of loading them.
    let (skip_each, take_each, skip_merged) = match granting.as_slice() {
        [_] => (offset, limit, 0),
        _ => (0, offset.saturating_add(limit), offset),
    };
    let as_sql = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
    let mut found: Vec<(Option<i64>, String)> = Vec::new();
    for group in &granting_ids {
        let mut q = members_of(std::slice::from_ref(group));
        if let Some(p) = &query.position {
            q = q.filter(after_position(p));
        }
        found.extend(
            q.order((memberships::member_created_at, memberships::member_id))
                .offset(as_sql(skip_each))
                .limit(as_sql(take_each))
                .select((memberships::member_created_at, memberships::member_id))
                .load::<(Option<i64>, String)>(conn)?,
        );
    }
    found.sort();
    found.dedup();
    let ids: Vec<String> = found
        .into_iter()
        .skip(skip_merged)
        .take(limit)
        .map(|(_, id)| id)
        .collect();
    let mut rows: Vec<UserRow> = users::table
        .filter(users::id.eq_any(&ids))
        .select(UserRow::as_select())
        .load(conn)?;
    rows.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
    // A first page that is not full is everything there is.
    let total = if offset == 0 && query.position.is_none() && rows.len() < limit {
        if query.count_total {
            rows.len() as i64
        } else {
            0
        }
    } else {
        count(conn)?
    };
    Ok(Some((total, rows)))
}

/// The groups with users granting the entitlement `value`, with their
/// directories (`<product>:<role>`, compared without case, as the filter
/// compares it):
/// the view's mappings of existing groups and products, through the role
/// implications (`admin` grants `user` too). Groups without users (a
/// product's default group, where only IdP groups grant access) add no
/// holders: leaving them out (by their kept counts) spares a query per
/// page, and counting the holders of one group needs no de-duplication.
fn granting_groups(conn: &mut DbConn, value: &str) -> QueryResult<Vec<(String, String)>> {
    let mut granting: Vec<(String, String)> = group_mappings::table
        .inner_join(products::table)
        .inner_join(groups::table.on(groups::id.nullable().eq(group_mappings::group_id)))
        .filter(
            SqlCondition::new()
                .sql("EXISTS (SELECT 1 FROM role_implications ri WHERE ri.role = group_mappings.role AND lower(products.product_key || ':' || ri.grants) = lower(")
                .text(value.to_owned())
                .sql("))")
                .sql(" AND EXISTS (SELECT 1 FROM group_user_counts c WHERE c.group_id = \"groups\".id AND c.users > 0)")
                .cacheable(),
        )
        .select((groups::id, groups::directory_id))
        .load(conn)?;
    granting.sort();
    granting.dedup();
    Ok(granting)
}

/// A member holds any access at all: the `user_entitlements` view's
/// conditions on the member, for a grant of the `customer` role or of
/// another.
pub(super) fn holds_access(customer_role: bool) -> SqlCondition {
    let condition = SqlCondition::new().sql(
        "users.active AND NOT users.suspended \
         AND coalesce((SELECT pe.live FROM persons pe WHERE pe.id = users.person_id), users.active)",
    );
    // Portal-only customers hold nothing but the customer role.
    if customer_role {
        condition.cacheable()
    } else {
        condition.sql(" AND NOT users.portal_only").cacheable()
    }
}
