//! SCIM resources as the protocol sees them, and their JSON rendering
//! (RFC 7643 §3.1 common attributes, §4 User and Group).

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Map, Value};

use super::schema::{ResourceKind, Schema, SchemaRegistry};
use super::validate::Attributes;

/// `meta` of a resource: times in microseconds since the Unix epoch.
#[derive(Debug, Clone)]
pub struct Meta {
    pub created_us: i64,
    pub last_modified_us: i64,
    pub version: i64,
}

impl Meta {
    /// The weak ETag of this version, e.g. `W/"3"`.
    pub fn etag(&self) -> String {
        etag(self.version)
    }
}

/// The weak ETag of a version counter.
pub fn etag(version: i64) -> String {
    format!("W/\"{version}\"")
}

/// Formats microseconds since the epoch as an RFC 3339 UTC dateTime.
pub fn format_time(micros: i64) -> String {
    DateTime::<Utc>::from_timestamp_micros(micros)
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// A group the user belongs to, for the User's read-only `groups` attribute.
#[derive(Debug, Clone)]
pub struct GroupRef {
    pub id: String,
    pub display: String,
}

/// A product role the user holds, and the groups that grant it, for the
/// read-only `entitlements` and the access extension's `grants`.
#[derive(Debug, Clone)]
pub struct EntitlementRef {
    pub product: String,
    pub product_name: String,
    pub role: String,
    pub via: Vec<GrantingGroup>,
}

/// A group through which a user holds an entitlement.
#[derive(Debug, Clone)]
pub struct GrantingGroup {
    pub id: String,
    pub display: String,
    pub directory: String,
    pub synced: bool,
}

/// A member of a group as returned in `members`.
#[derive(Debug, Clone)]
pub struct MemberRef {
    pub id: String,
    pub kind: ResourceKind,
    pub display: Option<String>,
}

/// A User ready to render.
#[derive(Debug, Clone)]
pub struct UserResource {
    pub id: String,
    pub user_name: String,
    pub external_id: Option<String>,
    pub display_name: Option<String>,
    pub active: bool,
    /// Every other writable attribute (see [`Attributes`]).
    pub attributes: Attributes,
    pub groups: Vec<GroupRef>,
    pub entitlements: Vec<EntitlementRef>,
    pub meta: Meta,
}

/// A Group ready to render; `members` is `None` when they were not loaded
/// (e.g. `excludedAttributes=members`).
#[derive(Debug, Clone)]
pub struct GroupResource {
    pub id: String,
    pub display_name: String,
    pub external_id: Option<String>,
    pub attributes: Attributes,
    pub members: Option<Vec<MemberRef>>,
    pub meta: Meta,
}

/// Absolute URL of a resource, for `meta.location` and `$ref`.
pub fn location(base_url: &str, kind: ResourceKind, id: &str) -> String {
    format!(
        "{}/{}/{id}",
        base_url.trim_end_matches('/'),
        kind.endpoint()
    )
}

/// A resource the SCIM endpoints serve, users and groups alike.
pub trait ScimResource: Send + 'static {
    const KIND: ResourceKind;
    fn id(&self) -> &str;
    fn meta(&self) -> &Meta;
    /// The SCIM JSON of the resource, with every attribute it holds; the
    /// resource's values are moved into it, not copied.
    fn into_json(self, registry: &SchemaRegistry, base_url: &str) -> Value;

    /// The SCIM JSON of a resource that is kept.
    fn to_json(&self, registry: &SchemaRegistry, base_url: &str) -> Value
    where
        Self: Clone,
    {
        self.clone().into_json(registry, base_url)
    }
}

impl ScimResource for UserResource {
    const KIND: ResourceKind = ResourceKind::User;
    fn id(&self) -> &str {
        &self.id
    }
    fn meta(&self) -> &Meta {
        &self.meta
    }
    fn into_json(self, registry: &SchemaRegistry, base_url: &str) -> Value {
        self.json(registry, base_url)
    }
}

impl ScimResource for GroupResource {
    const KIND: ResourceKind = ResourceKind::Group;
    fn id(&self) -> &str {
        &self.id
    }
    fn meta(&self) -> &Meta {
        &self.meta
    }
    fn into_json(self, registry: &SchemaRegistry, base_url: &str) -> Value {
        self.json(registry, base_url)
    }
}

