//! The compiler: writes the SQL of a filter, a value path and a sort key
//! from the targets `resolve` finds.

use super::compare::{self, Leaf, Repr};
use super::json::JsonBase;
use super::lookups::{address_match, email_element, AddressMatch, EmailMatch};
use super::tables::{modified_aside, TableList};
use crate::scim::filter::{AttrPath, CompValue, CompareOp, Filter};
use crate::scim::fold::fold;
use crate::scim::schema::{AttrType, ResourceKind};
use crate::scim::ScimError;
use crate::store::sql_fragment::{SqlCondition, SqlExpr};

use super::resolve::{constant, keys, unknown, Compiler, List, Target};

impl<'a> Compiler<'a> {
    pub fn filter(&self, filter: &Filter) -> Result<SqlCondition, ScimError> {
        let c = SqlCondition::new();
        Ok(match filter {
            Filter::And(a, b) => c
                .sql("(")
                .append(self.filter(a)?)
                .sql(" AND ")
                .append(self.filter(b)?)
                .sql(")"),
            Filter::Or(a, b) => {
                if let Some(set) = self.equality_set(filter)? {
                    return Ok(set);
                }
                c.sql("(")
                    .append(self.filter(a)?)
                    .sql(" OR ")
                    .append(self.filter(b)?)
                    .sql(")")
            }
            Filter::Not(inner) => c.sql("(NOT ").append(self.filter(inner)?).sql(")"),
            Filter::Present(path) => self.present(path)?,
            Filter::Compare { path, op, value } => self.compare(path, *op, value)?,
            Filter::ValuePath { path, filter } => self.value_path(path, filter)?,
        })
    }

    /// An `or` of string equalities on one attribute as one set lookup,
    /// where the attribute allows it.
    fn equality_set(&self, filter: &Filter) -> Result<Option<SqlCondition>, ScimError> {
        let Some((path, texts)) = filter.equality_set() else {
            return Ok(None);
        };
        Ok(match self.resolve(path)? {
            Target::Leaf(leaf) | Target::Modified(leaf) => compare::text_in(&leaf, &texts),
            Target::Multi { list, sub } => {
                let sub = sub.unwrap_or_else(|| "value".to_owned());
                match self.indexed_emails(&list, &sub, &texts) {
                    Some(indexed) => Some(indexed),
                    None => {
                        let leaf = self.element_leaf(&list, &sub, path)?;
                        compare::text_in(&leaf, &texts).map(|test| self.any_element(&list, test))
                    }
                }
            }
            _ => None,
        })
    }

    fn present(&self, path: &AttrPath) -> Result<SqlCondition, ScimError> {
        Ok(match self.resolve(path)? {
            Target::Leaf(leaf) | Target::Modified(leaf) => compare::present(&leaf),
            Target::Complex { base, keys: k } => self.backend.json_present(base, &keys(&k)),
            Target::Multi { list, sub: None } => self.any_element(&list, constant(true)),
            Target::Multi {
                list,
                sub: Some(sub),
            } => {
                let leaf = self.element_leaf(&list, &sub, path)?;
                self.any_element(&list, compare::present(&leaf))
            }
            Target::ResourceType | Target::Schemas => constant(true),
        })
    }

