//! Bulk requests (RFC 7644 §3.7): the message, its operations, and `bulkId`
//! references between them. Running the operations is the HTTP layer's.

use std::collections::HashMap;

use serde_json::Value;

use super::error::{ScimError, ScimType};
use super::schema::ResourceKind;

/// BulkRequest message URN.
pub const BULK_REQUEST_URN: &str = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";
/// BulkResponse message URN.
pub const BULK_RESPONSE_URN: &str = "urn:ietf:params:scim:api:messages:2.0:BulkResponse";

/// What an operation does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    /// As written in the response.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

/// One operation, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct BulkOperation {
    pub method: Method,
    pub kind: ResourceKind,
    /// The target id (PUT, PATCH, DELETE); may be `bulkId:…`.
    pub id: Option<String>,
    pub bulk_id: Option<String>,
    /// `version`, used as If-Match.
    pub version: Option<String>,
    pub data: Option<Value>,
}

/// An operation as listed, or why it cannot run (echoing what it said).
#[derive(Debug, Clone, PartialEq)]
pub enum Listed {
    Valid(BulkOperation),
    Invalid {
        method: String,
        bulk_id: Option<String>,
        error: ScimError,
    },
}

/// A parsed BulkRequest.
#[derive(Debug, Clone, PartialEq)]
pub struct BulkRequest {
    /// Stop after this many errors (RFC 7644 §3.7.3); `None` runs everything.
    pub fail_on_errors: Option<u64>,
    pub operations: Vec<Listed>,
}

/// Reads a BulkRequest; more than `max_operations` is 413 `tooMany`.
pub fn parse(body: &Value, max_operations: usize) -> Result<BulkRequest, ScimError> {
    let object = body
        .as_object()
        .ok_or_else(|| ScimError::invalid_syntax("the request body must be a JSON object"))?;
    let listed = object
        .get("schemas")
        .and_then(Value::as_array)
        .is_some_and(|s| {
            s.iter().any(|u| {
                u.as_str()
                    .is_some_and(|u| u.eq_ignore_ascii_case(BULK_REQUEST_URN))
            })
        });
    if !listed {
        return Err(ScimError::invalid_syntax(format!(
            "'schemas' must include \"{BULK_REQUEST_URN}\""
        )));
    }
    let fail_on_errors =
        match object.get("failOnErrors") {
            None | Some(Value::Null) => None,
            Some(v) => Some(v.as_u64().filter(|n| *n > 0).ok_or_else(|| {
                ScimError::invalid_value("failOnErrors must be a positive integer")
            })?),
        };
    let operations = object
        .get("Operations")
        .and_then(Value::as_array)
        .ok_or_else(|| ScimError::invalid_syntax("'Operations' must be a list"))?;
    if operations.len() > max_operations {
        return Err(ScimError {
            status: 413,
            scim_type: Some(ScimType::TooMany),
            detail: format!(
                "{} operations is more than the {max_operations} a bulk request may hold (maxOperations)",
                operations.len()
            ),
            cause: None,
        });
    }
    Ok(BulkRequest {
        fail_on_errors,
        operations: operations.iter().map(parse_operation).collect(),
    })
}

fn parse_operation(op: &Value) -> Listed {
    let method_text = op
        .get("method")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let bulk_id = op.get("bulkId").and_then(Value::as_str).map(str::to_owned);
    let invalid = |error: ScimError| Listed::Invalid {
        method: method_text.clone(),
        bulk_id: bulk_id.clone(),
        error,
    };
    let method = match method_text.to_ascii_uppercase().as_str() {
        "POST" => Method::Post,
        "PUT" => Method::Put,
        "PATCH" => Method::Patch,
        "DELETE" => Method::Delete,
        _ => {
            return invalid(ScimError::invalid_syntax(
                "method must be POST, PUT, PATCH or DELETE",
            ))
        }
    };
    let path = op.get("path").and_then(Value::as_str).unwrap_or_default();
    let mut segments = path.trim_start_matches('/').splitn(2, '/');
    let kind = match segments.next().map(str::to_ascii_lowercase).as_deref() {
        Some("users") => ResourceKind::User,
        Some("groups") => ResourceKind::Group,
        _ => {
            return invalid(ScimError::invalid_value(format!(
                "path \"{path}\" must be /Users or /Groups, with an id"
            )))
        }
    };
    let id = segments.next().filter(|s| !s.is_empty()).map(str::to_owned);
    match (method, &id) {
        (Method::Post, Some(_)) => {
            return invalid(ScimError::invalid_value("POST takes a path without an id"))
        }
        (Method::Put | Method::Patch | Method::Delete, None) => {
            return invalid(ScimError::invalid_value(format!(
                "{} needs a path with an id",
                method.as_str()
            )))
        }
        _ => {}
    }
    if method == Method::Post && bulk_id.is_none() {
        return invalid(ScimError::invalid_value("POST operations need a bulkId"));
    }
    let data = op.get("data").filter(|d| !d.is_null()).cloned();
    if method != Method::Delete && data.is_none() {
        return invalid(ScimError::invalid_syntax(format!(
            "{} needs 'data'",
            method.as_str()
        )));
    }
    Listed::Valid(BulkOperation {
        method,
        kind,
        id,
        bulk_id,
        version: op.get("version").and_then(Value::as_str).map(str::to_owned),
        data,
    })
}

