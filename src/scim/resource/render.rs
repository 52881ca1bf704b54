//! The layout of a User and a Group in a response: `schemas`, `id` and the
//! identifying attributes first, the stored attributes in the order their
//! schema lists them, derived parts, extensions in the order they were
//! registered, `meta` last — whatever order the client sent.

use serde_json::Value;

use super::derived::{Derived, DerivedData};
use super::model::{location, GroupResource, UserResource};
use super::rendered::{Part, Rendered};
use super::stored::StoredAttributes;
use crate::scim::schema::{ResourceKind, Schema, SchemaRegistry};
use crate::scim::{ACCESS_URN, GROUP_URN, USER_URN};

pub(super) fn user<'b>(
    user: UserResource,
    registry: &SchemaRegistry,
    base_url: &'b str,
) -> Rendered<'b> {
    let UserResource {
        id,
        user_name,
        external_id,
        display_name,
        active,
        attributes,
        groups,
        entitlements,
        meta,
    } = user;
    let kind = ResourceKind::User;
    let mut attributes = Stored::new(attributes);
    let has_groups = !groups.is_empty();
    let has_entitlements = !entitlements.is_empty();
    let mut schemas = vec![Value::from(USER_URN)];
    for ext in registry.extensions(kind) {
        let derived = ext.id == ACCESS_URN;
        if (derived && has_entitlements) || (!derived && attributes.contains(&ext.id)) {
            schemas.push(Value::from(ext.id.clone()));
        }
    }
    schemas.extend(unregistered_extensions(registry, kind, &attributes));
    let derived = DerivedData {
        kind,
        location: location(base_url, kind, &id),
        groups,
        entitlements,
        meta,
    };
    let mut out = Rendered::new(derived, base_url);
    out.push_value("schemas", schemas);
    out.push_value("id", id);
    if let Some(ext_id) = external_id {
        out.push_value("externalId", ext_id);
    }
    out.push_value("userName", user_name);
    if let Some(name) = display_name {
        out.push_value("displayName", name);
    }
    out.push_value("active", active);
    move_in_schema_order(&registry.user, &mut attributes, &mut out);
    move_unregistered(&mut attributes, &mut out);
    if has_groups {
        out.set("groups", Part::Derived(Derived::Groups));
    }
    if has_entitlements {
        out.set("entitlements", Part::Derived(Derived::Entitlements));
    }
    for ext in registry.extensions(kind) {
        if ext.id == ACCESS_URN {
            if has_entitlements {
                out.set(ext.id.clone(), Part::Derived(Derived::Access));
            }
        } else if let Some((urn, part)) = attributes.take(&ext.id) {
            out.set(urn, part);
        }
    }
    move_unregistered_extensions(registry, kind, attributes, &mut out);
    out.set("meta", Part::Derived(Derived::Meta));
    out
}

pub(super) fn group<'b>(
    group: GroupResource,
    registry: &SchemaRegistry,
    base_url: &'b str,
) -> Rendered<'b> {
    let GroupResource {
        id,
        display_name,
        external_id,
        attributes,
        members,
        meta,
    } = group;
    let kind = ResourceKind::Group;
    let mut attributes = Stored::new(StoredAttributes::Values(attributes));
    let mut schemas = vec![Value::from(GROUP_URN)];
    for ext in registry.extensions(kind) {
        if attributes.contains(&ext.id) {
            schemas.push(Value::from(ext.id.clone()));
        }
    }
    schemas.extend(unregistered_extensions(registry, kind, &attributes));
    let derived = DerivedData {
        kind,
        location: location(base_url, kind, &id),
        groups: Vec::new(),
        entitlements: Vec::new(),
        meta,
    };
    let mut out = Rendered::new(derived, base_url);
    out.push_value("schemas", schemas);
    out.push_value("id", id);
    if let Some(ext_id) = external_id {
        out.push_value("externalId", ext_id);
    }
    out.push_value("displayName", display_name);
    move_in_schema_order(&registry.group, &mut attributes, &mut out);
    move_unregistered(&mut attributes, &mut out);
    if let Some(members) = members {
        let members: Vec<Value> = members.iter().map(|m| m.json(base_url)).collect();
        out.set_value("members", members);
    }
    for ext in registry.extensions(kind) {
        if let Some((urn, part)) = attributes.take(&ext.id) {
            out.set(urn, part);
        }
    }
    move_unregistered_extensions(registry, kind, attributes, &mut out);
    out.set("meta", Part::Derived(Derived::Meta));
    out
}

