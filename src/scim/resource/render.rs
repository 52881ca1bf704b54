//! The layout of a User and a Group in a response: `schemas`, `id` and the
//! identifying attributes first, the stored attributes in the order their
//! schema lists them, derived parts, extensions in the order they were
//! registered, `meta` last — whatever order the client sent.

use serde_json::Value;

use super::derived::{Derived, DerivedData};
use super::model::{location, GroupResource, UserResource};
use super::rendered::{Part, Rendered};
use crate::scim::schema::{ResourceKind, Schema, SchemaRegistry};
use crate::scim::validate::Attributes;
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
        mut attributes,
        groups,
        entitlements,
        meta,
    } = user;
    let kind = ResourceKind::User;
    let has_groups = !groups.is_empty();
    let has_entitlements = !entitlements.is_empty();
    let mut schemas = vec![Value::from(USER_URN)];
    for ext in registry.extensions(kind) {
        let derived = ext.id == ACCESS_URN;
        if (derived && has_entitlements) || (!derived && attributes.contains_key(&ext.id)) {
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
    out.set_value("schemas", schemas);
    out.set_value("id", id);
    if let Some(ext_id) = external_id {
        out.set_value("externalId", ext_id);
    }
    out.set_value("userName", user_name);
    if let Some(name) = display_name {
        out.set_value("displayName", name);
    }
    out.set_value("active", active);
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
        } else if let Some((urn, v)) = attributes.shift_remove_entry(&ext.id) {
            out.set_value(urn, v);
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
        mut attributes,
        members,
        meta,
    } = group;
    let kind = ResourceKind::Group;
    let mut schemas = vec![Value::from(GROUP_URN)];
    for ext in registry.extensions(kind) {
        if attributes.contains_key(&ext.id) {
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
    out.set_value("schemas", schemas);
    out.set_value("id", id);
    if let Some(ext_id) = external_id {
        out.set_value("externalId", ext_id);
    }
    out.set_value("displayName", display_name);
    move_in_schema_order(&registry.group, &mut attributes, &mut out);
    move_unregistered(&mut attributes, &mut out);
    if let Some(members) = members {
        let members: Vec<Value> = members.iter().map(|m| m.json(base_url)).collect();
        out.set_value("members", members);
    }
    for ext in registry.extensions(kind) {
        if let Some((urn, v)) = attributes.shift_remove_entry(&ext.id) {
            out.set_value(urn, v);
        }
    }
    move_unregistered_extensions(registry, kind, attributes, &mut out);
    out.set("meta", Part::Derived(Derived::Meta));
    out
}

/// Moves the stored attributes into `out` in the order the schema lists
/// them, so responses look the same whatever order the client sent.
fn move_in_schema_order(schema: &Schema, attributes: &mut Attributes, out: &mut Rendered<'_>) {
    for attribute in &schema.attributes {
        if out.has(&attribute.name) {
            continue;
        }
        // `shift_remove` keeps the rest in the order they were sent.
        if let Some((name, v)) = attributes.shift_remove_entry(&attribute.name) {
            out.set_value(name, v);
        }
    }
}

/// Core attributes no schema defines, kept as sent: after the defined
/// ones. (Extension objects, whose keys hold a colon, are placed apart.)
fn move_unregistered(attributes: &mut Attributes, out: &mut Rendered<'_>) {
    let unregistered: Vec<String> = attributes
        .keys()
        .filter(|key| !key.contains(':') && !out.has(key))
        .cloned()
        .collect();
    for key in unregistered {
        if let Some(v) = attributes.shift_remove(&key) {
            out.set_value(key, v);
        }
    }
}

/// The URNs of objects held under a URN that names no extension of the
/// resource type: extensions nobody registered, kept as sent.
fn unregistered_extensions(
    registry: &SchemaRegistry,
    kind: ResourceKind,
    attributes: &Attributes,
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
    attributes: Attributes,
    out: &mut Rendered<'_>,
) {
    for (urn, v) in attributes {
        if is_unregistered_extension(registry, kind, &urn) {
            out.set_value(urn, v);
        }
    }
}

fn is_unregistered_extension(registry: &SchemaRegistry, kind: ResourceKind, key: &str) -> bool {
    key.contains(':') && registry.extension(kind, key).is_none()
}
