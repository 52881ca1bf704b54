//! Checking one attribute's value against its definition: its type, its
//! sub-attributes, its canonical values, and for a multi-valued attribute
//! each element and the one-primary rule.

use serde_json::{Map, Value};

use super::coerce::{self, coerce, coerce_bool};
use super::limits::check_key_length;
use super::{Checker, Place};
use crate::scim::error::ScimError;
use crate::scim::schema::{AttrType, Attribute, Mutability, ResourceKind};

impl Checker<'_> {
    /// Whether the value at `place`, defined by `attribute`, is one of
    /// those `MAX_KEY_CHARS` bounds.
    fn is_lookup_key(&self, attribute: &Attribute, place: Place<'_>) -> bool {
        let top_level = place.path == place.attribute;
        match place.schema {
            Some(urn) => self.registry.is_custom(urn) && !place.path.contains('['),
            None => match (self.kind, place.attribute, attribute.name.as_str()) {
                (_, "externalId" | "displayName", _) => top_level,
                (ResourceKind::User, "userName", _) => top_level,
                (ResourceKind::User, "emails", "value") => true,
                _ => false,
            },
        }
    }
    /// Checks one attribute value; `None` means "unassigned" (null, empty,
    /// or an attribute the client may not set).
    pub(super) fn value(
        &mut self,
        attribute: &Attribute,
        value: &Value,
        place: Place<'_>,
    ) -> Result<Option<Value>, ScimError> {
        if value.is_null() || attribute.mutability == Mutability::ReadOnly {
            return Ok(None);
        }
        let value = coerce(attribute, value);
        let kept = if attribute.multi_valued {
            self.multi(attribute, &value, place)?
        } else {
            self.single(attribute, &value, place)?
        };
        // writeOnly values (password) are checked but never kept.
        Ok(kept.filter(|_| attribute.mutability != Mutability::WriteOnly))
    }

    fn multi(
        &mut self,
        attribute: &Attribute,
        value: &Value,
        place: Place<'_>,
    ) -> Result<Option<Value>, ScimError> {
        // A lone value where a list is expected is taken as a list of one.
        let items = match value {
            Value::Array(items) => items.as_slice(),
            other => std::slice::from_ref(other),
        };
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let path = format!("{}[{i}]", place.path);
            let item = coerce::element(attribute, item);
            let at = Place {
                path: &path,
                ..place
            };
            if let Some(v) = self.single(attribute, &item, at)? {
                out.push(v);
            }
        }
        let primaries = out
            .iter()
            .filter(|v| v.get("primary") == Some(&Value::Bool(true)))
            .count();
        if primaries > 1 {
            return Err(ScimError::invalid_value(format!(
                "'{}' has {primaries} values marked primary; at most one may be",
                place.path
            )));
        }
        Ok((!out.is_empty()).then_some(Value::Array(out)))
    }

    fn single(
        &mut self,
        attribute: &Attribute,
        value: &Value,
        place: Place<'_>,
    ) -> Result<Option<Value>, ScimError> {
        if value.is_null() {
            return Ok(None);
        }
        let path = place.path;
        let wrong_type = || {
            ScimError::invalid_value(format!(
                "'{path}' must be of type {}",
                attribute.kind.as_str()
            ))
        };
        let checked = match attribute.kind {
            AttrType::Complex => {
                let object = value.as_object().ok_or_else(wrong_type)?;
                let mut out = Map::new();
                for (key, sub_value) in object {
                    let Some(sub) = attribute.sub_attribute(key) else {
                        let refusal = ScimError::invalid_syntax(format!(
                            "unknown sub-attribute '{path}.{key}'"
                        ));
                        if !sub_value.is_null() {
                            let name = format!("{}.{key}", place.attribute);
                            self.note(place.schema, &name, sub_value, refusal);
                            out.insert(key.clone(), sub_value.clone());
                        }
                        continue;
                    };
                    let sub_path = format!("{path}.{}", sub.name);
                    let at = Place {
                        path: &sub_path,
                        ..place
                    };
                    if let Some(v) = self.value(sub, sub_value, at)? {
                        out.insert(sub.name.clone(), v);
                    }
                }
                return Ok((!out.is_empty()).then_some(Value::Object(out)));
            }
            AttrType::Boolean => Value::Bool(coerce_bool(value).ok_or_else(wrong_type)?),
            AttrType::Integer => {
                if !(value.is_i64() || value.is_u64()) {
                    return Err(wrong_type());
                }
                value.clone()
            }
            AttrType::Decimal => {
                if !value.is_number() {
                    return Err(wrong_type());
                }
                value.clone()
            }
            AttrType::DateTime => {
                let text = value.as_str().ok_or_else(wrong_type)?;
                if chrono::DateTime::parse_from_rfc3339(text).is_err() {
                    return Err(ScimError::invalid_value(format!(
                        "'{path}' must be an xsd:dateTime such as 2026-01-31T12:00:00Z"
                    )));
                }
                value.clone()
            }
            AttrType::String | AttrType::Reference | AttrType::Binary => {
                let text = value.as_str().ok_or_else(wrong_type)?;
                if self.is_lookup_key(attribute, place) {
                    check_key_length(text, path)?;
                }
                Value::String(canonical(attribute, text, path)?)
            }
        };
        Ok(Some(checked))
    }
}

/// Enforces `canonicalValues`, matching case-insensitively unless the
/// attribute is caseExact, and returns the canonical spelling.
fn canonical(attribute: &Attribute, text: &str, path: &str) -> Result<String, ScimError> {
    if attribute.canonical_values.is_empty() {
        return Ok(text.to_owned());
    }
    let found = attribute.canonical_values.iter().find(|c| {
        if attribute.case_exact {
            c.as_str() == text
        } else {
            c.eq_ignore_ascii_case(text)
        }
    });
    found.cloned().ok_or_else(|| {
        ScimError::invalid_value(format!(
            "'{path}' must be one of {}; got \"{text}\"",
            attribute.canonical_values.join(", ")
        ))
    })
}
