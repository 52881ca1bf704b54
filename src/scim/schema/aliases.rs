//! Schema URNs that identity providers send for the RFC schemas: the
//! pre-RFC drafts and SCIM 1.x names, and Entra ID's own name for a group.
//! Each is read as the RFC schema it stands for; responses name only RFC URNs.

use super::ResourceKind;
use crate::scim::ENTERPRISE_USER_URN;

/// What an alias stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Alias {
    /// The resource type's core schema.
    Core,
    /// The extension with this URN.
    Extension(&'static str),
}

/// `(alias, resource type it applies to (None: both), what it stands for)`.
const ALIASES: &[(&str, Option<ResourceKind>, Alias)] = &[
    // SCIM 1.1 (Google Workspace sends it beside the 2.0 URN).
    ("urn:scim:schemas:core:1.0", None, Alias::Core),
    // The pre-RFC 2.0 drafts (OneLogin).
    ("urn:scim:schemas:core:2.0", None, Alias::Core),
    (
        "urn:scim:schemas:core:2.0:User",
        Some(ResourceKind::User),
        Alias::Core,
    ),
    (
        "urn:scim:schemas:core:2.0:Group",
        Some(ResourceKind::Group),
        Alias::Core,
    ),
    (
        "urn:scim:schemas:extension:enterprise:1.0",
        Some(ResourceKind::User),
        Alias::Extension(ENTERPRISE_USER_URN),
    ),
    (
        "urn:scim:schemas:extension:enterprise:2.0",
        Some(ResourceKind::User),
        Alias::Extension(ENTERPRISE_USER_URN),
    ),
    (
        "urn:scim:schemas:extension:enterprise:2.0:User",
        Some(ResourceKind::User),
        Alias::Extension(ENTERPRISE_USER_URN),
    ),
    // Entra ID adds it to every group it creates; it defines no attributes.
    (
        "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group",
        Some(ResourceKind::Group),
        Alias::Core,
    ),
];

/// What `urn` stands for on resources of `kind`, if it is an alias.
pub(super) fn resolve(kind: ResourceKind, urn: &str) -> Option<Alias> {
    ALIASES
        .iter()
        .find(|(alias, applies, _)| {
            applies.is_none_or(|k| k == kind) && alias.eq_ignore_ascii_case(urn)
        })
        .map(|(_, _, to)| *to)
}

/// Whether `urn` is an alias of any schema (a custom schema may not take it).
pub(super) fn is_alias(urn: &str) -> bool {
    ALIASES
        .iter()
        .any(|(alias, _, _)| alias.eq_ignore_ascii_case(urn))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_resolve_per_resource_type_and_ignore_case() {
        let u = ResourceKind::User;
        let g = ResourceKind::Group;
        let cases = [
            (u, "urn:scim:schemas:core:1.0", Some(Alias::Core)),
            (g, "URN:SCIM:SCHEMAS:CORE:2.0", Some(Alias::Core)),
            (
                u,
                "urn:scim:schemas:extension:enterprise:2.0",
                Some(Alias::Extension(ENTERPRISE_USER_URN)),
            ),
            (g, "urn:scim:schemas:extension:enterprise:2.0", None),
            (
                g,
                "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group",
                Some(Alias::Core),
            ),
            (
                u,
                "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group",
                None,
            ),
            (u, crate::scim::USER_URN, None),
            (
                u,
                "urn:ietf:params:scim:schemas:extension:Acme:2.0:User",
                None,
            ),
        ];
        for (kind, urn, want) in cases {
            assert_eq!(resolve(kind, urn), want, "{kind:?} {urn}");
        }
        assert!(is_alias("urn:scim:schemas:core:1.0"));
        assert!(!is_alias(crate::scim::USER_URN));
    }
}
