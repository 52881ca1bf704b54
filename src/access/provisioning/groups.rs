//! Groups pushed by a directory, and their members.

use std::collections::HashSet;

use serde_json::Value;

use super::group_members::{load_members, member_of, member_ref, membership_rows, resolve_members};
use super::{check_if_match, check_unregistered, found, meta, Provisioned, Written};
use crate::access::audit::{self, Change};
use crate::access::licensing::CapGuard;
use crate::access::{mappings as access_mappings, WriteContext};
use crate::scim::fold::fold;
use crate::scim::patch::{self, MemberChanges, Operation};
use crate::scim::projection::Projection;
use crate::scim::query::ListRequest;
use crate::scim::resource::{GroupResource, MemberRef};
use crate::scim::schema::ResourceKind;
use crate::scim::schema::SchemaRegistry;
use crate::scim::validate::{Attributes, Validated};
use crate::scim::ScimError;
use crate::store::memberships::UserLocks;
use crate::store::models::GroupRow;
use crate::store::sql_filter::ListQuery;
use crate::store::write_reach::Reach;
use crate::store::{groups, memberships, products, users, DbConn, StoreError};

/// A validated Group split into its columns, its members and the rest.
struct GroupFields {
    display_name: String,
    external_id: Option<String>,
    members: Vec<(String, Option<ResourceKind>)>,
    rest: Attributes,
}

impl GroupFields {
    fn split(mut attributes: Attributes) -> Result<GroupFields, ScimError> {
        let display_name = match attributes.remove("displayName") {
            Some(Value::String(s)) if !s.trim().is_empty() => s,
            _ => {
                return Err(ScimError::invalid_value(
                    "displayName must be a non-empty string",
                ))
            }
        };
        let external_id = match attributes.remove("externalId") {
            Some(Value::String(s)) => Some(s),
            _ => None,
        };
        let members = match attributes.remove("members") {
            Some(Value::Array(items)) => items.iter().map(member_of).collect::<Result<_, _>>()?,
            _ => Vec::new(),
        };
        Ok(GroupFields {
            display_name,
            external_id,
            members,
            rest: attributes,
        })
    }
}

fn taken(name: &str) -> ScimError {
    ScimError::uniqueness(format!(
        "a group with displayName \"{name}\" already exists in this directory"
    ))
}

fn find_row(conn: &mut DbConn, directory: Option<&str>, id: &str) -> Result<GroupRow, ScimError> {
    found(groups::find(conn, directory, id), ResourceKind::Group, id)
}

/// The row a write will change, locked until the transaction ends.
fn find_row_for_update(
    conn: &mut DbConn,
    directory_id: &str,
    id: &str,
) -> Result<GroupRow, ScimError> {
    found(
        groups::find_for_update(conn, directory_id, id),
        ResourceKind::Group,
        id,
    )
}

fn to_resource(row: GroupRow, members: Option<Vec<MemberRef>>) -> Result<GroupResource, ScimError> {
    let attributes = super::stored_attributes(ResourceKind::Group, &row.id, &row.attributes)?;
    Ok(GroupResource {
        meta: meta(row.created_at, row.updated_at, row.version),
        id: row.id,
        display_name: row.display_name,
        external_id: row.external_id,
        attributes,
        members,
    })
}

/// Default groups are local: an IdP group can't take a default group's
/// name (a push onto it would hand the IdP control of product access
/// granted outside it).
fn check_not_default_name(conn: &mut DbConn, name_key: &str, name: &str) -> Result<(), ScimError> {
    if let Some(product) = products::with_default_group_named(conn, name_key)? {
        return Err(ScimError::uniqueness(format!(
            "\"{name}\" is the name of the default group of product \"{product}\"; default groups are managed in Gatehouse, not by a directory; rename the group in the IdP"
        )));
    }
    Ok(())
}