impl UserResource {
    /// The SCIM JSON of this user, with every attribute it holds.
    fn json(self, registry: &SchemaRegistry, base_url: &str) -> Value {
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
        } = self;
        let mut out = Map::new();
        let mut schemas = vec![Value::from(super::USER_URN)];
        for ext in registry.extensions(ResourceKind::User) {
            let derived = ext.id == super::ACCESS_URN;
            if (derived && !entitlements.is_empty())
                || (!derived && attributes.contains_key(&ext.id))
            {
                schemas.push(Value::from(ext.id.clone()));
            }
        }
        schemas.extend(
            unregistered_extensions(registry, ResourceKind::User, &attributes)
                .map(|(urn, _)| Value::from(urn.clone())),
        );
        out.insert("schemas".into(), Value::Array(schemas));
        let meta_location = location(base_url, ResourceKind::User, &id);
        out.insert("id".into(), id.into());
        if let Some(ext_id) = external_id {
            out.insert("externalId".into(), ext_id.into());
        }
        out.insert("userName".into(), user_name.into());
        if let Some(name) = display_name {
            out.insert("displayName".into(), name.into());
        }
        out.insert("active".into(), active.into());
        move_in_schema_order(&registry.user, &mut attributes, &mut out);
        move_unregistered(&mut attributes, &mut out);
        if !groups.is_empty() {
            let groups = groups
                .into_iter()
                .map(|g| {
                    let reference = location(base_url, ResourceKind::Group, &g.id);
                    json!({
                        "value": g.id,
                        "$ref": reference,
                        "display": g.display,
                        "type": "direct",
                    })
                })
                .collect();
            out.insert("groups".into(), Value::Array(groups));
        }
        if !entitlements.is_empty() {
            out.insert("entitlements".into(), entitlements_json(&entitlements));
        }
        for ext in registry.extensions(ResourceKind::User) {
            if ext.id == super::ACCESS_URN {
                if !entitlements.is_empty() {
                    out.insert(
                        ext.id.clone(),
                        json!({"grants": grants_json(&entitlements)}),
                    );
                }
            } else if let Some(v) = attributes.shift_remove(&ext.id) {
                out.insert(ext.id.clone(), v);
            }
        }
        move_unregistered_extensions(registry, ResourceKind::User, attributes, &mut out);
        out.insert(
            "meta".into(),
            meta_json(&meta, ResourceKind::User, meta_location),
        );
        Value::Object(out)
    }
}

fn entitlements_json(entitlements: &[EntitlementRef]) -> Value {
    entitlements
        .iter()
        .map(|e| {
            json!({
                "value": format!("{}:{}", e.product, e.role),
                "display": format!("{} {}", e.product_name, e.role),
                "type": e.product,
            })
        })
        .collect()
}

fn grants_json(entitlements: &[EntitlementRef]) -> Value {
    entitlements
        .iter()
        .flat_map(|e| {
            e.via.iter().map(move |g| {
                json!({
                    "value": format!("{}:{}", e.product, e.role),
                    "product": e.product,
                    "role": e.role,
                    "group": g.id,
                    "groupDisplay": g.display,
                    "groupDirectory": g.directory,
                    "synced": g.synced,
                })
            })
        })
        .collect()
}

impl GroupResource {
    /// The SCIM JSON of this group.
    fn json(self, registry: &SchemaRegistry, base_url: &str) -> Value {
        let GroupResource {
            id,
            display_name,
            external_id,
            mut attributes,
            members,
            meta,
        } = self;
        let mut out = Map::new();
        let kind = ResourceKind::Group;
        let mut schemas = vec![Value::from(super::GROUP_URN)];
        for ext in registry.extensions(kind) {
            if attributes.contains_key(&ext.id) {
                schemas.push(Value::from(ext.id.clone()));
            }
        }
        schemas.extend(
            unregistered_extensions(registry, kind, &attributes)
                .map(|(urn, _)| Value::from(urn.clone())),
        );
        out.insert("schemas".into(), Value::Array(schemas));
        let meta_location = location(base_url, kind, &id);
        out.insert("id".into(), id.into());
        if let Some(ext_id) = external_id {
            out.insert("externalId".into(), ext_id.into());
        }
        out.insert("displayName".into(), display_name.into());
        move_in_schema_order(&registry.group, &mut attributes, &mut out);
        move_unregistered(&mut attributes, &mut out);
        if let Some(members) = members {
            let members = members.iter().map(|m| m.json(base_url)).collect();
            out.insert("members".into(), Value::Array(members));
        }
        for ext in registry.extensions(kind) {
            if let Some(v) = attributes.shift_remove(&ext.id) {
                out.insert(ext.id.clone(), v);
            }
        }
        move_unregistered_extensions(registry, kind, attributes, &mut out);
        out.insert("meta".into(), meta_json(&meta, kind, meta_location));
        Value::Object(out)
    }
}

impl MemberRef {
    /// The SCIM JSON of one entry of a group's `members`.
    pub fn json(&self, base_url: &str) -> Value {
        let mut v = json!({
            "value": self.id,
            "$ref": location(base_url, self.kind, &self.id),
            "type": self.kind.name(),
        });
        if let (Some(d), Some(o)) = (&self.display, v.as_object_mut()) {
            o.insert("display".into(), d.clone().into());
        }
        v
    }
}

/// Moves the stored attributes into `out` in the order the schema lists
/// them, so responses look the same whatever order the client sent.
fn move_in_schema_order(
    schema: &Schema,
    attributes: &mut Attributes,
    out: &mut Map<String, Value>,
) {
    for attribute in &schema.attributes {
        if out.contains_key(&attribute.name) {
            continue;
        }
        // `shift_remove` keeps the rest in the order they were sent.
        if let Some(v) = attributes.shift_remove(&attribute.name) {
            out.insert(attribute.name.clone(), v);
        }
    }
}

