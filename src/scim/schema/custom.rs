//! Extension schemas an admin registers (RFC 7643 §7 documents): checked,
//! given RFC 7643's defaults, and turned into a [`Schema`] like the built-in
//! ones. Names are held to the RFC's grammar, which also keeps them safe to
//! write into SQL (indexes on registered attributes name them literally).

use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::{AttrType, Attribute, ResourceKind, Schema, Uniqueness};
use crate::scim::ScimError;

/// The schema of schema documents.
const SCHEMA_URN: &str = "urn:ietf:params:scim:schemas:core:2.0:Schema";

/// Most attributes (sub-attributes included) one extension may define.
pub const MAX_ATTRIBUTES: usize = 100;

/// A registered extension: which resource type it extends, the parsed
/// schema and the normalised document served by `/Schemas`.
#[derive(Debug, Clone)]
pub struct CustomSchema {
    pub kind: ResourceKind,
    pub schema: Schema,
    pub document: Value,
}

fn invalid(detail: impl Into<String>) -> ScimError {
    ScimError::invalid_value(detail)
}

/// `ATTRNAME = ALPHA *(nameChar)`, `nameChar = "-" / "_" / DIGIT / ALPHA`
/// (RFC 7643 §2.1), at most 64 characters.
pub fn is_attribute_name(name: &str) -> bool {
    name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// A URN an extension may have: `urn:` then letters, digits and `:._-`,
/// at most 200 characters, ending in a name (the filter grammar reads the
/// last colon-separated part of a path as the attribute).
pub fn is_extension_urn(urn: &str) -> bool {
    urn.len() <= 200
        && urn.len() > 4
        && urn[..4].eq_ignore_ascii_case("urn:")
        && urn
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '.' | '-' | '_'))
        && urn.rsplit(':').next().is_some_and(is_attribute_name)
}

/// The resource type a document extends: `resource_type` when given
/// (`User` or `Group`), else read from the URN's last part (`…:Group`),
/// else `User`.
pub fn resource_kind(urn: &str, resource_type: Option<&str>) -> Result<ResourceKind, ScimError> {
    match resource_type.map(str::to_ascii_lowercase).as_deref() {
        Some("user") => Ok(ResourceKind::User),
        Some("group") => Ok(ResourceKind::Group),
        Some(other) => Err(invalid(format!(
            "resource type must be User or Group; got \"{other}\""
        ))),
        None if urn.to_ascii_lowercase().ends_with(":group") => Ok(ResourceKind::Group),
        None => Ok(ResourceKind::User),
    }
}

/// Checks an admin's schema document and returns the extension it defines.
pub fn parse(document: &Value, kind: ResourceKind) -> Result<CustomSchema, ScimError> {
    let object = document
        .as_object()
        .ok_or_else(|| invalid("a schema document must be a JSON object"))?;
    let id = object
        .get("id")
        .and_then(Value::as_str)
        .ok_or_else(|| invalid("a schema document needs an \"id\": its URN"))?;
    if !is_extension_urn(id) {
        return Err(invalid(format!(
            "\"{id}\" is not a usable schema URN: it must start with urn:, hold only letters, digits and : . - _, and end in a name"
        )));
    }
    let text = |key: &str| -> Result<Option<String>, ScimError> {
        match object.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(invalid(format!("\"{key}\" must be a string"))),
        }
    };
    let name = text("name")?.unwrap_or_default();
    let description = text("description")?;
    let attributes = object
        .get("attributes")
        .and_then(Value::as_array)
        .filter(|a| !a.is_empty())
        .ok_or_else(|| invalid("a schema document needs a non-empty \"attributes\" list"))?;
    let mut count = 0;
    let normalised = attributes
        .iter()
        .map(|a| attribute(a, true, &mut count))
        .collect::<Result<Vec<Value>, _>>()?;
    if count > MAX_ATTRIBUTES {
        return Err(invalid(format!(
            "a schema may define at most {MAX_ATTRIBUTES} attributes; this one defines {count}"
        )));
    }
    check_distinct(&normalised, "")?;
    let mut doc = json!({
        "schemas": [SCHEMA_URN],
        "id": id,
        "name": name,
        "attributes": normalised,
    });
    if let (Some(d), Some(o)) = (description, doc.as_object_mut()) {
        o.insert("description".into(), d.into());
    }
    let schema = Schema::deserialize(&doc).map_err(|e| invalid(format!("{e}")))?;
    Ok(CustomSchema {
        kind,
        schema,
        document: doc,
    })
}

