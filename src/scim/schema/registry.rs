//! The registry: every schema a resource type has (core, built-in and
//! registered extensions), the discovery documents, and the attributes kept
//! without a schema. One value is a consistent snapshot; a change (a schema
//! registered, a new attribute kept) makes a new one.

use serde::Deserialize;
use serde_json::{json, Value};

use super::aliases::{self, Alias};
use super::custom::CustomSchema;
use super::{ResourceKind, Schema};

/// An attribute a directory sent that no schema defines, kept as sent.
/// Being known here makes it filterable (as a string) and lets later
/// pushes of the same name, in any letter case, land under one spelling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptAttribute {
    pub kind: ResourceKind,
    /// The extension URN it was sent under, as first sent; `None` for an
    /// attribute of the core schema.
    pub schema: Option<String>,
    /// Its path below the schema, as first sent: `costCenter`, or
    /// `name.pronunciation` for an unknown sub-attribute of a known one.
    pub name: String,
}

/// How many kept attributes the registry knows; past it, attributes are
/// still stored and returned, but not filterable. A directory sending a new
/// random name with every request must not grow the server's memory.
pub const MAX_KEPT_ATTRIBUTES: usize = 1000;

/// What a schema URN names for one resource type.
#[derive(Debug, Clone, Copy)]
pub enum Named<'a> {
    Core(&'a Schema),
    Extension(&'a Schema),
}

/// Every schema and discovery document.
#[derive(Debug, Clone)]
pub struct SchemaRegistry {
    pub user: Schema,
    pub group: Schema,
    /// The User's extensions: enterprise, Gatehouse's access grants, then
    /// the registered ones.
    user_extensions: Vec<Schema>,
    /// The Group's extensions: only registered ones.
    group_extensions: Vec<Schema>,
    /// The URNs of the registered extensions.
    custom: Vec<String>,
    /// The schema documents, served by `/Schemas`.
    documents: Vec<Value>,
    /// `/ResourceTypes`, before `meta` is added.
    resource_types: Vec<Value>,
    /// `/ServiceProviderConfig`, before run-time limits are filled in.
    service_provider_config: Value,
    kept: Vec<KeptAttribute>,
}

const USER_JSON: &str = include_str!("../../../scim-schemas/User.json");
const ENTERPRISE_USER_JSON: &str = include_str!("../../../scim-schemas/EnterpriseUser.json");
const ACCESS_JSON: &str = include_str!("../../../scim-schemas/GatehouseAccess.json");
const GROUP_JSON: &str = include_str!("../../../scim-schemas/Group.json");
const RESOURCE_TYPES_JSON: &str = include_str!("../../../scim-schemas/ResourceTypes.json");
const SERVICE_PROVIDER_CONFIG_JSON: &str =
    include_str!("../../../scim-schemas/ServiceProviderConfig.json");

impl SchemaRegistry {
    /// Parses the embedded schema files; fails only if a file is malformed.
    pub fn load() -> Result<SchemaRegistry, serde_json::Error> {
        let documents: [Value; 4] = [
            serde_json::from_str(USER_JSON)?,
            serde_json::from_str(ENTERPRISE_USER_JSON)?,
            serde_json::from_str(ACCESS_JSON)?,
            serde_json::from_str(GROUP_JSON)?,
        ];
        let [user, enterprise, access, group] = &documents;
        Ok(SchemaRegistry {
            user: Schema::deserialize(user)?,
            user_extensions: vec![
                Schema::deserialize(enterprise)?,
                Schema::deserialize(access)?,
            ],
            group: Schema::deserialize(group)?,
            group_extensions: Vec::new(),
            custom: Vec::new(),
            resource_types: serde_json::from_str(RESOURCE_TYPES_JSON)?,
            service_provider_config: serde_json::from_str(SERVICE_PROVIDER_CONFIG_JSON)?,
            documents: documents.to_vec(),
            kept: Vec::new(),
        })
    }

    /// This registry (the built-in schemas) with registered extensions
    /// and kept attributes added.
    pub fn extended(&self, custom: &[CustomSchema], kept: &[KeptAttribute]) -> SchemaRegistry {
        let mut out = self.clone();
        for c in custom {
            match c.kind {
                ResourceKind::User => out.user_extensions.push(c.schema.clone()),
                ResourceKind::Group => out.group_extensions.push(c.schema.clone()),
            }
            out.custom.push(c.schema.id.clone());
            out.documents.push(c.document.clone());
            let listed = out
                .resource_types
                .iter_mut()
                .find(|t| t["id"] == c.kind.name())
                .and_then(|t| t["schemaExtensions"].as_array_mut());
            if let Some(list) = listed {
                list.push(json!({"schema": c.schema.id, "required": false}));
            }
        }
        out.kept.clear();
        out.keep(kept);
        out
    }

    /// Adds kept attributes not known yet (up to the limit); returns
    /// whether any was new.
    pub fn keep(&mut self, attributes: &[KeptAttribute]) -> bool {
        let mut added = false;
        for a in attributes {
            if self.kept.len() >= MAX_KEPT_ATTRIBUTES {
                break;
            }
            if self
                .kept_entry(a.kind, a.schema.as_deref(), &a.name)
                .is_none()
            {
                self.kept.push(a.clone());
                added = true;
            }
        }
        added
    }

    /// Whether every attribute named is already known here.
    pub fn knows_all(&self, attributes: &[KeptAttribute]) -> bool {
        attributes.iter().all(|a| {
            self.kept.len() >= MAX_KEPT_ATTRIBUTES
                || self
                    .kept_entry(a.kind, a.schema.as_deref(), &a.name)
                    .is_some()
        })
    }

    /// The core schema of a resource type.
    pub fn core(&self, kind: ResourceKind) -> &Schema {
        match kind {
            ResourceKind::User => &self.user,
            ResourceKind::Group => &self.group,
        }
    }

    /// The extension schemas a resource type allows.
    pub fn extensions(&self, kind: ResourceKind) -> &[Schema] {
        match kind {
            ResourceKind::User => &self.user_extensions,
            ResourceKind::Group => &self.group_extensions,
        }
    }

    /// The schema `urn` names for a resource type: its own id
    /// (case-insensitive) or an alias IdPs send for it.
    pub fn named(&self, kind: ResourceKind, urn: &str) -> Option<Named<'_>> {
        let core = self.core(kind);
        if core.id.eq_ignore_ascii_case(urn) {
            return Some(Named::Core(core));
        }
        let id = match aliases::resolve(kind, urn) {
            Some(Alias::Core) => return Some(Named::Core(core)),
            Some(Alias::Extension(id)) => id,
            None => urn,
        };
        self.extensions(kind)
            .iter()
            .find(|s| s.id.eq_ignore_ascii_case(id))
            .map(Named::Extension)
    }

    /// The extension schema `urn` (or an alias of it) names.
    pub fn extension(&self, kind: ResourceKind, urn: &str) -> Option<&Schema> {
        match self.named(kind, urn) {
            Some(Named::Extension(s)) => Some(s),
            _ => None,
        }
    }

    /// The one extension of `kind` with a complex attribute `name` the core
    /// schema lacks: Entra ID's documented manager update names `manager`
    /// without the enterprise URN. Only complex attributes are looked up
    /// this way (a plain `costCenter` is Okta's own attribute, kept as
    /// sent), and a name two extensions define stays unknown.
    pub fn sole_complex_extension(&self, kind: ResourceKind, name: &str) -> Option<&Schema> {
        if self.core(kind).attribute(name).is_some() {
            return None;
        }
        let mut found = self.extensions(kind).iter().filter(|e| {
            e.attribute(name)
                .is_some_and(|a| a.kind == super::AttrType::Complex)
        });
        match (found.next(), found.next()) {
            (Some(ext), None) => Some(ext),
            _ => None,
        }
    }

    /// Whether `urn` names the core schema of `kind` (or an alias of it).
    pub fn is_core(&self, kind: ResourceKind, urn: &str) -> bool {
        matches!(self.named(kind, urn), Some(Named::Core(_)))
    }

    /// Whether `urn` is taken: a built-in schema, an alias, or registered.
    pub fn is_taken(&self, urn: &str) -> bool {
        aliases::is_alias(urn)
            || self.documents.iter().any(|d| {
                d["id"]
                    .as_str()
                    .is_some_and(|id| id.eq_ignore_ascii_case(urn))
            })
    }

    /// Whether `urn` is an extension an admin registered.
    pub fn is_custom(&self, urn: &str) -> bool {
        self.custom.iter().any(|u| u.eq_ignore_ascii_case(urn))
    }

    /// The schema documents, for `/Schemas`.
    pub fn documents(&self) -> &[Value] {
        &self.documents
    }

    /// A schema document by URN, for `/Schemas/{urn}`.
    pub fn document(&self, urn: &str) -> Option<&Value> {
        self.documents.iter().find(|d| {
            d.get("id")
                .and_then(Value::as_str)
                .is_some_and(|id| id.eq_ignore_ascii_case(urn))
        })
    }

    /// `/ResourceTypes`, before `meta` is added.
    pub fn resource_types(&self) -> &[Value] {
        &self.resource_types
    }

    /// `/ServiceProviderConfig`, before run-time limits are filled in.
    pub fn service_provider_config(&self) -> &Value {
        &self.service_provider_config
    }

    /// The kept attribute with exactly this schema and name (any case).
    pub fn kept_entry(
        &self,
        kind: ResourceKind,
        schema: Option<&str>,
        name: &str,
    ) -> Option<&KeptAttribute> {
        self.kept.iter().find(|k| {
            k.kind == kind
                && same_schema(k.schema.as_deref(), schema)
                && k.name.eq_ignore_ascii_case(name)
        })
    }

    /// Where a path below `schema` leads among the kept attributes: the
    /// stored spelling of the schema and of each name, when a kept
    /// attribute is the path or one of its leading parts (`badge` keeps
    /// `badge.level` too).
    pub fn kept_path(
        &self,
        kind: ResourceKind,
        schema: Option<&str>,
        names: &[&str],
    ) -> Option<(Option<String>, Vec<String>)> {
        self.kept.iter().find_map(|k| {
            if k.kind != kind || !same_schema(k.schema.as_deref(), schema) {
                return None;
            }
            let parts: Vec<&str> = k.name.split('.').collect();
            if parts.len() > names.len()
                || !parts
                    .iter()
                    .zip(names)
                    .all(|(a, b)| a.eq_ignore_ascii_case(b))
            {
                return None;
            }
            let mut keys: Vec<String> = parts.iter().map(|p| (*p).to_owned()).collect();
            keys.extend(names.iter().skip(parts.len()).map(|n| (*n).to_owned()));
            Some((k.schema.clone(), keys))
        })
    }

    /// Every kept attribute.
    pub fn kept_attributes(&self) -> &[KeptAttribute] {
        &self.kept
    }

    /// The stored spelling of an unregistered extension URN, if one was kept.
    pub fn kept_schema(&self, kind: ResourceKind, urn: &str) -> Option<&str> {
        self.kept
            .iter()
            .filter(|k| k.kind == kind)
            .filter_map(|k| k.schema.as_deref())
            .find(|s| s.eq_ignore_ascii_case(urn))
    }
}

