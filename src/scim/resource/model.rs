//! The resources as the store hands them over — a user or group with what
//! is derived for it — and the values they are made of.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Value};

use super::stored::StoredAttributes;
use crate::scim::schema::ResourceKind;
use crate::scim::validate::Attributes;

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
    /// Every other writable attribute (see [`Attributes`]), as stored.
    pub attributes: StoredAttributes,
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
    Location { base_url, kind, id }.to_string()
}

/// Absolute URL of a resource, written where it is needed (a page of
/// users' `$ref`s is not a string each).
pub(super) struct Location<'a> {
    pub base_url: &'a str,
    pub kind: ResourceKind,
    pub id: &'a str,
}

impl std::fmt::Display for Location<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let base = self.base_url.trim_end_matches('/');
        write!(f, "{base}/{}/{}", self.kind.endpoint(), self.id)
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