/// Core attributes no schema defines, kept as sent: after the defined
/// ones. (Extension objects, whose keys hold a colon, are placed apart.)
fn move_unregistered(attributes: &mut Attributes, out: &mut Map<String, Value>) {
    let unregistered: Vec<String> = attributes
        .keys()
        .filter(|key| !key.contains(':') && !out.contains_key(*key))
        .cloned()
        .collect();
    for key in unregistered {
        if let Some(v) = attributes.shift_remove(&key) {
            out.insert(key, v);
        }
    }
}

/// Objects held under a URN that names no extension of the resource type:
/// extensions nobody registered, kept as sent.
fn unregistered_extensions<'a>(
    registry: &'a SchemaRegistry,
    kind: ResourceKind,
    attributes: &'a Attributes,
) -> impl Iterator<Item = (&'a String, &'a Value)> + 'a {
    attributes
        .iter()
        .filter(move |(key, _)| is_unregistered_extension(registry, kind, key))
}

fn move_unregistered_extensions(
    registry: &SchemaRegistry,
    kind: ResourceKind,
    attributes: Attributes,
    out: &mut Map<String, Value>,
) {
    for (urn, v) in attributes {
        if is_unregistered_extension(registry, kind, &urn) {
            out.insert(urn, v);
        }
    }
}

fn is_unregistered_extension(registry: &SchemaRegistry, kind: ResourceKind, key: &str) -> bool {
    key.contains(':') && registry.extension(kind, key).is_none()
}

fn meta_json(meta: &Meta, kind: ResourceKind, location: String) -> Value {
    json!({
        "resourceType": kind.name(),
        "created": format_time(meta.created_us),
        "lastModified": format_time(meta.last_modified_us),
        "location": location,
        "version": meta.etag(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta() -> Meta {
        Meta {
            created_us: 1_700_000_000_000_000,
            last_modified_us: 1_700_000_000_123_456,
            version: 3,
        }
    }

    #[test]
    fn user_renders_common_attributes_groups_and_extension() {
        let registry = SchemaRegistry::load().unwrap();
        let mut attributes = Map::new();
        attributes.insert("title".into(), "Eng".into());
        attributes.insert("name".into(), json!({"givenName": "B"}));
        attributes.insert(
            super::super::ENTERPRISE_USER_URN.into(),
            json!({"department": "Ops"}),
        );
        let user = UserResource {
            id: "u1".into(),
            user_name: "bjensen".into(),
            external_id: Some("e1".into()),
            display_name: None,
            active: true,
            attributes,
            groups: vec![GroupRef {
                id: "g1".into(),
                display: "Eng".into(),
            }],
            entitlements: vec![EntitlementRef {
                product: "wiki".into(),
                product_name: "Wiki".into(),
                role: "user".into(),
                via: vec![GrantingGroup {
                    id: "g1".into(),
                    display: "Eng".into(),
                    directory: "d1".into(),
                    synced: true,
                }],
            }],
            meta: meta(),
        };
        let got = user.to_json(&registry, "http://h/scim/v2/");
        assert_eq!(
            got,
            json!({
                "schemas": [super::super::USER_URN, super::super::ENTERPRISE_USER_URN, super::super::ACCESS_URN],
                "id": "u1",
                "externalId": "e1",
                "userName": "bjensen",
                "active": true,
                "name": {"givenName": "B"},
                "title": "Eng",
                "groups": [{"value": "g1", "$ref": "http://h/scim/v2/Groups/g1", "display": "Eng", "type": "direct"}],
                "entitlements": [{"value": "wiki:user", "display": "Wiki user", "type": "wiki"}],
                super::super::ENTERPRISE_USER_URN: {"department": "Ops"},
                super::super::ACCESS_URN: {"grants": [{
                    "value": "wiki:user", "product": "wiki", "role": "user", "group": "g1",
                    "groupDisplay": "Eng", "groupDirectory": "d1", "synced": true
                }]},
                "meta": {
                    "resourceType": "User",
                    "created": "2023-11-14T22:13:20Z",
                    "lastModified": "2023-11-14T22:13:20.123456Z",
                    "location": "http://h/scim/v2/Users/u1",
                    "version": "W/\"3\""
                }
            })
        );
        let keys: Vec<_> = got.as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys[..4], ["schemas", "id", "externalId", "userName"]);
    }

    #[test]
    fn group_renders_members_only_when_loaded() {
        let registry = SchemaRegistry::load().unwrap();
        let mut group = GroupResource {
            id: "g1".into(),
            display_name: "Eng".into(),
            external_id: None,
            attributes: Map::new(),
            members: Some(vec![MemberRef {
                id: "u1".into(),
                kind: ResourceKind::User,
                display: Some("Babs".into()),
            }]),
            meta: meta(),
        };
        let got = group.to_json(&registry, "http://h/scim/v2");
        assert_eq!(
            got["members"],
            json!([{"value": "u1", "$ref": "http://h/scim/v2/Users/u1", "type": "User", "display": "Babs"}])
        );
        group.members = None;
        assert!(group
            .to_json(&registry, "http://h")
            .get("members")
            .is_none());
    }
}