    fn compare(
        &self,
        path: &AttrPath,
        op: CompareOp,
        value: &CompValue,
    ) -> Result<SqlCondition, ScimError> {
        match self.resolve(path)? {
            Target::Leaf(leaf) => compare::compare(&leaf, op, value, self.backend),
            Target::Modified(leaf) => {
                let aside = Leaf {
                    expr: SqlExpr::new().sql("um.updated_at"),
                    ..leaf
                };
                Ok(modified_aside(compare::compare(
                    &aside,
                    op,
                    value,
                    self.backend,
                )?))
            }
            Target::Complex { .. } => Err(ScimError::invalid_filter(format!(
                "'{path}' is complex; compare one of its sub-attributes instead"
            ))),
            Target::Multi { list, sub } => {
                // A multi-valued attribute named alone compares its `value`s
                // and matches when any of them does (RFC 7644 §3.4.2.2).
                let sub = sub.unwrap_or_else(|| "value".to_owned());
                if let Some(indexed) = self.indexed_email(&list, &sub, op, value) {
                    return Ok(indexed);
                }
                if op == CompareOp::Ne {
                    let eq = self.compare(path, CompareOp::Eq, value)?;
                    return Ok(SqlCondition::new().sql("(NOT ").append(eq).sql(")"));
                }
                let leaf = self.element_leaf(&list, &sub, path)?;
                let test = compare::compare(&leaf, op, value, self.backend)?;
                Ok(self.any_element(&list, test))
            }
            Target::ResourceType => match (op, value) {
                (CompareOp::Eq, CompValue::Str(s)) => {
                    Ok(constant(s.eq_ignore_ascii_case(self.kind.name())))
                }
                (CompareOp::Ne, CompValue::Str(s)) => {
                    Ok(constant(!s.eq_ignore_ascii_case(self.kind.name())))
                }
                _ => Err(ScimError::invalid_filter(
                    "meta.resourceType supports only eq and ne with a string",
                )),
            },
            Target::Schemas => {
                let CompValue::Str(urn) = value else {
                    return Err(ScimError::invalid_filter("schemas holds strings"));
                };
                let has = if urn.eq_ignore_ascii_case(self.kind.core_urn()) {
                    constant(true)
                } else if urn.eq_ignore_ascii_case(crate::scim::ACCESS_URN)
                    && self.kind == ResourceKind::User
                {
                    self.any_element(&List::Table(TableList::Grants), constant(true))
                } else if let Some(ext) = self.registry.extension(self.kind, urn) {
                    self.backend.json_present(self.base(), &[ext.id.as_str()])
                } else if let Some(kept) = self.registry.kept_schema(self.kind, urn) {
                    self.backend.json_present(self.base(), &[kept])
                } else {
                    constant(false)
                };
                match op {
                    CompareOp::Eq => Ok(has),
                    CompareOp::Ne => Ok(SqlCondition::new().sql("(NOT ").append(has).sql(")")),
                    _ => Err(ScimError::invalid_filter(
                        "schemas supports only eq, ne and pr",
                    )),
                }
            }
        }
    }

    /// `attr[filter]`: some element of `attr` matches `filter`.
    fn value_path(&self, path: &AttrPath, filter: &Filter) -> Result<SqlCondition, ScimError> {
        let Target::Multi { list, sub: None } = self.resolve(path)? else {
            return Err(ScimError::invalid_filter(format!(
                "'{path}[…]' needs a multi-valued attribute"
            )));
        };
        // `emails[type eq "work" and value eq "…"]` (Entra ID's lookup by
        // work email), or `ew` a domain (an auditor's contractors):
        // `user_emails` holds every element's address and type, so the
        // lookup is the whole answer.
        if Self::is_email_value(&list, "value") {
            if let Some(element) = email_element(filter) {
                return Ok(email_condition(&element));
            }
        }
        // Any other test of an address: only users holding that address
        // can match, so the indexed lookup narrows the rows before the
        // JSON test runs; when the filter is that one test (or a set of
        // them), the lookup is the whole answer.
        if let Some((inner, texts)) = filter.equality_set() {
            if inner.urn.is_none() && inner.sub_attr.is_none() {
                if let Some(indexed) = self.indexed_emails(&list, &inner.attr, &texts) {
                    return Ok(indexed);
                }
            }
        }
        let narrowing = conjuncts(filter)
            .into_iter()
            .find_map(|f| self.indexed_element_test(&list, f));
        let Some(indexed) = narrowing else {
            return Ok(self.any_element(&list, self.element_filter(&list, filter)?));
        };
        if matches!(filter, Filter::Compare { .. }) {
            return Ok(indexed);
        }
        let condition = self.any_element(&list, self.element_filter(&list, filter)?);
        Ok(SqlCondition::new()
            .sql("(")
            .append(indexed)
            .sql(" AND ")
            .append(condition)
            .sql(")"))
    }

    /// `value eq "…"` inside `emails[…]` as an index lookup, if it is one.
    fn indexed_element_test(&self, list: &List<'a>, test: &Filter) -> Option<SqlCondition> {
        let Filter::Compare {
            path: inner,
            op,
            value,
        } = test
        else {
            return None;
        };
        if inner.urn.is_some() || inner.sub_attr.is_some() {
            return None;
        }
        self.indexed_email(list, &inner.attr, *op, value)
    }