const PREFIX: &str = "bulkId:";

/// The bulkIds an operation refers to, in its path and anywhere in its data.
pub fn references(op: &BulkOperation) -> Vec<String> {
    let mut found = Vec::new();
    if let Some(r) = op.id.as_deref().and_then(|id| id.strip_prefix(PREFIX)) {
        found.push(r.to_owned());
    }
    if let Some(data) = &op.data {
        collect(data, &mut found);
    }
    found
}

fn collect(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::String(s) => {
            if let Some(r) = s.strip_prefix(PREFIX) {
                found.push(r.to_owned());
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect(v, found)),
        Value::Object(map) => map.values().for_each(|v| collect(v, found)),
        _ => {}
    }
}

/// Replaces every `bulkId:x` with the id created for `x`.
pub fn substitute(op: &mut BulkOperation, created: &HashMap<String, String>) {
    if let Some(id) = &mut op.id {
        if let Some(new) = id.strip_prefix(PREFIX).and_then(|r| created.get(r)) {
            *id = new.clone();
        }
    }
    if let Some(data) = &mut op.data {
        replace(data, created);
    }
}

fn replace(value: &mut Value, created: &HashMap<String, String>) {
    match value {
        Value::String(s) => {
            if let Some(new) = s.strip_prefix(PREFIX).and_then(|r| created.get(r)) {
                *s = new.clone();
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| replace(v, created)),
        Value::Object(map) => map.values_mut().for_each(|v| replace(v, created)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn request(ops: Value) -> Value {
        json!({"schemas": [BULK_REQUEST_URN], "Operations": ops})
    }

    #[test]
    fn parses_operations_and_flags_bad_ones() {
        let body = request(json!([
            {"method": "POST", "path": "/Users", "bulkId": "u1", "data": {"userName": "a"}},
            {"method": "patch", "path": "/Groups/bulkId:g1", "version": "W/\"1\"", "data": {"Operations": []}},
            {"method": "DELETE", "path": "/Users/abc"},
            {"method": "GET", "path": "/Users/abc"},
            {"method": "POST", "path": "/Widgets", "bulkId": "w"},
            {"method": "POST", "path": "/Users", "data": {}},
            {"method": "PUT", "path": "/Users", "data": {}},
            {"method": "PUT", "path": "/Users/x"},
        ]));
        let parsed = parse(&body, 10).unwrap();
        assert_eq!(parsed.fail_on_errors, None);
        assert_eq!(
            parsed.operations[1],
            Listed::Valid(BulkOperation {
                method: Method::Patch,
                kind: ResourceKind::Group,
                id: Some("bulkId:g1".into()),
                bulk_id: None,
                version: Some("W/\"1\"".into()),
                data: Some(json!({"Operations": []})),
            })
        );
        let valid: Vec<bool> = parsed
            .operations
            .iter()
            .map(|o| matches!(o, Listed::Valid(_)))
            .collect();
        assert_eq!(valid, [true, true, true, false, false, false, false, false]);
    }

    #[test]
    fn envelope_errors_and_limits() {
        let too_many = request(json!([{}, {}, {}]));
        let err = parse(&too_many, 2).unwrap_err();
        assert_eq!((err.status, err.scim_type), (413, Some(ScimType::TooMany)));
        assert_eq!(
            parse(&json!({"Operations": []}), 5).unwrap_err().status,
            400
        );
        let bad = json!({"schemas": [BULK_REQUEST_URN], "failOnErrors": 0, "Operations": []});
        assert_eq!(
            parse(&bad, 5).unwrap_err().scim_type,
            Some(ScimType::InvalidValue)
        );
        let ok = json!({"schemas": [BULK_REQUEST_URN], "failOnErrors": 2, "Operations": []});
        assert_eq!(parse(&ok, 5).unwrap().fail_on_errors, Some(2));
    }

    #[test]
    fn bulk_id_references_are_found_and_replaced() {
        let mut op = BulkOperation {
            method: Method::Put,
            kind: ResourceKind::Group,
            id: Some("bulkId:g".into()),
            bulk_id: None,
            version: None,
            data: Some(
                json!({"displayName": "bulkId:not-a-ref-in-name?", "members": [{"value": "bulkId:u1"}, {"value": "plain"}]}),
            ),
        };
        assert_eq!(references(&op), ["g", "not-a-ref-in-name?", "u1"]);
        let created = HashMap::from([
            ("g".to_owned(), "G-ID".to_owned()),
            ("u1".to_owned(), "U-ID".to_owned()),
        ]);
        substitute(&mut op, &created);
        assert_eq!(op.id.as_deref(), Some("G-ID"));
        assert_eq!(
            op.data.unwrap()["members"],
            json!([{"value": "U-ID"}, {"value": "plain"}])
        );
    }
}
