//! SCIM schemas (RFC 7643 §7): the built-in ones, loaded from the JSON files
//! in `scim-schemas/`, and the extensions an admin registers. The same
//! definitions are served by the discovery endpoints and drive validation,
//! projection and filtering, so they can never disagree.

mod aliases;
pub mod custom;
mod registry;

use serde::Deserialize;

use super::{GROUP_URN, USER_URN};

pub use registry::{KeptAttribute, Named, SchemaRegistry, MAX_KEPT_ATTRIBUTES};

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

impl AttrType {
    /// The name RFC 7643 §7 gives the type, e.g. `dateTime`.
    pub fn as_str(self) -> &'static str {
        match self {
            AttrType::String => "string",
            AttrType::Boolean => "boolean",
            AttrType::Decimal => "decimal",
            AttrType::Integer => "integer",
            AttrType::DateTime => "dateTime",
            AttrType::Binary => "binary",
            AttrType::Reference => "reference",
            AttrType::Complex => "complex",
        }
    }
}

/// Whether and how a client may change an attribute (RFC 7643 §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub enum Mutability {
    ReadOnly,
    /// RFC 7643 §7's default when a schema leaves it out.
    #[default]
    ReadWrite,
    Immutable,
    WriteOnly,
}

/// When an attribute is returned (RFC 7643 §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub enum Returned {
    Always,
    Never,
    #[default]
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
    #[serde(default)]
    pub mutability: Mutability,
    #[serde(default)]
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
    #[serde(default)]
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scim::ENTERPRISE_USER_URN;

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
        assert_eq!(reg.resource_types().len(), 2);
        assert!(reg.document(GROUP_URN).is_some());
    }
}