    fn element_filter(&self, list: &List<'a>, filter: &Filter) -> Result<SqlCondition, ScimError> {
        let c = SqlCondition::new();
        Ok(match filter {
            Filter::And(a, b) => c
                .sql("(")
                .append(self.element_filter(list, a)?)
                .sql(" AND ")
                .append(self.element_filter(list, b)?)
                .sql(")"),
            Filter::Or(a, b) => {
                let set = match filter.equality_set() {
                    Some((path, texts)) => {
                        compare::text_in(&self.relative_leaf(list, path)?, &texts)
                    }
                    None => None,
                };
                match set {
                    Some(set) => set,
                    None => c
                        .sql("(")
                        .append(self.element_filter(list, a)?)
                        .sql(" OR ")
                        .append(self.element_filter(list, b)?)
                        .sql(")"),
                }
            }
            Filter::Not(inner) => c
                .sql("(NOT ")
                .append(self.element_filter(list, inner)?)
                .sql(")"),
            Filter::Present(path) => compare::present(&self.relative_leaf(list, path)?),
            Filter::Compare { path, op, value } => {
                compare::compare(&self.relative_leaf(list, path)?, *op, value, self.backend)?
            }
            Filter::ValuePath { path, .. } => {
                return Err(ScimError::invalid_filter(format!(
                    "value paths cannot be nested ('{path}')"
                )))
            }
        })
    }

    /// A path inside `[…]`: a sub-attribute name of the listed attribute.
    fn relative_leaf(&self, list: &List<'a>, path: &AttrPath) -> Result<Leaf, ScimError> {
        if path.urn.is_some() || path.sub_attr.is_some() {
            return Err(ScimError::invalid_filter(format!(
                "'{path}' inside a value filter must be a sub-attribute name"
            )));
        }
        self.element_leaf(list, &path.attr, path)
    }

    fn element_leaf(&self, list: &List<'a>, sub: &str, path: &AttrPath) -> Result<Leaf, ScimError> {
        let label = path.to_string();
        let lower = sub.to_ascii_lowercase();
        Ok(match list {
            // A multi-valued simple attribute (a list of strings): its
            // elements are the values, named `value` as RFC 7644 §3.4.2.2
            // names them.
            List::Json { attribute, .. }
                if attribute.kind != AttrType::Complex && lower == "value" =>
            {
                Leaf {
                    expr: self.backend.json_element_scalar(),
                    kind: attribute.kind,
                    case_exact: attribute.case_exact,
                    repr: Repr::Json,
                    label,
                }
            }
            List::Json { attribute, .. } => {
                let def = attribute.sub_attribute(sub).ok_or_else(|| {
                    ScimError::invalid_filter(format!(
                        "unknown sub-attribute '{sub}' of '{}'",
                        attribute.name
                    ))
                })?;
                if def.kind == AttrType::Complex {
                    return Err(ScimError::invalid_filter(format!("'{label}' is complex")));
                }
                Leaf {
                    expr: self
                        .backend
                        .json_scalar(JsonBase::Element, &[def.name.as_str()]),
                    kind: def.kind,
                    case_exact: def.case_exact,
                    repr: Repr::Json,
                    label,
                }
            }
            List::Table(table) => table.leaf(&lower, sub, &label)?,
        })
    }

    fn any_element(&self, list: &List<'a>, condition: SqlCondition) -> SqlCondition {
        match list {
            List::Json { base, keys: k, .. } => {
                self.backend.json_any_element(*base, &keys(k), condition)
            }
            List::Table(table) => table.exists(condition, self.backend),
        }
    }

    /// `emails.value eq "x"` (or `ew "x"`) on users: an index lookup in
    /// `user_emails` (emails.value is caseExact=false, so the key is
    /// folded).
    fn indexed_email(
        &self,
        list: &List<'a>,
        sub: &str,
        op: CompareOp,
        value: &CompValue,
    ) -> Option<SqlCondition> {
        if !Self::is_email_value(list, sub) {
            return None;
        }
        let address = address_match(op, value)?;
        Some(email_condition(&EmailMatch {
            address,
            type_key: None,
        }))
    }