/// One attribute definition, with RFC 7643 §7's defaults filled in.
fn attribute(value: &Value, top: bool, count: &mut usize) -> Result<Value, ScimError> {
    *count += 1;
    let object = value
        .as_object()
        .ok_or_else(|| invalid("each attribute definition must be a JSON object"))?;
    let name = object
        .get("name")
        .and_then(Value::as_str)
        .ok_or_else(|| invalid("each attribute needs a \"name\""))?;
    if !is_attribute_name(name) {
        return Err(invalid(format!(
            "\"{name}\" is not an attribute name: a letter, then letters, digits, - and _ (RFC 7643 §2.1), at most 64"
        )));
    }
    let at = |m: &str| invalid(format!("attribute \"{name}\": {m}"));
    let def: Attribute =
        serde_json::from_value(Value::Object(object.clone())).map_err(|e| at(&format!("{e}")))?;
    if def.kind == AttrType::Complex {
        if !top {
            return Err(at("a sub-attribute cannot be complex (RFC 7643 §2.3.8)"));
        }
        if def.sub_attributes.is_empty() {
            return Err(at("a complex attribute needs subAttributes"));
        }
    } else if !def.sub_attributes.is_empty() {
        return Err(at("only a complex attribute has subAttributes"));
    }
    if def.uniqueness != Uniqueness::None {
        return Err(at(
            "uniqueness other than \"none\" is not enforced for extension attributes; leave it out",
        ));
    }
    let subs = object
        .get("subAttributes")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .map(|s| attribute(s, false, count))
                .collect::<Result<Vec<Value>, _>>()
        })
        .transpose()?;
    let mut out = Map::new();
    out.insert("name".into(), name.into());
    out.insert("type".into(), def.kind.as_str().into());
    out.insert("multiValued".into(), def.multi_valued.into());
    if let Some(d) = object.get("description").and_then(Value::as_str) {
        out.insert("description".into(), d.into());
    }
    out.insert("required".into(), def.required.into());
    out.insert("caseExact".into(), def.case_exact.into());
    if !def.canonical_values.is_empty() {
        out.insert("canonicalValues".into(), json!(def.canonical_values));
    }
    out.insert("mutability".into(), mutability_name(&def).into());
    out.insert("returned".into(), returned_name(&def).into());
    out.insert("uniqueness".into(), "none".into());
    if let Some(subs) = subs {
        check_distinct(&subs, name)?;
        out.insert("subAttributes".into(), Value::Array(subs));
    }
    Ok(Value::Object(out))
}

/// Attribute names are case-insensitive, so two differing only in case clash.
fn check_distinct(attributes: &[Value], parent: &str) -> Result<(), ScimError> {
    let mut seen: Vec<String> = Vec::new();
    for a in attributes {
        let name = a["name"].as_str().unwrap_or_default().to_ascii_lowercase();
        if seen.contains(&name) {
            let place = if parent.is_empty() {
                String::new()
            } else {
                format!(" in \"{parent}\"")
            };
            return Err(invalid(format!(
                "attribute \"{}\" is defined twice{place}",
                a["name"].as_str().unwrap_or_default()
            )));
        }
        seen.push(name);
    }
    Ok(())
}

fn mutability_name(a: &Attribute) -> &'static str {
    use super::Mutability::*;
    match a.mutability {
        ReadOnly => "readOnly",
        ReadWrite => "readWrite",
        Immutable => "immutable",
        WriteOnly => "writeOnly",
    }
}

