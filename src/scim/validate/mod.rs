//! Validation of incoming resources against their schemas: types, required
//! attributes, canonical values, mutability. The output is the resource's
//! writable attributes under their canonical (schema) names.

use serde_json::{Map, Value};

use super::error::ScimError;
use super::schema::{AttrType, Attribute, Mutability, ResourceKind, Schema, SchemaRegistry};

/// A resource body checked against its schemas. Keys are canonical attribute
/// names; extension attributes sit in an object under the extension's URN.
/// Read-only and write-only attributes are not in it.
pub type Attributes = Map<String, Value>;

/// Checks a POST or PUT body and returns its writable attributes.
pub fn validate_resource(
    registry: &SchemaRegistry,
    kind: ResourceKind,
    body: &Value,
) -> Result<Attributes, ScimError> {
    let object = body
        .as_object()
        .ok_or_else(|| ScimError::invalid_syntax("the request body must be a JSON object"))?;
    check_schemas(registry, kind, object)?;
    let core = registry.core(kind);
    let mut out = Map::new();
    for (key, value) in object {
        if ["schemas", "id", "meta"]
            .iter()
            .any(|k| key.eq_ignore_ascii_case(k))
        {
            // `id` and `meta` are readOnly (RFC 7643 §3.1): ignored on input.
            continue;
        }
        if key.eq_ignore_ascii_case("externalId") {
            match value {
                Value::Null => {}
                Value::String(s) => {
                    out.insert("externalId".into(), Value::String(s.clone()));
                }
                _ => return Err(ScimError::invalid_value("externalId must be a string")),
            }
            continue;
        }
        if let Some(extension) = registry.extension(kind, key) {
            let ext = validate_extension(extension, value)?;
            if !ext.is_empty() {
                out.insert(extension.id.clone(), Value::Object(ext));
            }
            continue;
        }
        let attribute = core.attribute(key).ok_or_else(|| {
            ScimError::invalid_syntax(format!(
                "unknown attribute '{key}' for resource type {}",
                kind.name()
            ))
        })?;
        if let Some(v) = validate_value(attribute, value, &attribute.name)? {
            out.insert(attribute.name.clone(), v);
        }
    }
    check_required(core, &out)?;
    for extension in registry.extensions(kind) {
        if let Some(Value::Object(ext)) = out.get(&extension.id) {
            check_required(extension, ext)?;
        }
    }
    Ok(out)
}

fn check_schemas(
    registry: &SchemaRegistry,
    kind: ResourceKind,
    object: &Map<String, Value>,
) -> Result<(), ScimError> {
    let schemas = object
        .get("schemas")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            ScimError::invalid_syntax(format!(
                "'schemas' must be an array that includes \"{}\"",
                kind.core_urn()
            ))
        })?;
    let mut has_core = false;
    for urn in schemas {
        let urn = urn
            .as_str()
            .ok_or_else(|| ScimError::invalid_syntax("'schemas' must contain only strings"))?;
        if urn.eq_ignore_ascii_case(kind.core_urn()) {
            has_core = true;
        } else if registry.extension(kind, urn).is_none() {
            return Err(ScimError::invalid_value(format!(
                "schema \"{urn}\" is not supported for resource type {}",
                kind.name()
            )));
        }
    }
    if has_core {
        Ok(())
    } else {
        Err(ScimError::invalid_syntax(format!(
            "'schemas' must include \"{}\"",
            kind.core_urn()
        )))
    }
}

fn validate_extension(extension: &Schema, value: &Value) -> Result<Attributes, ScimError> {
    let object = match value {
        Value::Null => return Ok(Map::new()),
        Value::Object(o) => o,
        _ => {
            return Err(ScimError::invalid_syntax(format!(
                "'{}' must be a JSON object",
                extension.id
            )))
        }
    };
    let mut out = Map::new();
    for (key, value) in object {
        // Some clients repeat `schemas` inside the extension object.
        if key.eq_ignore_ascii_case("schemas") {
            continue;
        }
        let attribute = extension.attribute(key).ok_or_else(|| {
            ScimError::invalid_syntax(format!("unknown attribute '{key}' in {}", extension.id))
        })?;
        if let Some(v) = validate_value(attribute, value, &attribute.name)? {
            out.insert(attribute.name.clone(), v);
        }
    }
    Ok(out)
}

fn check_required(schema: &Schema, attributes: &Attributes) -> Result<(), ScimError> {
    for attribute in &schema.attributes {
        if attribute.required
            && attribute.mutability != Mutability::ReadOnly
            && !attributes.contains_key(&attribute.name)
        {
            return Err(ScimError::invalid_value(format!(
                "required attribute '{}' is missing",
                attribute.name
            )));
        }
    }
    Ok(())
}

/// Checks one attribute value; `None` means "unassigned" (null, empty, or an
/// attribute the client may not set). `path` names the value in errors.
pub fn validate_value(
    attribute: &Attribute,
    value: &Value,
    path: &str,
) -> Result<Option<Value>, ScimError> {
    if value.is_null() || attribute.mutability == Mutability::ReadOnly {
        return Ok(None);
    }
    let kept = if attribute.multi_valued {
        validate_multi(attribute, value, path)?
    } else {
        validate_single(attribute, value, path)?
    };
    // writeOnly values (password) are checked but never kept.
    Ok(kept.filter(|_| attribute.mutability != Mutability::WriteOnly))
}

fn validate_multi(
    attribute: &Attribute,
    value: &Value,
    path: &str,
) -> Result<Option<Value>, ScimError> {
    // A lone value where a list is expected is taken as a list of one.
    let items = match value {
        Value::Array(items) => items.as_slice(),
        other => std::slice::from_ref(other),
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        if let Some(v) = validate_single(attribute, item, &format!("{path}[{i}]"))? {
            out.push(v);
        }
    }
    let primaries = out
        .iter()
        .filter(|v| v.get("primary") == Some(&Value::Bool(true)))
        .count();
    if primaries > 1 {
        return Err(ScimError::invalid_value(format!(
            "'{path}' has {primaries} values marked primary; at most one may be"
        )));
    }
    Ok((!out.is_empty()).then_some(Value::Array(out)))
}

fn validate_single(
    attribute: &Attribute,
    value: &Value,
    path: &str,
) -> Result<Option<Value>, ScimError> {
    if value.is_null() {
        return Ok(None);
    }
    let wrong_type = || {
        ScimError::invalid_value(format!(
            "'{path}' must be of type {}",
            type_name(attribute.kind)
        ))
    };
    let checked = match attribute.kind {
        AttrType::Complex => {
            let object = value.as_object().ok_or_else(wrong_type)?;
            let mut out = Map::new();
            for (key, sub_value) in object {
                let sub = attribute.sub_attribute(key).ok_or_else(|| {
                    ScimError::invalid_syntax(format!("unknown sub-attribute '{path}.{key}'"))
                })?;
                if let Some(v) = validate_value(sub, sub_value, &format!("{path}.{}", sub.name))? {
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
            Value::String(canonical(attribute, text, path)?)
        }
    };
    Ok(Some(checked))
}

/// Booleans as JSON, or as the strings Entra ID sends (`"True"`, `"false"`).
pub fn coerce_bool(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
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

fn type_name(kind: AttrType) -> &'static str {
    match kind {
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

#[cfg(test)]
mod tests;