    /// Whether `list`'s `sub` is users' `emails.value`, which `user_emails`
    /// indexes.
    fn is_email_value(list: &List<'a>, sub: &str) -> bool {
        matches!(list, List::Json { base: JsonBase::Users, keys: k, .. } if k.as_slice() == ["emails"])
            && sub.eq_ignore_ascii_case("value")
    }

    /// `emails.value` equal to any of `texts`, on users: one lookup of the
    /// set in `user_emails`' index.
    fn indexed_emails(&self, list: &List<'a>, sub: &str, texts: &[&str]) -> Option<SqlCondition> {
        if !Self::is_email_value(list, sub) || texts.is_empty() {
            return None;
        }
        let lookup = SqlCondition::new()
            .sql("users.id IN (SELECT ue.user_id FROM user_emails ue WHERE ue.value_key ");
        Some(match texts {
            [one] => lookup.sql("= ").text(fold(one)).sql(")"),
            many => {
                let mut set = lookup.sql("IN (");
                for (i, text) in many.iter().enumerate() {
                    if i > 0 {
                        set = set.sql(", ");
                    }
                    set = set.text(fold(text));
                }
                set.sql("))")
            }
        })
    }

    /// The sort key of `sortBy`: a singular value, or for a multi-valued
    /// attribute its primary (else first) value (RFC 7644 §3.4.2.3).
    pub fn sort_key(&self, path: &AttrPath) -> Result<SqlExpr, ScimError> {
        let leaf = match self.resolve(path)? {
            Target::Leaf(leaf) | Target::Modified(leaf) => leaf,
            Target::Multi {
                list:
                    List::Json {
                        base,
                        keys: k,
                        attribute,
                    },
                sub,
            } => {
                let sub = sub.unwrap_or_else(|| "value".to_owned());
                let def = attribute
                    .sub_attribute(&sub)
                    .filter(|d| d.kind != AttrType::Complex)
                    .ok_or_else(|| unknown(path))?;
                Leaf {
                    expr: self.backend.json_primary_scalar(base, &keys(&k), &def.name),
                    kind: def.kind,
                    case_exact: def.case_exact,
                    repr: Repr::Json,
                    label: path.to_string(),
                }
            }
            _ => {
                return Err(ScimError::invalid_value(format!(
                    "sortBy \"{path}\" does not name a sortable attribute"
                )))
            }
        };
        Ok(match (leaf.kind, leaf.repr) {
            (AttrType::String | AttrType::Reference | AttrType::Binary, repr) => {
                let folded = if leaf.case_exact || repr == Repr::FoldedKey {
                    leaf.expr
                } else {
                    SqlExpr::new().sql("lower(").append(leaf.expr).sql(")")
                };
                folded.sql(self.backend.binary_collation())
            }
            (AttrType::DateTime, Repr::Json) => self.backend.as_time(leaf.expr),
            (AttrType::Integer | AttrType::Decimal, Repr::Json) => {
                self.backend.json_as_double(leaf.expr)
            }
            (AttrType::Boolean, Repr::Json) => self.backend.json_as_bool(leaf.expr),
            _ => leaf.expr,
        })
    }
}

/// Users with an email element as `wanted` describes: `user_emails`
/// holds each element's folded address (`user_emails_value`), its
/// reversal (`user_emails_reversed`, a suffix's range) and its folded
/// type, so the lookup is the whole answer.
fn email_condition(wanted: &EmailMatch) -> SqlCondition {
    let lookup =
        SqlCondition::new().sql("users.id IN (SELECT ue.user_id FROM user_emails ue WHERE ");
    let lookup = match &wanted.address {
        AddressMatch::Is(key) => lookup.sql("ue.value_key = ").text(key.clone()),
        AddressMatch::EndsWith(_) => lookup
            .sql("ue.value_reversed >= ")
            .text(wanted.reversed_from())
            .sql(" AND ue.value_reversed < ")
            .text(wanted.reversed_to()),
    };
    let lookup = match &wanted.type_key {
        Some(kind) => lookup.sql(" AND ue.type_key = ").text(kind.clone()),
        None => lookup,
    };
    lookup.sql(")")
}

/// The filters joined by the top-level `and`s of `filter`.
fn conjuncts(filter: &Filter) -> Vec<&Filter> {
    match filter {
        Filter::And(a, b) => {
            let mut all = conjuncts(a);
            all.extend(conjuncts(b));
            all
        }
        other => vec![other],
    }
}
