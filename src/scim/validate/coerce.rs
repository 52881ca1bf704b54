//! Values as identity providers send them, read as they mean them, before
//! they are checked. Each rule applies only where the sent value could not
//! be valid as it is, so no well-formed value changes meaning.

use std::borrow::Cow;

use serde_json::{Map, Value};

use crate::scim::schema::{AttrType, Attribute};

/// Booleans as JSON, or as the strings Entra ID sends (`"True"`, `"false"`).
pub fn coerce_bool(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

/// A whole value of `attribute` as the IdP meant it:
/// - a multi-valued complex attribute sent as JSON-encoded text
///   (`"[{\"value\":\"Admin\"}]"`, Entra ID's `roles`) is the decoded list;
/// - a complex attribute with a `value` sub-attribute sent as a bare
///   string, number or boolean is that `value` (Entra ID's enterprise
///   `manager: "271"`, a member given as its id);
/// - a singular complex attribute sent as a list of one object is that
///   object (Entra ID's documented `manager` update);
/// - SCIM 1.1's `managerId` is the manager's `value` (OneLogin).
pub fn coerce<'v>(attribute: &Attribute, value: &'v Value) -> Cow<'v, Value> {
    if attribute.kind != AttrType::Complex {
        return Cow::Borrowed(value);
    }
    if let Some(decoded) = decoded_json(value) {
        if attribute.multi_valued || decoded.is_object() {
            return Cow::Owned(decoded);
        }
    }
    if attribute.multi_valued {
        return Cow::Borrowed(value);
    }
    match value {
        Value::Array(items) if items.len() == 1 && items.iter().all(Value::is_object) => {
            match items.first() {
                Some(only) => Cow::Owned(coerce(attribute, only).into_owned()),
                None => Cow::Borrowed(value),
            }
        }
        Value::Object(o) if attribute.name == "manager" && o.contains_key("managerId") => {
            let mut o = o.clone();
            if let Some(id) = o.remove("managerId") {
                o.entry("value").or_insert(id);
            }
            Cow::Owned(Value::Object(o))
        }
        _ => Cow::Owned(wrapped(attribute, value).unwrap_or_else(|| value.clone())),
    }
}

/// One element of a multi-valued complex attribute as the IdP meant it: a
/// bare value is its `value`; JSON-encoded text holding an object (also
/// when sent as `{"value": "{…}"}` and nothing else) is that object.
pub fn element<'v>(attribute: &Attribute, item: &'v Value) -> Cow<'v, Value> {
    if attribute.kind != AttrType::Complex {
        return Cow::Borrowed(item);
    }
    if let Some(decoded @ Value::Object(_)) = decoded_json(item) {
        return Cow::Owned(decoded);
    }
    if let Value::Object(o) = item {
        if o.len() == 1 {
            if let Some(decoded @ Value::Object(_)) = o.get("value").and_then(decoded_json) {
                return Cow::Owned(decoded);
            }
        }
        return Cow::Borrowed(item);
    }
    match wrapped(attribute, item) {
        Some(v) => Cow::Owned(v),
        None => Cow::Borrowed(item),
    }
}

/// `{"value": scalar}` when the attribute has a `value` sub-attribute.
fn wrapped(attribute: &Attribute, value: &Value) -> Option<Value> {
    let scalar = matches!(value, Value::String(_) | Value::Number(_) | Value::Bool(_));
    let sub = attribute.sub_attribute("value")?;
    if !scalar {
        return None;
    }
    let mut object = Map::new();
    object.insert(sub.name.clone(), value.clone());
    Some(Value::Object(object))
}

/// Text that is a JSON list or object, decoded.
fn decoded_json(value: &Value) -> Option<Value> {
    let text = value.as_str()?.trim();
    if !(text.starts_with('[') || text.starts_with('{')) {
        return None;
    }
    serde_json::from_str::<Value>(text)
        .ok()
        .filter(|v| v.is_array() || v.is_object())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::scim::schema::{ResourceKind, SchemaRegistry};
    use crate::scim::ENTERPRISE_USER_URN;

    #[test]
    fn values_are_read_as_idps_mean_them() {
        let reg = SchemaRegistry::load().unwrap();
        let user = reg.core(ResourceKind::User);
        let roles = user.attribute("roles").unwrap();
        let emails = user.attribute("emails").unwrap();
        let name = user.attribute("name").unwrap();
        let manager = reg
            .extension(ResourceKind::User, ENTERPRISE_USER_URN)
            .unwrap()
            .attribute("manager")
            .unwrap();
        let members = reg.core(ResourceKind::Group).attribute("members").unwrap();
        let entra_roles = json!("[{\"primary\":false,\"type\":\"WindowsAzureActiveDirectoryRole\",\"value\":\"Admin\"}]");
        let cases: Vec<(&Attribute, Value, Value)> = vec![
            (
                roles,
                entra_roles,
                json!([{"primary": false, "type": "WindowsAzureActiveDirectoryRole", "value": "Admin"}]),
            ),
            (
                roles,
                json!("{\"value\":\"Admin\"}"),
                json!({"value": "Admin"}),
            ),
            (manager, json!("271"), json!({"value": "271"})),
            (manager, json!({"value": "271"}), json!({"value": "271"})),
            (
                manager,
                json!([{"value": "271", "$ref": "x"}]),
                json!({"value": "271", "$ref": "x"}),
            ),
            (
                manager,
                json!({"managerId": "271", "displayName": "Boss"}),
                json!({"displayName": "Boss", "value": "271"}),
            ),
            // Unchanged: already well-formed, or no meaning to read.
            (name, json!("B J"), json!("B J")),
            (emails, json!("[not json"), json!("[not json")),
            (emails, json!("a@x.org"), json!("a@x.org")),
            (
                user.attribute("userName").unwrap(),
                json!("[1]"),
                json!("[1]"),
            ),
            (members, json!([{"value": "u1"}]), json!([{"value": "u1"}])),
        ];
        for (attribute, input, want) in cases {
            assert_eq!(
                *coerce(attribute, &input),
                want,
                "{} {input}",
                attribute.name
            );
        }
        let elements: Vec<(&Attribute, Value, Value)> = vec![
            (members, json!("u1"), json!({"value": "u1"})),
            (emails, json!("a@x.org"), json!({"value": "a@x.org"})),
            (
                roles,
                json!({"value": "{\"id\":\"r1\",\"value\":\"Admin\"}"}),
                json!({"id": "r1", "value": "Admin"}),
            ),
            (
                roles,
                json!({"value": "{not json", "type": "x"}),
                json!({"value": "{not json", "type": "x"}),
            ),
            (roles, json!({"value": "Admin"}), json!({"value": "Admin"})),
        ];
        for (attribute, input, want) in elements {
            assert_eq!(
                *element(attribute, &input),
                want,
                "{} {input}",
                attribute.name
            );
        }
        assert_eq!(coerce_bool(&json!("False")), Some(false));
        assert_eq!(coerce_bool(&json!("yes")), None);
    }
}
