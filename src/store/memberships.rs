//! Group membership rows: changed one member at a time, so the cost of a
//! change follows the members changed, not the size of the group.

use std::collections::HashMap;

use diesel::prelude::*;
use diesel::sql_types::{Bool, Nullable, Text};

use super::conn::DbConn;
use super::id_list::{load_over_users, OverIds};
pub use super::models::{MappedRole, MembershipGrant};
use super::models::{MembershipRow, UserRow};
use super::schema::{groups, memberships, users};

/// Adds memberships; existing (group, member) pairs are left as they are.
/// Returns how many were new (`membership_rows::insert`). The users added
/// get a new version: their `groups` (and maybe entitlements) changed.
pub fn add(conn: &mut DbConn, rows: &[MembershipRow]) -> QueryResult<usize> {
    let Some(first) = rows.first() else {
        return Ok(0);
    };
    let ids: Vec<String> = rows.iter().map(|r| r.member_id.clone()).collect();
    super::users::touching(conn, &ids, first.created_at, |conn| {
        super::membership_rows::insert(conn, rows)
    })
}

/// Whose write locks a change of memberships takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserLocks {
    /// Every user concerned, in id order, before anything moves.
    Take,
    /// None: the transaction holds them already (`users::existing_ids_locked`).
    Held,
}

/// A group's members changed in one write: `removed` leave, `rows` join
/// (as `remove` and `add`). Every user concerned is locked first (or was,
/// `UserLocks::Held`), before any membership moves, and gets its new
/// version (and `group_ids`) after them. On PostgreSQL a membership written
/// takes its group's kept counts (the triggers of `group_user_counts`),
/// and so does a member's own update, which holds the member's row first:
/// taking the rows of the members joining after the counts of those
/// leaving could wait in a cycle with such an update.
pub fn change(
    conn: &mut DbConn,
    group_id: &str,
    removed: &[String],
    rows: &[MembershipRow],
    now: i64,
    locks: UserLocks,
) -> QueryResult<()> {
    let concerned: Vec<String> = removed
        .iter()
        .cloned()
        .chain(rows.iter().map(|r| r.member_id.clone()))
        .collect();
    let moved = |conn: &mut DbConn| {
        delete(conn, group_id, removed)?;
        super::membership_rows::insert(conn, rows).map(drop)
    };
    match locks {
        UserLocks::Take => super::users::touching(conn, &concerned, now, moved),
        UserLocks::Held => super::users::touching_locked(conn, &concerned, now, moved),
    }
}

/// Removes these members from a group; members not in it are ignored.
/// Returns how many were removed. The users removed get a new version
/// (as of `now`).
pub fn remove(
    conn: &mut DbConn,
    group_id: &str,
    member_ids: &[String],
    now: i64,
) -> QueryResult<usize> {
    super::users::touching(conn, member_ids, now, |conn| {
        delete(conn, group_id, member_ids)
    })
}

/// Deletes these members' memberships of a group; how many there were.
fn delete(conn: &mut DbConn, group_id: &str, member_ids: &[String]) -> QueryResult<usize> {
    let mut removed = 0;
    let backend = conn.backend();
    for chunk in member_ids.chunks(500) {
        removed += diesel::delete(
            memberships::table
                .filter(memberships::group_id.eq(group_id))
                .filter(super::dialect::among(
                    backend,
                    "memberships.member_id",
                    chunk,
                )),
        )
        .execute(conn)?;
    }
    Ok(removed)
}

/// Removes every membership of one member (a user or group being deleted).
/// The groups' kept counts are locked in group order first
/// (`dialect::lock_group_counts_of`), so concurrent removals queue.
pub fn remove_member_everywhere(conn: &mut DbConn, member_id: &str) -> QueryResult<usize> {
    super::dialect::lock_group_counts_of(conn, member_id)?;
    diesel::delete(memberships::table.filter(memberships::member_id.eq(member_id))).execute(conn)
}

/// Ids of a group's members.
pub fn member_ids(conn: &mut DbConn, group_id: &str) -> QueryResult<Vec<String>> {
    memberships::table
        .filter(memberships::group_id.eq(group_id))
        .select(memberships::member_id)
        .load(conn)
}

