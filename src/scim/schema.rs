//! SCIM schemas (RFC 7643 §7), loaded from the JSON files in `scim-schemas/`.
//! The same definitions are served by the discovery endpoints and drive
//! validation, projection and filtering, so they can never disagree.

use serde::Deserialize;
use serde_json::Value;

use super::{ENTERPRISE_USER_URN, GROUP_URN, USER_URN};

/// An attribute's data type (RFC 7643 §2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum AttrType {
    String,
    Boolean,
    Decimal,
    Integer,
    DateTime,
    Binary,
    Reference,
    Complex,
}

/// Whether and how a client may change an attribute (RFC 7643 §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Mutability {
    ReadOnly,
    ReadWrite,
    Immutable,
    WriteOnly,
}

/// When an attribute is returned (RFC 7643 §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Returned {
    Always,
    Never,
    Default,
    Request,
}

/// How an attribute's values must be unique (RFC 7643 §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Uniqueness {
    None,
    Server,
    Global,
}

/// One attribute definition.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Attribute {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: AttrType,
    #[serde(default)]
    pub multi_valued: bool,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub case_exact: bool,
    #[serde(default)]
    pub canonical_values: Vec<String>,
    pub mutability: Mutability,
    pub returned: Returned,
    #[serde(default = "no_uniqueness")]
    pub uniqueness: Uniqueness,
    #[serde(default)]
    pub sub_attributes: Vec<Attribute>,
}

fn no_uniqueness() -> Uniqueness {
    Uniqueness::None
}

impl Attribute {
    /// The sub-attribute with this name, compared case-insensitively
    /// (RFC 7643 §2.1: attribute names are case-insensitive).
    pub fn sub_attribute(&self, name: &str) -> Option<&Attribute> {
        find(&self.sub_attributes, name)
    }
}

/// One schema: its URN and attributes.
#[derive(Debug, Clone, Deserialize)]
pub struct Schema {
    pub id: String,
    pub name: String,
    pub attributes: Vec<Attribute>,
}

impl Schema {
    /// The top-level attribute with this name, case-insensitively.
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        find(&self.attributes, name)
    }
}

fn find<'a>(attributes: &'a [Attribute], name: &str) -> Option<&'a Attribute> {
    attributes
        .iter()
        .find(|a| a.name.eq_ignore_ascii_case(name))
}

/// The two resource types Gatehouse serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResourceKind {
    User,
    Group,
}

impl ResourceKind {
    /// The `meta.resourceType` value.
    pub fn name(self) -> &'static str {
        match self {
            ResourceKind::User => "User",
            ResourceKind::Group => "Group",
        }
    }

    /// The endpoint below the SCIM base URL.
    pub fn endpoint(self) -> &'static str {
        match self {
            ResourceKind::User => "Users",
            ResourceKind::Group => "Groups",
        }
    }

    /// The core schema URN.
    pub fn core_urn(self) -> &'static str {
        match self {
            ResourceKind::User => USER_URN,
            ResourceKind::Group => GROUP_URN,
        }
    }
}

/// Every schema and discovery document, parsed once at start.
#[derive(Debug, Clone)]
pub struct SchemaRegistry {
    pub user: Schema,
    /// The User's extensions: enterprise, then Gatehouse's access grants.
    pub user_extensions: Vec<Schema>,
    pub group: Schema,
    /// The raw schema documents, served by `/Schemas`.
    pub documents: Vec<Value>,
    /// `/ResourceTypes`, before `meta` is added.
    pub resource_types: Vec<Value>,
    /// `/ServiceProviderConfig`, before run-time limits are filled in.
    pub service_provider_config: Value,
}

const USER_JSON: &str = include_str!("../../scim-schemas/User.json");
const ENTERPRISE_USER_JSON: &str = include_str!("../../scim-schemas/EnterpriseUser.json");
const ACCESS_JSON: &str = include_str!("../../scim-schemas/GatehouseAccess.json");
const GROUP_JSON: &str = include_str!("../../scim-schemas/Group.json");
const RESOURCE_TYPES_JSON: &str = include_str!("../../scim-schemas/ResourceTypes.json");
const SERVICE_PROVIDER_CONFIG_JSON: &str =
    include_str!("../../scim-schemas/ServiceProviderConfig.json");

impl SchemaRegistry {
    /// Parses the embedded schema files; fails only if a file is malformed.
    pub fn load() -> Result<SchemaRegistry, serde_json::Error> {
        let documents: Vec<Value> = [USER_JSON, ENTERPRISE_USER_JSON, ACCESS_JSON, GROUP_JSON]
            .iter()
            .map(|text| serde_json::from_str(text))
            .collect::<Result<_, _>>()?;
        let parse = |i: usize| Schema::deserialize(&documents[i]);
        Ok(SchemaRegistry {
            user: parse(0)?,
            user_extensions: vec![parse(1)?, parse(2)?],
            group: parse(3)?,
            resource_types: serde_json::from_str(RESOURCE_TYPES_JSON)?,
            service_provider_config: serde_json::from_str(SERVICE_PROVIDER_CONFIG_JSON)?,
            documents,
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
            ResourceKind::Group => &[],
        }
    }

    /// The extension schema with this URN (case-insensitive) for a resource type.
    pub fn extension(&self, kind: ResourceKind, urn: &str) -> Option<&Schema> {
        self.extensions(kind)
            .iter()
            .find(|s| s.id.eq_ignore_ascii_case(urn))
    }

    /// A schema document by URN, for `/Schemas/{urn}`.
    pub fn document(&self, urn: &str) -> Option<&Value> {
        self.documents.iter().find(|d| {
            d.get("id")
                .and_then(Value::as_str)
                .is_some_and(|id| id.eq_ignore_ascii_case(urn))
        })
    }
}

/// Whether `urn` is the enterprise extension's URN.
pub fn is_enterprise(urn: &str) -> bool {
    urn.eq_ignore_ascii_case(ENTERPRISE_USER_URN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_schemas_parse_and_describe_the_rfc_attributes() {
        let reg = SchemaRegistry::load().unwrap();
        let user_name = reg.user.attribute("USERNAME").unwrap();
        assert!(user_name.required);
        assert!(!user_name.case_exact);
        assert_eq!(user_name.uniqueness, Uniqueness::Server);
        let password = reg.user.attribute("password").unwrap();
        assert_eq!(password.returned, Returned::Never);
        assert_eq!(password.mutability, Mutability::WriteOnly);
        let emails = reg.user.attribute("emails").unwrap();
        assert!(emails.multi_valued);
        assert_eq!(
            emails.sub_attribute("type").unwrap().canonical_values,
            ["work", "home", "other"]
        );
        assert_eq!(
            reg.user.attribute("groups").unwrap().mutability,
            Mutability::ReadOnly
        );
        assert!(reg.group.attribute("members").unwrap().multi_valued);
        assert!(reg
            .extension(ResourceKind::User, &ENTERPRISE_USER_URN.to_uppercase())
            .is_some());
        assert!(reg
            .extension(ResourceKind::Group, ENTERPRISE_USER_URN)
            .is_none());
        assert_eq!(reg.resource_types.len(), 2);
        assert!(reg.document(GROUP_URN).is_some());
    }
}