/// The stored attributes not yet placed in the response, in stored order.
struct Stored(Vec<(String, Part)>);

impl Stored {
    fn new(attributes: StoredAttributes) -> Stored {
        Stored(match attributes {
            StoredAttributes::Values(values) => values
                .into_iter()
                .map(|(key, v)| (key, Part::Value(v)))
                .collect(),
            StoredAttributes::Text(members) => members
                .into_iter()
                .map(|(key, raw)| (key, Part::Raw(raw)))
                .collect(),
        })
    }

    fn contains(&self, key: &str) -> bool {
        self.0.iter().any(|(k, _)| k == key)
    }

    fn keys(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|(k, _)| k)
    }

    /// Takes a member out, leaving the rest in their order.
    fn take(&mut self, key: &str) -> Option<(String, Part)> {
        let at = self.0.iter().position(|(k, _)| k == key)?;
        Some(self.0.remove(at))
    }
}

/// Moves the stored attributes the schema defines into `out` in the order
/// the schema lists them, so responses look the same whatever order the
/// client sent. Ranked from the stored side: a user stores a few of its
/// schema's twenty-odd attributes, and looking every one of those up in
/// the response and in the stored members was ~5% of a page's CPU. A
/// member the response has already (a column's attribute) stays behind.
fn move_in_schema_order(schema: &Schema, attributes: &mut Stored, out: &mut Rendered<'_>) {
    let members = std::mem::take(&mut attributes.0);
    let mut placed = Vec::with_capacity(members.len());
    for (key, part) in members {
        let rank = schema.attributes.iter().position(|a| a.name == key);
        match rank {
            Some(rank) if !out.has(&key) => placed.push((rank, key, part)),
            _ => attributes.0.push((key, part)),
        }
    }
    // Stored keys are distinct, and so are their ranks: the sort is total.
    placed.sort_unstable_by_key(|(rank, _, _)| *rank);
    for (_, key, part) in placed {
        out.push(key, part);
    }
}

/// Core attributes no schema defines, kept as sent: after the defined
/// ones. (Extension objects, whose keys hold a colon, are placed apart.)
fn move_unregistered(attributes: &mut Stored, out: &mut Rendered<'_>) {
    let unregistered: Vec<String> = attributes
        .keys()
        .filter(|key| !key.contains(':') && !out.has(key))
        .cloned()
        .collect();
    for key in unregistered {
        if let Some((key, part)) = attributes.take(&key) {
            out.set(key, part);
        }
    }
}

/// The URNs of objects held under a URN that names no extension of the
/// resource type: extensions nobody registered, kept as sent.
fn unregistered_extensions(
    registry: &SchemaRegistry,
    kind: ResourceKind,
    attributes: &Stored,
) -> Vec<Value> {
    attributes
        .keys()
        .filter(|key| is_unregistered_extension(registry, kind, key))
        .map(|urn| Value::from(urn.clone()))
        .collect()
}

fn move_unregistered_extensions(
    registry: &SchemaRegistry,
    kind: ResourceKind,
    attributes: Stored,
    out: &mut Rendered<'_>,
) {
    for (urn, part) in attributes.0 {
        if is_unregistered_extension(registry, kind, &urn) {
            out.set(urn, part);
        }
    }
}

fn is_unregistered_extension(registry: &SchemaRegistry, kind: ResourceKind, key: &str) -> bool {
    key.contains(':') && registry.extension(kind, key).is_none()
}
