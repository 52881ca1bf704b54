//! A pushed group's members: reading them from a request, resolving ids to
//! the directory's users and groups, and the rows that record them.

use std::collections::HashSet;

use serde_json::Value;

use crate::access::sources::Source;
use crate::access::WriteContext;
use crate::scim::resource::MemberRef;
use crate::scim::schema::ResourceKind;
use crate::scim::ScimError;
use crate::store::models::MembershipRow;
use crate::store::{groups, memberships, users, DbConn};

/// Reads one validated `members` entry: its `value` and optional `type`.
pub(super) fn member_of(item: &Value) -> Result<(String, Option<ResourceKind>), ScimError> {
    let value = item
        .get("value")
        .and_then(Value::as_str)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| {
            ScimError::invalid_value("every member needs a 'value' with the member's id")
        })?;
    let kind = match item.get("type").and_then(Value::as_str) {
        Some("Group") => Some(ResourceKind::Group),
        Some(_) => Some(ResourceKind::User),
        None => None,
    };
    Ok((value.to_owned(), kind))
}

/// Members resolved to users or groups of the directory, and the ids that
/// are neither.
pub(super) type Resolved = (Vec<(String, ResourceKind)>, Vec<String>);

/// Resolves member ids to users or groups of the directory. An id that is
/// neither (a user whose create was refused, one of another directory, the
/// group itself) is skipped, not fatal: an IdP does not retry a refused
/// push, so refusing it whole would lose every other member of it.
///
/// With `leaving` (the members a PATCH removes), the users among both are
/// locked as they are looked up (`users::existing_ids_locked`), and the
/// change that follows takes no more (`memberships::UserLocks::Held`).
pub(super) fn resolve_members(
    conn: &mut DbConn,
    directory_id: &str,
    group_id: &str,
    members: &[(String, Option<ResourceKind>)],
    leaving: Option<&[String]>,
) -> Result<Resolved, ScimError> {
    let mut seen = HashSet::new();
    let wanted: Vec<String> = members
        .iter()
        .filter(|(id, _)| seen.insert(id.clone()))
        .map(|(id, _)| id.clone())
        .collect();
    let user_ids: HashSet<String> = match leaving {
        None => users::existing_ids(conn, directory_id, &wanted)?,
        Some(leaving) => users::existing_ids_locked(conn, directory_id, &wanted, leaving)?,
    }
    .into_iter()
    .collect();
    let missing: Vec<String> = wanted
        .iter()
        .filter(|id| !user_ids.contains(*id))
        .cloned()
        .collect();
    let group_ids: HashSet<String> = groups::existing_ids(conn, directory_id, &missing)?
        .into_iter()
        .collect();
    let mut out = Vec::with_capacity(wanted.len());
    let mut skipped = Vec::new();
    for id in wanted {
        if user_ids.contains(&id) {
            out.push((id, ResourceKind::User));
        } else if group_ids.contains(&id) && id != group_id {
            out.push((id, ResourceKind::Group));
        } else {
            skipped.push(id);
        }
    }
    Ok((out, skipped))
}

pub(super) fn membership_rows(
    ctx: &WriteContext,
    group_id: &str,
    members: &[(String, ResourceKind)],
) -> Vec<MembershipRow> {
    members
        .iter()
        .map(|(id, kind)| MembershipRow {
            group_id: group_id.to_owned(),
            member_id: id.clone(),
            member_type: kind.name().to_owned(),
            source: Source::Scim.as_str().to_owned(),
            actor: ctx.actor.id.clone(),
            created_at: ctx.now,
            reason: None,
        })
        .collect()
}

pub(super) fn load_members(conn: &mut DbConn, group_id: &str) -> Result<Vec<MemberRef>, ScimError> {
    Ok(memberships::members_of(conn, group_id)?
        .into_iter()
        .map(member_ref)
        .collect())
}

pub(super) fn member_ref(m: memberships::ListedMember) -> MemberRef {
    MemberRef {
        kind: if m.member_type == "Group" {
            ResourceKind::Group
        } else {
            ResourceKind::User
        },
        id: m.id,
        display: m.display,
    }
}