fn returned_name(a: &Attribute) -> &'static str {
    use super::Returned::*;
    match a.returned {
        Always => "always",
        Never => "never",
        Default => "default",
        Request => "request",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const URN: &str = "urn:ietf:params:scim:schemas:extension:Acme:2.0:User";

    fn doc(attributes: Value) -> Value {
        json!({"id": URN, "name": "Acme", "attributes": attributes})
    }

    #[test]
    fn a_minimal_document_gets_rfc_defaults() {
        let c = parse(
            &doc(json!([{"name": "badge", "type": "string"}])),
            ResourceKind::User,
        )
        .unwrap();
        assert_eq!(c.schema.id, URN);
        assert_eq!(
            c.document["attributes"][0],
            json!({
                "name": "badge", "type": "string", "multiValued": false, "required": false,
                "caseExact": false, "mutability": "readWrite", "returned": "default",
                "uniqueness": "none"
            })
        );
        assert_eq!(c.document["schemas"], json!([SCHEMA_URN]));
    }

    #[test]
    fn bad_documents_are_refused_with_the_reason() {
        let cases: Vec<(Value, &str)> = vec![
            (json!([]), "a schema document must be a JSON object"),
            (
                json!({"attributes": []}),
                "a schema document needs an \"id\": its URN",
            ),
            (
                json!({"id": "acme", "attributes": [{"name": "a", "type": "string"}]}),
                "\"acme\" is not a usable schema URN",
            ),
            (
                json!({"id": "urn:a\"b:User", "attributes": [{"name": "a", "type": "string"}]}),
                "is not a usable schema URN",
            ),
            (
                json!({"id": URN, "attributes": []}),
                "non-empty \"attributes\"",
            ),
            (
                doc(json!([{"name": "1a", "type": "string"}])),
                "\"1a\" is not an attribute name",
            ),
            (
                doc(json!([{"name": "a b", "type": "string"}])),
                "is not an attribute name",
            ),
            (
                doc(json!([{"name": "a", "type": "text"}])),
                "attribute \"a\": unknown variant",
            ),
            (
                doc(json!([{"name": "a"}])),
                "attribute \"a\": missing field `type`",
            ),
            (
                doc(json!([{"name": "a", "type": "complex"}])),
                "needs subAttributes",
            ),
            (
                doc(json!([{"name": "a", "type": "complex", "subAttributes": [
                    {"name": "b", "type": "complex", "subAttributes": [{"name": "c", "type": "string"}]}
                ]}])),
                "a sub-attribute cannot be complex",
            ),
            (
                doc(
                    json!([{"name": "a", "type": "string", "subAttributes": [{"name": "b", "type": "string"}]}]),
                ),
                "only a complex attribute has subAttributes",
            ),
            (
                doc(json!([{"name": "a", "type": "string"}, {"name": "A", "type": "integer"}])),
                "attribute \"A\" is defined twice",
            ),
            (
                doc(json!([{"name": "a", "type": "string", "uniqueness": "server"}])),
                "uniqueness other than \"none\"",
            ),
            (
                doc(json!([{"name": "a", "type": "string", "mutability": "sometimes"}])),
                "unknown variant `sometimes`",
            ),
        ];
        for (body, want) in cases {
            let err = parse(&body, ResourceKind::User).unwrap_err();
            assert_eq!(err.status, 400);
            assert!(err.detail.contains(want), "{body}: {}", err.detail);
        }
        let many: Vec<Value> = (0..=MAX_ATTRIBUTES)
            .map(|i| json!({"name": format!("a{i}"), "type": "string"}))
            .collect();
        assert!(parse(&doc(Value::Array(many)), ResourceKind::User)
            .unwrap_err()
            .detail
            .contains("at most 100"));
    }

    #[test]
    fn resource_type_comes_from_the_request_or_the_urn() {
        let cases = [
            ("urn:acme:Group", None, ResourceKind::Group),
            ("urn:acme:User", None, ResourceKind::User),
            ("urn:acme:Thing", None, ResourceKind::User),
            ("urn:acme:Thing", Some("group"), ResourceKind::Group),
            ("urn:acme:Group", Some("User"), ResourceKind::User),
        ];
        for (urn, given, want) in cases {
            assert_eq!(
                resource_kind(urn, given).ok(),
                Some(want),
                "{urn} {given:?}"
            );
        }
        assert!(resource_kind("urn:a:B", Some("Device")).is_err());
    }

    #[test]
    fn names_follow_the_rfc_grammar() {
        for ok in ["a", "costCenter", "a-b_c9"] {
            assert!(is_attribute_name(ok), "{ok}");
        }
        for bad in ["", "9a", "_a", "a.b", "a\"", "$ref"] {
            assert!(!is_attribute_name(bad), "{bad}");
        }
        assert!(is_extension_urn(URN));
        for bad in ["urn:", "http://x/y", "urn:a:b c", "urn:a:", "urn:a:9x"] {
            assert!(!is_extension_urn(bad), "{bad}");
        }
    }
}
