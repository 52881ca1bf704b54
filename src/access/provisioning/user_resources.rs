//! A user's resource from its row and its memberships' grants: the
//! groups it is in and the entitlements they grant beside its own
//! attributes. Shared by the reads and writes of `users` and the lookups
//! answered on the HTTP worker (`users_on_worker`).

use std::collections::HashMap;

use super::{meta, stored_for_render};
use crate::access::effective;
use crate::scim::resource::{EntitlementRef, GrantingGroup, GroupRef, UserResource};
use crate::scim::schema::ResourceKind;
use crate::scim::ScimError;
use crate::store::models::{MembershipGrant, UserRow};

/// The resource of a user's row, shown with these groups and entitlements.
pub(super) fn to_resource(
    row: UserRow,
    groups: Vec<GroupRef>,
    entitlements: Vec<EntitlementRef>,
) -> Result<UserResource, ScimError> {
    let attributes = stored_for_render(ResourceKind::User, &row.id, &row.attributes)?;
    Ok(UserResource {
        meta: meta(row.created_at, row.updated_at, row.version),
        id: row.id,
        user_name: row.user_name,
        external_id: row.external_id,
        display_name: row.display_name,
        active: row.active,
        attributes,
        groups,
        entitlements,
    })
}

/// What a user resource shows beside its own attributes: the groups it is
/// in and the entitlements they grant (none loaded: `Derived::default`).
#[derive(Default)]
pub(super) struct Derived {
    groups: HashMap<String, Vec<GroupRef>>,
    entitlements: HashMap<String, Vec<EntitlementRef>>,
}

impl Derived {
    /// The derived parts of these users (a page of them, or one) from
    /// their memberships with the roles their groups grant and the
    /// liveness of the persons of those granted one
    /// (`memberships::grants_of`).
    pub(super) fn of(users: &[UserRow], grants: Vec<MembershipGrant>) -> Derived {
        // `groups`: the groups of the user's own directory. Local groups
        // (default groups among them) are left out: a directory can't
        // read them, and the access they give shows in the entitlements.
        let directory_of: HashMap<&str, &str> = users
            .iter()
            .map(|u| (u.id.as_str(), u.directory_id.as_str()))
            .collect();
        let mut groups: HashMap<String, Vec<GroupRef>> = HashMap::new();
        for m in &grants {
            if directory_of.get(m.member_id.as_str()) != Some(&m.group_directory.as_str()) {
                continue;
            }
            let list = groups.entry(m.member_id.clone()).or_default();
            // A group mapped to several roles comes once per role, its
            // rows together (they are in group order).
            if list.last().is_some_and(|g| g.id == m.group_id) {
                continue;
            }
            list.push(GroupRef {
                id: m.group_id.clone(),
                display: m.group_display.clone(),
            });
        }
        let entitlements = effective::composed(users, grants)
            .into_iter()
            .map(|(user, list)| {
                let refs = list
                    .into_iter()
                    .map(|e| EntitlementRef {
                        product: e.product,
                        product_name: e.product_name,
                        role: e.role,
                        via: e
                            .via
                            .into_iter()
                            .map(|v| GrantingGroup {
                                id: v.group_id,
                                display: v.display_name,
                                directory: v.directory,
                                synced: v.synced,
                            })
                            .collect(),
                    })
                    .collect();
                (user, refs)
            })
            .collect();
        Derived {
            groups,
            entitlements,
        }
    }

    pub(super) fn resource(&mut self, row: UserRow) -> Result<UserResource, ScimError> {
        let groups = self.groups.remove(&row.id).unwrap_or_default();
        let entitlements = self.entitlements.remove(&row.id).unwrap_or_default();
        to_resource(row, groups, entitlements)
    }
}

/// The resource of one user whose memberships' grants were read.
pub(super) fn with_grants(
    row: UserRow,
    grants: Vec<MembershipGrant>,
) -> Result<UserResource, ScimError> {
    Derived::of(std::slice::from_ref(&row), grants).resource(row)
}