/// A member as listed in a group: id, type and a display name.
#[derive(Debug, Clone)]
pub struct ListedMember {
    pub id: String,
    pub member_type: String,
    pub display: Option<String>,
}

/// A group's members with display names (users: displayName, else userName).
pub fn members_of(conn: &mut DbConn, group_id: &str) -> QueryResult<Vec<ListedMember>> {
    Ok(members_of_groups(conn, &[group_id.to_owned()])?
        .remove(group_id)
        .unwrap_or_default())
}

/// The members of each of these groups (a page of a group list), in two
/// queries whatever the number of groups: users first, then groups, each
/// in the order they joined.
pub fn members_of_groups(
    conn: &mut DbConn,
    group_ids: &[String],
) -> QueryResult<HashMap<String, Vec<ListedMember>>> {
    let user_members: Vec<(String, String, Option<String>, String)> = memberships::table
        .inner_join(users::table.on(users::id.eq(memberships::member_id)))
        .filter(memberships::group_id.eq_any(group_ids))
        .order((memberships::created_at, memberships::member_id))
        .select((
            memberships::group_id,
            users::id,
            users::display_name,
            users::user_name,
        ))
        .load(conn)?;
    let group_members: Vec<(String, String, String)> = memberships::table
        .inner_join(groups::table.on(groups::id.eq(memberships::member_id)))
        .filter(memberships::group_id.eq_any(group_ids))
        .order((memberships::created_at, memberships::member_id))
        .select((memberships::group_id, groups::id, groups::display_name))
        .load(conn)?;
    let mut out: HashMap<String, Vec<ListedMember>> = HashMap::new();
    for (group, id, display_name, user_name) in user_members {
        out.entry(group).or_default().push(ListedMember {
            id,
            member_type: "User".into(),
            display: Some(display_name.unwrap_or(user_name)),
        });
    }
    for (group, id, name) in group_members {
        out.entry(group).or_default().push(ListedMember {
            id,
            member_type: "Group".into(),
            display: Some(name),
        });
    }
    Ok(out)
}

