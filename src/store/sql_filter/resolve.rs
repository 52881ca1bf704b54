//! Resolving a filter's attribute paths through the schemas: to a column,
//! a JSON scalar, a JSON list, or rows of a table of their own.

use super::compare::{Leaf, Repr};
use super::json::JsonBase;
use super::tables::TableList;
use crate::scim::filter::AttrPath;
use crate::scim::schema::{
    AttrType, Attribute, Mutability, Named, ResourceKind, Returned, SchemaRegistry,
};
use crate::scim::ScimError;
use crate::store::conn::Backend;
use crate::store::sql_fragment::{SqlCondition, SqlExpr};

/// Where a filter's attribute path leads.
pub(super) enum Target<'a> {
    /// A single comparable value.
    Leaf(Leaf),
    /// A singular complex attribute named without a sub-attribute.
    Complex { base: JsonBase, keys: Vec<String> },
    /// A multi-valued attribute, and the sub-attribute named, if any.
    Multi { list: List<'a>, sub: Option<String> },
    /// A user's `meta.lastModified` on PostgreSQL: the users' own column
    /// (rendered, sorted by, tested for presence), compared through its
    /// copy in `user_modified_at`, which holds the index (migration 000025:
    /// an index on the users' column kept a touched user's rewrite from
    /// being HOT).
    Modified(Leaf),
    /// `meta.resourceType`: the same for every row of the table.
    ResourceType,
    /// `schemas`: the core URN always, an extension's when it has values.
    Schemas,
}

/// The elements of a multi-valued attribute.
#[derive(Clone)]
pub(super) enum List<'a> {
    /// A JSON list in the attributes column.
    Json {
        base: JsonBase,
        keys: Vec<String>,
        attribute: &'a Attribute,
    },
    /// Rows of a table or view of their own.
    Table(TableList),
}

/// Compiles filters and sort keys for one resource type on one backend.
pub(super) struct Compiler<'a> {
    pub registry: &'a SchemaRegistry,
    pub kind: ResourceKind,
    pub backend: Backend,
}

pub(super) fn unknown(path: &AttrPath) -> ScimError {
    ScimError::invalid_filter(format!("unknown attribute '{path}'"))
        .because(crate::scim::error::Cause::UnknownAttribute)
}

pub(super) fn constant(value: bool) -> SqlCondition {
    SqlCondition::new().sql(if value { "(1 = 1)" } else { "(1 = 0)" })
}