fn same_schema(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scim::{ENTERPRISE_USER_URN, GROUP_URN, USER_URN};

    fn kept(schema: Option<&str>, name: &str) -> KeptAttribute {
        KeptAttribute {
            kind: ResourceKind::User,
            schema: schema.map(str::to_owned),
            name: name.to_owned(),
        }
    }

    #[test]
    fn urns_name_schemas_through_aliases() {
        let reg = SchemaRegistry::load().unwrap();
        let u = ResourceKind::User;
        assert!(reg.is_core(u, USER_URN));
        assert!(reg.is_core(u, "urn:scim:schemas:core:1.0"));
        assert!(!reg.is_core(u, GROUP_URN));
        assert_eq!(
            reg.extension(u, "urn:scim:schemas:extension:enterprise:1.0")
                .unwrap()
                .id,
            ENTERPRISE_USER_URN
        );
        assert!(reg.is_core(
            ResourceKind::Group,
            "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"
        ));
        assert!(reg.is_taken("urn:scim:schemas:core:2.0"));
        assert!(reg.is_taken(ENTERPRISE_USER_URN));
        assert!(!reg.is_taken("urn:acme:1.0"));
    }

    #[test]
    fn kept_attributes_match_in_any_case_and_cover_their_sub_paths() {
        let mut reg = SchemaRegistry::load().unwrap();
        let acme = "urn:ietf:params:scim:schemas:extension:Acme:2.0:User";
        assert!(reg.keep(&[kept(None, "costCenter"), kept(Some(acme), "badge")]));
        assert!(!reg.keep(&[kept(None, "COSTCENTER")]));
        // An unknown attribute of a known extension is kept too.
        assert!(reg.keep(&[kept(Some(ENTERPRISE_USER_URN), "x")]));
        let u = ResourceKind::User;
        assert_eq!(
            reg.kept_path(u, None, &["costcenter"]),
            Some((None, vec!["costCenter".to_owned()]))
        );
        assert_eq!(
            reg.kept_path(u, Some(&acme.to_lowercase()), &["BADGE", "level"]),
            Some((Some(acme.to_owned()), vec!["badge".into(), "level".into()]))
        );
        assert_eq!(reg.kept_path(u, None, &["badge"]), None);
        assert_eq!(
            reg.kept_path(ResourceKind::Group, None, &["costCenter"]),
            None
        );
        assert_eq!(reg.kept_schema(u, &acme.to_uppercase()), Some(acme));
        assert!(reg.knows_all(&[kept(None, "costcenter")]));
        assert!(!reg.knows_all(&[kept(None, "other")]));
    }

    #[test]
    fn kept_attributes_stop_at_the_limit() {
        let mut reg = SchemaRegistry::load().unwrap();
        let many: Vec<KeptAttribute> = (0..MAX_KEPT_ATTRIBUTES + 5)
            .map(|i| kept(None, &format!("a{i}")))
            .collect();
        reg.keep(&many);
        assert_eq!(reg.kept.len(), MAX_KEPT_ATTRIBUTES);
        assert!(reg.knows_all(&[kept(None, "zzz")]));
    }
}