/// One page of a group's members, in member id order, after the member
/// `after` (none: from the first). Walked on the primary key, so each page
/// costs the same wherever it is in the group: a 200,000-member group is
/// read page by page (`GET /Groups/{id}` streams it) instead of at once.
/// Returns the page's members and, when the page was full (more may
/// follow), the member id to read the next page after.
pub fn members_page(
    conn: &mut DbConn,
    group_id: &str,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<(Vec<ListedMember>, Option<String>)> {
    let (member_users, member_groups) =
        diesel::alias!(users as member_users, groups as member_groups);
    let mut query = memberships::table
        .left_join(member_users.on(member_users.field(users::id).eq(memberships::member_id)))
        .left_join(member_groups.on(member_groups.field(groups::id).eq(memberships::member_id)))
        .filter(memberships::group_id.eq(group_id))
        .order(memberships::member_id)
        .limit(limit)
        .select((
            memberships::member_id,
            memberships::member_type,
            member_users.field(users::display_name).nullable(),
            member_users.field(users::user_name).nullable(),
            member_groups.field(groups::display_name).nullable(),
        ))
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(memberships::member_id.gt(after.to_owned()));
    }
    type Row = (
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let rows: Vec<Row> = query.load(conn)?;
    let next = match rows.last() {
        Some((last, ..)) if rows.len() as i64 >= limit => Some(last.clone()),
        _ => None,
    };
    let members = rows
        .into_iter()
        .filter_map(|(id, member_type, display_name, user_name, group_name)| {
            // A member whose user or group is gone is no member (as in
            // `members_of_groups`, which joins).
            let display = match member_type.as_str() {
                "Group" => group_name?,
                _ => display_name.or(user_name)?,
            };
            Some(ListedMember {
                id,
                member_type,
                display: Some(display),
            })
        })
        .collect();
    Ok((members, next))
}

/// The memberships of these users (a page of them, or one), in the order
/// of their groups' names, each with the roles its group's mappings
/// grant and, where they grant one, the liveness of the member's person
/// (found by the person id the rows hold): the groups and the access of
/// the users, in one statement rather than one for the groups, one for
/// the persons and one through the `user_entitlements` view (which looks
/// each user up again; its rule is applied by the caller, who has the
/// users' rows).
///
/// A read takes each user's groups from its row (`UserRow::group_ids`) and
/// their content from its store's catalog (`group_catalog`); a write, or
/// the CLI, reads them here (a write's rows may be older than the
/// memberships it changed).
pub fn grants_of(conn: &mut DbConn, rows: &[UserRow]) -> QueryResult<Vec<MembershipGrant>> {
    grants_of_listed(conn, rows, None)
}

/// `grants_of` for one user a write has read locked with the group
/// catalog's version (`users::find_for_update`) and whose memberships it
/// has not changed since, so that the row's `group_ids` are still its
/// groups: on a server's write on PostgreSQL, their content from what its
/// reads keep at that version (`group_catalog::used_by_write`), a
/// statement and a round trip fewer than `grants_of` (a new title, a
/// deactivation: most of an IdP's resync). `grants_of` where the catalog
/// keeps any of the groups at another version or not at all, and for a
/// local account, whose access its person's liveness decides (read by
/// `grants_of`'s one statement).
pub fn grants_of_written(
    conn: &mut DbConn,
    row: &UserRow,
    catalog_version: Option<i64>,
) -> QueryResult<Vec<MembershipGrant>> {
    if let (Some(catalog), Some(version), None) = (
        super::group_catalog::used(),
        catalog_version,
        liveness_from_person(row),
    ) {
        let memberships: Vec<_> =
            super::group_catalog::memberships_of(row, None, Some(version)).collect();
        if let Some(grants) = super::group_catalog::resolve_kept(&catalog, &memberships) {
            return Ok(grants);
        }
    }
    grants_of(conn, std::slice::from_ref(row))
}

/// `grants_of` for rows read with the group catalog's version, if they
/// were (`users::list_read`).
pub fn grants_of_listed(
    conn: &mut DbConn,
    rows: &[UserRow],
    catalog_version: Option<i64>,
) -> QueryResult<Vec<MembershipGrant>> {
    if let Some(catalog) = super::group_catalog::here() {
        return super::group_catalog::grants_of(
            conn,
            &catalog,
            rows,
            catalog_version,
            liveness_from_person,
        );
    }
    let user_ids: Vec<String> = rows.iter().map(|u| u.id.clone()).collect();
    let person_ids: Vec<Option<String>> = rows.iter().map(liveness_from_person).collect();
    grants_joined(conn, &user_ids, &person_ids)
}

/// The person whose liveness decides `user`'s access, where the user's
/// own row does not decide it already: only a local account's. A person
/// is live when it has no IdP identity or one is active
/// (`access::persons::refresh`), its identities being its accounts
/// outside the local directory (`persons::accounts_of`), and the view's
/// rule asks for the person's liveness only of an active user. So an
/// active account outside the local directory is an active identity of
/// its person, which is live by that definition, and an inactive one
/// holds nothing whatever its person: the statement reads no person for
/// either (a `persons` probe per member with a mapped group: on SQLite
/// three quarters of a page's memberships statement past unpacking its
/// list, on PostgreSQL 400 of its 700 buffers and half its CPU;
/// bench/results/2026-12-06T010000Z-identity-liveness).
fn liveness_from_person(user: &UserRow) -> Option<String> {
    user.person_id
        .clone()
        .filter(|_| user.directory_id == super::directories::LOCAL_DIRECTORY)
}

/// `grants_of` in one statement, groups and all.
fn grants_joined(
    conn: &mut DbConn,
    user_ids: &[String],
    person_ids: &[Option<String>],
) -> QueryResult<Vec<MembershipGrant>> {
    type Row = (
        String,
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<bool>,
    );
    let rows: Vec<Row> = load_over_users::<GrantsOfMembers, _>(conn, user_ids, person_ids)?;
    Ok(rows
        .into_iter()
        .map(
            |(member_id, group_id, group_display, group_directory, product, name, role, live)| {
                MembershipGrant {
                    member_id,
                    group_id,
                    group_display,
                    group_directory,
                    grant: MappedRole::of_columns(product, name, role),
                    person_live: live,
                }
            },
        )
        .collect())
}

/// The memberships of a list of users (a page of them), each user's read
/// apart from `memberships_member`, which holds each one's group (as
/// `member_id = ANY(…)`, PostgreSQL hash-joined every group of the database
/// for each page: 1,000 at 1M users), with the groups' mappings and the
/// roles they imply (small tables, read by key).
pub struct GrantsOfMembers;

impl OverIds for GrantsOfMembers {
    type SqlType = (
        Text,
        Text,
        Text,
        Text,
        Nullable<Text>,
        Nullable<Text>,
        Nullable<Text>,
        Nullable<Bool>,
    );
    // The person's liveness by its key, which comes with the user's id,
    // only where the row grants a role: one statement fewer per read (a
    // round trip on PostgreSQL) than reading the page's persons apart.
    // (Found from the user's row instead, each user was looked up again:
    // on PostgreSQL at 1M users ~0.4 ms of the database's CPU per page of
    // 100. SQLite had those users' pages cached from the page's own read.)
    const SELECT: &'static str = "SELECT m.member_id, g.id, g.display_name, g.directory_id, \
         gm.product_key, p.name, ri.grants, \
         CASE WHEN ri.grants IS NULL OR ids.person_id IS NULL THEN NULL ELSE \
         (SELECT pe.live FROM persons pe WHERE pe.id = ids.person_id) END";
    const SQLITE: &'static str = " JOIN memberships m ON m.member_id = ids.value \
         JOIN \"groups\" g ON g.id = m.group_id \
         LEFT JOIN group_mappings gm ON gm.group_id = g.id \
         LEFT JOIN products p ON p.product_key = gm.product_key \
         LEFT JOIN role_implications ri ON ri.role = gm.role";
    // Each member's memberships apart (`OFFSET 0` keeps PostgreSQL from
    // flattening them into a join it may start from the other side), only
    // the columns `memberships_member` holds, so the index can answer.
    const POSTGRES: &'static str = " CROSS JOIN LATERAL \
         (SELECT member_id, group_id FROM memberships WHERE member_id = ids.id OFFSET 0) m \
         JOIN \"groups\" g ON g.id = m.group_id \
         LEFT JOIN group_mappings gm ON gm.group_id = g.id \
         LEFT JOIN products p ON p.product_key = gm.product_key \
         LEFT JOIN role_implications ri ON ri.role = gm.role";
    // A user's groups in the order `groups` lists them.
    const TAIL: &'static str = " ORDER BY g.display_name_key, g.id";
    const WITH_PERSONS: bool = true;
}

/// Whether any member of the group is a portal-only customer.
pub fn has_portal_only_member(conn: &mut DbConn, group_id: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        memberships::table
            .inner_join(users::table.on(users::id.eq(memberships::member_id)))
            .filter(memberships::group_id.eq(group_id))
            .filter(users::portal_only.eq(true)),
    ))
    .get_result(conn)
}

/// A group's membership rows (who, since when, from where), oldest first.
pub fn rows_of(conn: &mut DbConn, group_id: &str) -> QueryResult<Vec<MembershipRow>> {
    memberships::table
        .filter(memberships::group_id.eq(group_id))
        .order((memberships::created_at, memberships::member_id))
        .select(MembershipRow::as_select())
        .load(conn)
}

/// The membership rows of these members in one group.
pub fn rows_for(
    conn: &mut DbConn,
    group_id: &str,
    member_ids: &[String],
) -> QueryResult<Vec<MembershipRow>> {
    let mut out = Vec::new();
    for chunk in member_ids.chunks(500) {
        out.extend(
            memberships::table
                .filter(memberships::group_id.eq(group_id))
                .filter(memberships::member_id.eq_any(chunk))
                .order((memberships::created_at, memberships::member_id))
                .select(MembershipRow::as_select())
                .load(conn)?,
        );
    }
    Ok(out)
}