pub(super) fn keys(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

impl<'a> Compiler<'a> {
    pub(super) fn base(&self) -> JsonBase {
        match self.kind {
            ResourceKind::User => JsonBase::Users,
            ResourceKind::Group => JsonBase::Groups,
        }
    }

    pub(super) fn resolve(&self, path: &AttrPath) -> Result<Target<'a>, ScimError> {
        let core = self.registry.core(self.kind);
        let (schema, extension) = match &path.urn {
            None => (core, None),
            Some(urn) => match self.registry.named(self.kind, urn) {
                Some(Named::Core(_)) => (core, None),
                Some(Named::Extension(ext)) => (ext, Some(ext)),
                None => return self.kept(path, Some(urn)),
            },
        };
        if extension.is_none() {
            if let Some(target) = self.common(path)? {
                return Ok(target);
            }
        }
        if extension.is_some_and(|e| e.id == crate::scim::ACCESS_URN) {
            // The access extension is derived, not stored: it reads the view.
            if !path.attr.eq_ignore_ascii_case("grants") {
                return Err(unknown(path));
            }
            return Ok(Target::Multi {
                list: List::Table(TableList::Grants),
                sub: path.sub_attr.clone(),
            });
        }
        let schema_id = extension.map(|e| e.id.as_str());
        let Some(def) = schema.attribute(&path.attr) else {
            return self.kept(path, schema_id);
        };
        if def.returned == Returned::Never || def.mutability == Mutability::WriteOnly {
            return Err(ScimError::invalid_filter(format!(
                "'{}' cannot be filtered on",
                def.name
            )));
        }
        let mut json_keys: Vec<String> = extension.map(|e| e.id.clone()).into_iter().collect();
        json_keys.push(def.name.clone());
        let base = self.base();
        if def.multi_valued {
            return Ok(Target::Multi {
                list: List::Json {
                    base,
                    keys: json_keys,
                    attribute: def,
                },
                sub: path.sub_attr.clone(),
            });
        }
        let leaf_def = match (&path.sub_attr, def.kind) {
            (None, AttrType::Complex) => {
                return Ok(Target::Complex {
                    base,
                    keys: json_keys,
                })
            }
            (None, _) => def,
            (Some(sub), AttrType::Complex) => {
                let Some(sub_def) = def.sub_attribute(sub) else {
                    return self.kept(path, schema_id);
                };
                json_keys.push(sub_def.name.clone());
                sub_def
            }
            (Some(_), _) => return self.kept(path, schema_id),
        };
        // Indexes on JSON attributes (registered extensions' in
        // access::schemas, the core and enterprise ones IdPs look users up
        // by in migration 000011) hold the expression with its path
        // written literally, and apply only to the same text: the path is
        // written literally here too, not bound. Names from the schemas are
        // RFC 7643 names, which `json_scalar_literal` checks.
        // PostgreSQL keeps a few of them in columns of their own
        // (`stored`), read in place of the JSON.
        let expr = match (
            super::stored::column(self.backend, base, &keys(&json_keys)),
            self.backend.json_scalar_literal(base, &keys(&json_keys)),
        ) {
            (Some(column), _) => SqlExpr::new().sql(column),
            (None, Some(text)) => SqlExpr::new().trusted(text),
            (None, None) => self.backend.json_scalar(base, &keys(&json_keys)),
        };
        Ok(Target::Leaf(Leaf {
            expr,
            kind: leaf_def.kind,
            case_exact: leaf_def.case_exact,
            repr: Repr::Json,
            label: path.to_string(),
        }))
    }

    /// An attribute no schema defines: filterable, as a string that is not
    /// caseExact, once a directory has sent it (it is then kept on the
    /// resources, under the spelling first seen); otherwise unknown.
    fn kept(&self, path: &AttrPath, schema: Option<&str>) -> Result<Target<'a>, ScimError> {
        let mut names = vec![path.attr.as_str()];
        names.extend(path.sub_attr.as_deref());
        let (stored_schema, stored_names) = self
            .registry
            .kept_path(self.kind, schema, &names)
            .ok_or_else(|| unknown(path))?;
        let json_keys: Vec<String> = stored_schema.into_iter().chain(stored_names).collect();
        Ok(Target::Leaf(Leaf {
            expr: self.backend.json_scalar(self.base(), &keys(&json_keys)),
            kind: AttrType::String,
            case_exact: false,
            repr: Repr::Json,
            label: path.to_string(),
        }))
    }

    /// Attributes with columns or tables of their own.
    fn common(&self, path: &AttrPath) -> Result<Option<Target<'a>>, ScimError> {
        use AttrType::{Boolean, DateTime, String as Str};
        let label = path.to_string();
        let attr = path.attr.to_ascii_lowercase();
        let sub = path.sub_attr.as_deref().map(str::to_ascii_lowercase);
        let user = self.kind == ResourceKind::User;
        let leaf = |sql_user: &'static str, sql_group: &'static str, kind, case_exact, repr| {
            let sql = if user { sql_user } else { sql_group };
            Ok(Some(Target::Leaf(Leaf::column(
                sql, kind, case_exact, repr, &label,
            ))))
        };
        match (attr.as_str(), sub.as_deref()) {
            ("id", None) => leaf("users.id", "\"groups\".id", Str, true, Repr::Text),
            ("externalid", None) => leaf(
                "users.external_id",
                "\"groups\".external_id",
                Str,
                true,
                Repr::Text,
            ),
            ("meta", Some("created")) => leaf(
                "users.created_at",
                "\"groups\".created_at",
                DateTime,
                true,
                Repr::Micros,
            ),
            ("meta", Some("lastmodified")) if user && self.backend == Backend::Postgres => {
                Ok(Some(Target::Modified(Leaf::column(
                    "users.updated_at",
                    DateTime,
                    true,
                    Repr::Micros,
                    &label,
                ))))
            }
            ("meta", Some("lastmodified")) => leaf(
                "users.updated_at",
                "\"groups\".updated_at",
                DateTime,
                true,
                Repr::Micros,
            ),
            ("meta", Some("resourcetype")) => Ok(Some(Target::ResourceType)),
            ("meta", _) => Err(ScimError::invalid_filter(format!(
                "'{label}' cannot be filtered on"
            ))),
            ("schemas", None) => Ok(Some(Target::Schemas)),
            ("username", None) if user => {
                leaf("users.user_name_key", "", Str, false, Repr::FoldedKey)
            }
            ("displayname", None) if user => leaf("users.display_name", "", Str, false, Repr::Text),
            ("displayname", None) => leaf(
                "",
                "\"groups\".display_name_key",
                Str,
                false,
                Repr::FoldedKey,
            ),
            ("active", None) if user => leaf("users.active", "", Boolean, true, Repr::Bool),
            ("groups", sub) if user => Ok(Some(Target::Multi {
                list: List::Table(TableList::UserGroups),
                sub: sub.map(str::to_owned),
            })),
            ("members", sub) if !user => Ok(Some(Target::Multi {
                list: List::Table(TableList::GroupMembers),
                sub: sub.map(str::to_owned),
            })),
            ("entitlements", sub) if user => Ok(Some(Target::Multi {
                list: List::Table(TableList::Entitlements),
                sub: sub.map(str::to_owned),
            })),
            _ => Ok(None),
        }
    }
}
