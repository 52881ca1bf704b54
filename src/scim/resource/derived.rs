//! The parts of a resource that are not stored as sent but derived when it
//! is read — a user's `groups`, `entitlements` and access extension (its
//! `grants`), and every resource's `meta` — written straight from typed
//! values: a page of 100 users builds no JSON object for them. Their
//! `Value` (`to_value`) is the same serialisation, so the two cannot
//! disagree.

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::Value;

use super::model::{format_time, EntitlementRef, GrantingGroup, GroupRef, Location, Meta};
use crate::scim::schema::ResourceKind;

/// Which derived part a member of a rendered resource is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Derived {
    Groups,
    Entitlements,
    /// The access extension's object: `{"grants": [...]}`.
    Access,
    Meta,
}

impl Derived {
    pub(super) const ALL: [Derived; 4] = [
        Derived::Groups,
        Derived::Entitlements,
        Derived::Access,
        Derived::Meta,
    ];

    pub(super) fn index(self) -> usize {
        self as usize
    }
}

/// What the derived parts of one resource are made of.
#[derive(Debug)]
pub(super) struct DerivedData {
    pub kind: ResourceKind,
    pub groups: Vec<GroupRef>,
    pub entitlements: Vec<EntitlementRef>,
    pub meta: Meta,
    /// `meta.location`: the resource's own URL.
    pub location: String,
}

impl DerivedData {
    /// Data with one entry of each list: its parts have the members every
    /// real entry has, so how a projection treats them is how it treats
    /// every resource's (`rendered::Viewer`).
    pub(super) fn sample(kind: ResourceKind) -> DerivedData {
        let group = GrantingGroup {
            id: String::new(),
            display: String::new(),
            directory: String::new(),
            synced: true,
        };
        DerivedData {
            kind,
            groups: vec![GroupRef {
                id: String::new(),
                display: String::new(),
            }],
            entitlements: vec![EntitlementRef {
                product: String::new(),
                product_name: String::new(),
                role: String::new(),
                via: vec![group],
            }],
            meta: Meta {
                created_us: 0,
                last_modified_us: 0,
                version: 0,
            },
            location: String::new(),
        }
    }
}

/// One derived part of one resource, ready to write.
#[derive(Debug, Clone, Copy)]
pub(super) struct DerivedRef<'v> {
    pub part: Derived,
    pub data: &'v DerivedData,
    pub base_url: &'v str,
}

impl DerivedRef<'_> {
    /// The part as JSON: its serialisation, read back.
    pub(super) fn to_value(self) -> Value {
        // Every key is a string: this serialisation cannot fail.
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

impl Serialize for DerivedRef<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let data = self.data;
        match self.part {
            Derived::Groups => serializer.collect_seq(data.groups.iter().map(|group| GroupEntry {
                group,
                base_url: self.base_url,
            })),
            Derived::Entitlements => {
                serializer.collect_seq(data.entitlements.iter().map(EntitlementEntry))
            }
            Derived::Access => {
                let mut access = serializer.serialize_map(Some(1))?;
                access.serialize_entry("grants", &Grants(&data.entitlements))?;
                access.end()
            }
            Derived::Meta => {
                let meta = &data.meta;
                let mut out = serializer.serialize_map(Some(5))?;
                out.serialize_entry("resourceType", data.kind.name())?;
                out.serialize_entry("created", &format_time(meta.created_us))?;
                out.serialize_entry("lastModified", &format_time(meta.last_modified_us))?;
                out.serialize_entry("location", &data.location)?;
                out.serialize_entry("version", &meta.etag())?;
                out.end()
            }
        }
    }
}

/// An entry of a user's `groups`: every membership is direct.
struct GroupEntry<'v> {
    group: &'v GroupRef,
    base_url: &'v str,
}

impl Serialize for GroupEntry<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let g = self.group;
        let mut out = serializer.serialize_map(Some(4))?;
        out.serialize_entry("value", &g.id)?;
        let reference = Location {
            base_url: self.base_url,
            kind: ResourceKind::Group,
            id: &g.id,
        };
        out.serialize_entry("$ref", &format_args!("{reference}"))?;
        out.serialize_entry("display", &g.display)?;
        out.serialize_entry("type", "direct")?;
        out.end()
    }
}

/// An entry of a user's `entitlements`: `product:role`.
struct EntitlementEntry<'v>(&'v EntitlementRef);

impl Serialize for EntitlementEntry<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let e = self.0;
        let mut out = serializer.serialize_map(Some(3))?;
        out.serialize_entry("value", &format_args!("{}:{}", e.product, e.role))?;
        out.serialize_entry("display", &format_args!("{} {}", e.product_name, e.role))?;
        out.serialize_entry("type", &e.product)?;
        out.end()
    }
}

/// The access extension's `grants`: one per entitlement and group that
/// grants it.
struct Grants<'v>(&'v [EntitlementRef]);

impl Serialize for Grants<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let count = self.0.iter().map(|e| e.via.len()).sum();
        let mut out = serializer.serialize_seq(Some(count))?;
        for entitlement in self.0 {
            for group in &entitlement.via {
                out.serialize_element(&Grant { entitlement, group })?;
            }
        }
        out.end()
    }
}

struct Grant<'v> {
    entitlement: &'v EntitlementRef,
    group: &'v GrantingGroup,
}

impl Serialize for Grant<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (e, g) = (self.entitlement, self.group);
        let mut out = serializer.serialize_map(Some(7))?;
        out.serialize_entry("value", &format_args!("{}:{}", e.product, e.role))?;
        out.serialize_entry("product", &e.product)?;
        out.serialize_entry("role", &e.role)?;
        out.serialize_entry("group", &g.id)?;
        out.serialize_entry("groupDisplay", &g.display)?;
        out.serialize_entry("groupDirectory", &g.directory)?;
        out.serialize_entry("synced", &g.synced)?;
        out.end()
    }
}
