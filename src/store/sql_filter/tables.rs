//! Multi-valued attributes kept in tables of their own rather than in the
//! JSON column: a user's `groups` and a group's `members` (memberships),
//! a user's `entitlements` and the access extension's `grants` (the
//! derived `user_entitlements` view); and, on PostgreSQL, the row each
//! user's `meta.lastModified` is indexed in (`modified_aside`).

use super::compare::{Leaf, Repr};
use crate::scim::schema::AttrType;
use crate::scim::ScimError;
use crate::store::conn::Backend;
use crate::store::sql_fragment::SqlCondition;

/// A multi-valued attribute read from rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TableList {
    /// A user's `groups` (of the user's own directory), from memberships.
    UserGroups,
    /// A group's `members`, from memberships.
    GroupMembers,
    /// A user's `entitlements`, from the derived view.
    Entitlements,
    /// The access extension's `grants`: the same rows, with their groups.
    Grants,
}

impl TableList {
    /// The column of sub-attribute `lower` (folded; `sub` as written) of
    /// one element, named `label` in errors.
    pub fn leaf(self, lower: &str, sub: &str, label: &str) -> Result<Leaf, ScimError> {
        Ok(match self {
            TableList::UserGroups => match lower {
                "value" => Leaf::column("m.group_id", AttrType::String, true, Repr::Text, label),
                "display" => {
                    Leaf::column("g.display_name", AttrType::String, false, Repr::Text, label)
                }
                "type" => Leaf::column("'direct'", AttrType::String, false, Repr::Text, label),
                _ => {
                    return Err(ScimError::invalid_filter(format!(
                        "'{label}' cannot be filtered on"
                    )))
                }
            },
            TableList::GroupMembers => match lower {
                "value" => Leaf::column("m.member_id", AttrType::String, true, Repr::Text, label),
                "type" => Leaf::column("m.member_type", AttrType::String, false, Repr::Text, label),
                _ => {
                    return Err(ScimError::invalid_filter(format!(
                        "'{label}' cannot be filtered on"
                    )))
                }
            },
            TableList::Entitlements => match lower {
                "value" => Leaf::column("e.value", AttrType::String, false, Repr::Text, label),
                "type" => Leaf::column("e.product", AttrType::String, false, Repr::Text, label),
                "display" => Leaf::column(
                    "(e.product_name || ' ' || e.role)",
                    AttrType::String,
                    false,
                    Repr::Text,
                    label,
                ),
                _ => {
                    return Err(ScimError::invalid_filter(format!(
                        "'{label}' cannot be filtered on"
                    )))
                }
            },
            TableList::Grants => match lower {
                "value" => Leaf::column("e.value", AttrType::String, false, Repr::Text, label),
                "product" => Leaf::column("e.product", AttrType::String, false, Repr::Text, label),
                "role" => Leaf::column("e.role", AttrType::String, false, Repr::Text, label),
                "group" => Leaf::column("e.group_id", AttrType::String, true, Repr::Text, label),
                "groupdisplay" => Leaf::column(
                    "e.group_display",
                    AttrType::String,
                    false,
                    Repr::Text,
                    label,
                ),
                "groupdirectory" => Leaf::column(
                    "e.group_directory",
                    AttrType::String,
                    true,
                    Repr::Text,
                    label,
                ),
                "synced" => Leaf::column(
                    "(e.group_directory <> 'local')",
                    AttrType::Boolean,
                    true,
                    Repr::Bool,
                    label,
                ),
                _ => {
                    return Err(ScimError::invalid_filter(format!(
                        "unknown sub-attribute '{sub}' of 'grants'"
                    )))
                }
            },
        })
    }

    /// `condition` holds for some element.
    pub fn exists(self, condition: SqlCondition, backend: Backend) -> SqlCondition {
        match self {
            // Uncorrelated too, for the same reason: members of a group
            // are read from the group (the memberships' primary key)
            // instead of testing every user's groups (SQLite ran the
            // correlated EXISTS for each of 20,000 users: 322 ms for one
            // group's first page). Only groups of the member's own
            // directory count: a local group is not the IdP's. A synced
            // group's members are always of its directory (a push naming
            // another directory's user skips it), so leaving out local
            // groups is that test without reading each member's user row:
            // the 200k group's first page with its total, 470 ms to 295 ms
            // on SQLite at 1M users.
            TableList::UserGroups => SqlCondition::new()
                .sql("users.id IN (SELECT m.member_id FROM memberships m JOIN \"groups\" g ON g.id = m.group_id WHERE g.directory_id <> 'local' AND ")
                .append(condition)
                .sql(")"),
            TableList::GroupMembers => SqlCondition::new()
                .sql("EXISTS (SELECT 1 FROM memberships m WHERE m.group_id = \"groups\".id AND ")
                .append(condition)
                .sql(")"),
            // Uncorrelated, so the database builds the set of holders once
            // and probes users by key, instead of evaluating the view for
            // every user. The set is built from the mapped groups outward:
            // on SQLite, `CROSS JOIN` makes it start from `group_mappings`
            // (a few rows) and reach memberships through their primary
            // key; left to itself, without statistics, it scanned every
            // membership (4x slower at 20k users). Every row of the view
            // comes from a mapped group, so the join removes nothing.
            // PostgreSQL plans a CROSS JOIN like any other join and starts
            // from the mappings by itself; there the extra relation only
            // made planning slower than running: `grants[synced eq false]`
            // planned in 14 ms (warm) and ran in under 1 ms at 1M users.
            // `OFFSET 0` keeps the subquery from being pulled up into the
            // outer query, so the view's seven relations and the outer
            // query's users are searched apart (1.7 ms to plan; the plans
            // run as fast).
            TableList::Entitlements | TableList::Grants => match backend {
                Backend::Sqlite => SqlCondition::new()
                    .sql("users.id IN (SELECT e.user_id FROM group_mappings gmx CROSS JOIN user_entitlements e WHERE e.group_id = gmx.group_id AND ")
                    .append(condition)
                    .sql(")"),
                Backend::Postgres => SqlCondition::new()
                    .sql("users.id IN (SELECT e.user_id FROM user_entitlements e WHERE ")
                    .append(condition)
                    .sql(" OFFSET 0)"),
            },
        }
    }
}

/// `condition` on the user's row in `user_modified_at` (PostgreSQL, named
/// `um`): its `updated_at`, indexed there rather than on `users` (migration
/// 000025). Correlated, as a semi-join PostgreSQL can read from either
/// side: many matches (an hour of an IdP's changes) walk the page's users
/// in creation order and probe each one's row by key; few are read from
/// `(directory_id, updated_at)`, the directory carried over from the outer
/// query's through `um.directory_id = users.directory_id`.
pub(super) fn modified_aside(condition: SqlCondition) -> SqlCondition {
    SqlCondition::new()
        .sql("EXISTS (SELECT 1 FROM user_modified_at um WHERE um.user_id = users.id AND um.directory_id = users.directory_id AND ")
        .append(condition)
        .sql(")")
}