fn audit_view(row: &GroupRow, members: impl IntoIterator<Item = (&'static str, Value)>) -> Value {
    let mut view = serde_json::Map::new();
    view.insert("displayName".into(), row.display_name.clone().into());
    view.insert("externalId".into(), row.external_id.clone().into());
    view.extend(members.into_iter().map(|(k, v)| (k.to_owned(), v)));
    Value::Object(view)
}

/// How an update changes a group's members.
enum MemberPlan {
    /// The group ends with exactly these members.
    Replace(Vec<(String, Option<ResourceKind>)>),
    /// These members join and these leave; the rest stay untouched.
    Delta {
        add: Vec<(String, Option<ResourceKind>)>,
        remove: Vec<String>,
    },
}

/// Writes a new version of group `before` and changes its members by
/// `plan`; returns the group and the member ids skipped.
fn update(
    conn: &mut DbConn,
    ctx: &WriteContext,
    before: GroupRow,
    fields: GroupFields,
    plan: MemberPlan,
    with_members: bool,
) -> Result<(GroupResource, Vec<String>), ScimError> {
    let id = before.id.clone();
    let id = id.as_str();
    // Locks in the order every writer takes them: the group's row (held
    // since it was read), the capped products members joining may use
    // (`CapGuard`), then the users whose memberships move.
    let (added, removed, skipped, guard, locks) = match plan {
        MemberPlan::Replace(members) => {
            let (wanted, skipped) = resolve_members(conn, &ctx.directory_id, id, &members, None)?;
            let current: HashSet<String> = memberships::member_ids(conn, id)?.into_iter().collect();
            let wanted_ids: HashSet<&String> = wanted.iter().map(|(m, _)| m).collect();
            let removed: Vec<String> = current
                .iter()
                .filter(|m| !wanted_ids.contains(m))
                .cloned()
                .collect();
            let added: Vec<(String, ResourceKind)> = wanted
                .into_iter()
                .filter(|(m, _)| !current.contains(m))
                .collect();
            // Members joining may take a capped product past its cap.
            let guard = match added.is_empty() {
                true => None,
                false => Some(CapGuard::for_group(conn, id)?),
            };
            (added, removed, skipped, guard, UserLocks::Take)
        }
        MemberPlan::Delta { add, remove } => {
            // The guard comes before the users' locks (the order above),
            // so before it is known whether any member named joins; it is
            // dropped when none does.
            let guard = match add.is_empty() {
                true => None,
                false => Some(CapGuard::for_group(conn, id)?),
            };
            let (added, skipped) =
                resolve_members(conn, &ctx.directory_id, id, &add, Some(&remove))?;
            let guard = guard.filter(|_| !added.is_empty());
            (added, remove, skipped, guard, UserLocks::Held)
        }
    };
    if fold(&fields.display_name) != before.display_name_key {
        check_not_default_name(conn, &fold(&fields.display_name), &fields.display_name)?;
    }
    let row = GroupRow {
        id: before.id.clone(),
        directory_id: before.directory_id.clone(),
        display_name_key: fold(&fields.display_name),
        display_name: fields.display_name,
        external_id: fields.external_id,
        attributes: Value::Object(fields.rest).to_string(),
        version: before.version + 1,
        created_at: before.created_at,
        updated_at: ctx.now,
    };
    match groups::update(conn, &row) {
        Err(StoreError::Conflict(_)) => return Err(taken(&row.display_name)),
        other => other?,
    }
    if row.display_name != before.display_name {
        // Its members show its name (`groups`, the grants' `groupDisplay`).
        users::touch_members_of(conn, id, ctx.now)?;
    }
    memberships::change(
        conn,
        id,
        &removed,
        &membership_rows(ctx, id, &added),
        ctx.now,
        locks,
    )?;
    if let Some(g) = guard {
        g.check(conn)?;
    }
    let after = audit_view(
        &row,
        [
            (
                "membersAdded",
                added.iter().map(|(m, _)| Value::from(m.clone())).collect(),
            ),
            (
                "membersRemoved",
                removed.iter().cloned().map(Value::from).collect(),
            ),
        ],
    );
    audit::record(
        conn,
        ctx,
        Change {
            action: "group.updated",
            target_type: "Group",
            target_id: id,
            before: Some(audit_view(&before, [])),
            after: Some(after),
        },
    )?;
    let members = if with_members {
        Some(load_members(conn, id)?)
    } else {
        None
    };
    Ok((to_resource(row, members)?, skipped))
}

/// `/Groups`: groups as directories provision them.
pub struct Groups;

impl Provisioned for Groups {
    type Resource = GroupResource;
    // A group's writes are made in a transaction: none is planned.
    type Planned = std::convert::Infallible;
    const PATCH_ANSWERS_RESOURCE: bool = false;
    const REACH: Reach = Reach::Many;

    fn patch_reach(operations: &[Operation]) -> Reach {
        super::group_reach::patch_reach(operations)
    }

    fn expanded(registry: &SchemaRegistry, projection: &Projection) -> bool {
        projection.includes(registry, ResourceKind::Group, "members")
    }

    /// Creates a group with its initial members.
    fn create(
        conn: &mut DbConn,
        ctx: &WriteContext,
        validated: Validated,
    ) -> Result<Written<GroupResource>, ScimError> {
        check_unregistered(conn, ctx, &validated.unregistered)?;
        let fields = GroupFields::split(validated.attributes)?;
        let row = GroupRow {
            id: crate::access::new_id(ctx.now),
            directory_id: ctx.directory_id.clone(),
            display_name_key: fold(&fields.display_name),
            display_name: fields.display_name,
            external_id: fields.external_id,
            attributes: Value::Object(fields.rest).to_string(),
            version: 1,
            created_at: ctx.now,
            updated_at: ctx.now,
        };
        check_not_default_name(conn, &row.display_name_key, &row.display_name)?;
        let (members, skipped) =
            resolve_members(conn, &ctx.directory_id, &row.id, &fields.members, None)?;
        // Mappings made by name before the IdP pushed the group bind to it now.
        let (waiting, guard) = access_mappings::waiting_for(conn, &row)?;
        match groups::insert(conn, &row).map_err(StoreError::from) {
            Err(StoreError::Conflict(_)) => return Err(taken(&row.display_name)),
            other => other?,
        }
        memberships::add(conn, &membership_rows(ctx, &row.id, &members))?;
        access_mappings::bind(conn, ctx, &waiting, &row)?;
        guard.check(conn)?;
        let after = audit_view(
            &row,
            [(
                "members",
                members
                    .iter()
                    .map(|(id, _)| Value::from(id.clone()))
                    .collect(),
            )],
        );
        audit::record(
            conn,
            ctx,
            Change {
                action: "group.created",
                target_type: "Group",
                target_id: &row.id,
                before: None,
                after: Some(after),
            },
        )?;
        let members = load_members(conn, &row.id)?;
        Ok(Written {
            resource: to_resource(row, Some(members))?,
            unregistered: validated.unregistered,
            skipped_members: skipped,
        })
    }

    /// One group; members are loaded only when asked for, so reading a large
    /// group without them costs the same as reading an empty one.
    fn get(
        conn: &mut DbConn,
        directory: Option<&str>,
        id: &str,
        with_members: bool,
    ) -> Result<GroupResource, ScimError> {
        let row = find_row(conn, directory, id)?;
        let members = if with_members {
            Some(load_members(conn, id)?)
        } else {
            None
        };
        to_resource(row, members)
    }

    /// Replaces a group (PUT): attributes, and members by difference, so only the
    /// members that changed are written.
    fn replace(
        conn: &mut DbConn,
        ctx: &WriteContext,
        id: &str,
        validated: Validated,
        if_match: Option<&str>,
    ) -> Result<Written<GroupResource>, ScimError> {
        let before = find_row_for_update(conn, &ctx.directory_id, id)?;
        check_if_match(if_match, before.version)?;
        check_unregistered(conn, ctx, &validated.unregistered)?;
        let fields = GroupFields::split(validated.attributes)?;
        let plan = MemberPlan::Replace(fields.members.clone());
        let (group, skipped_members) = update(conn, ctx, before, fields, plan, true)?;
        Ok(Written {
            resource: group,
            unregistered: validated.unregistered,
            skipped_members,
        })
    }

    fn write_planned(
        _conn: &mut DbConn,
        _ctx: &WriteContext,
        planned: std::convert::Infallible,
    ) -> Result<Written<GroupResource>, ScimError> {
        match planned {}
    }

    /// Applies PATCH operations to a group, all or none. Member operations
    /// touch only the members they name; the members are loaded for the
    /// response only `with_members`.
    fn patch(
        conn: &mut DbConn,
        ctx: &WriteContext,
        registry: &SchemaRegistry,
        id: &str,
        operations: &[Operation],
        if_match: Option<&str>,
        with_members: bool,
    ) -> Result<Written<GroupResource>, ScimError> {
        let before = find_row_for_update(conn, &ctx.directory_id, id)?;
        check_if_match(if_match, before.version)?;
        let mut document =
            super::stored_attributes(ResourceKind::Group, &before.id, &before.attributes)?;
        document.insert("displayName".into(), before.display_name.clone().into());
        if let Some(e) = &before.external_id {
            document.insert("externalId".into(), e.clone().into());
        }
        let mut changes = MemberChanges::default();
        let validated = patch::apply(
            registry,
            ResourceKind::Group,
            document,
            operations,
            &mut changes,
        )?;
        check_unregistered(conn, ctx, &validated.unregistered)?;
        let fields = GroupFields::split(validated.attributes)?;
        let untyped = |ids: Vec<String>| ids.into_iter().map(|id| (id, None)).collect::<Vec<_>>();
        let plan = match changes.replace_with {
            Some(all) => MemberPlan::Replace(untyped(all)),
            None => MemberPlan::Delta {
                add: untyped(changes.add),
                remove: changes.remove,
            },
        };
        let (group, skipped_members) = update(conn, ctx, before, fields, plan, with_members)?;
        Ok(Written {
            resource: group,
            unregistered: validated.unregistered,
            skipped_members,
        })
    }

    /// Deletes a group: its memberships, and its own membership in other groups.
    fn delete(
        conn: &mut DbConn,
        ctx: &WriteContext,
        id: &str,
        if_match: Option<&str>,
    ) -> Result<(), ScimError> {
        let before = find_row_for_update(conn, &ctx.directory_id, id)?;
        check_if_match(if_match, before.version)?;
        access_mappings::record_unbinding(conn, ctx, &before)?;
        // Its members lose it from `groups`, and its grants.
        users::touch_members_leaving(conn, id, ctx.now)?;
        memberships::remove_member_everywhere(conn, id)?;
        groups::delete(conn, &ctx.directory_id, id)?;
        // Its mappings wait again, or bind to the group of its name left.
        access_mappings::rebind(conn, ctx, &before.display_name_key)?;
        audit::record(
            conn,
            ctx,
            Change {
                action: "group.deleted",
                target_type: "Group",
                target_id: id,
                before: Some(audit_view(&before, [])),
                after: None,
            },
        )?;
        Ok(())
    }

    /// One page of groups matching the query, and the total.
    fn list(
        conn: &mut DbConn,
        directory: Option<&str>,
        registry: &SchemaRegistry,
        request: &ListRequest,
        with_members: bool,
    ) -> Result<(u64, Vec<GroupResource>), ScimError> {
        let query = ListQuery::compile(request, registry, ResourceKind::Group, conn.backend())?;
        let (total, rows) = groups::list(conn, directory, &query)?;
        // The page's members in one go, not a query per group.
        let mut members = if with_members {
            let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
            Some(memberships::members_of_groups(conn, &ids)?)
        } else {
            None
        };
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let listed = members.as_mut().map(|m| {
                m.remove(&row.id)
                    .unwrap_or_default()
                    .into_iter()
                    .map(member_ref)
                    .collect()
            });
            out.push(to_resource(row, listed)?);
        }
        Ok((total.max(0) as u64, out))
    }
}
