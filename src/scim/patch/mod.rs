//! PATCH (RFC 7644 §3.5.2): parse a PatchOp request and apply its
//! operations, in order and all or nothing, to a resource's attributes.
//!
//! The document is the resource's writable attributes under canonical names
//! (extension attributes in an object under the extension URN). A group's
//! `members` are not in the document: member operations are collected as
//! [`MemberChanges`], so that adding or removing members costs time in
//! proportion to the members named, not to the size of the group.
//!
//! IdP habits accepted: ops in any case (`"Replace"`), `Operations` in any
//! case, paths without `path` as dotted or URN keys (`"name.givenName"`),
//! booleans as strings (normalised by validation afterwards), `remove` of
//! `members` with a `value` list (Entra ID), and `add`/`replace` through a
//! value filter that matches nothing creating the value
//! (`emails[type eq "work"].value`).

mod apply;
mod matcher;
mod members;
mod paths;
mod values;

pub use apply::apply;

use serde_json::Value;

use super::error::{ScimError, ScimType};
use super::path::{parse_path, PatchPath};

/// The PatchOp message URN.
pub const PATCH_OP_URN: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

/// What an operation does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpKind {
    Add,
    Remove,
    Replace,
}

/// One PATCH operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    pub kind: OpKind,
    pub path: Option<PatchPath>,
    pub value: Option<Value>,
}

/// Changes to a group's members collected from PATCH operations, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberChanges {
    /// The whole member list, when an operation replaced (or cleared) it;
    /// later adds and removes apply to it.
    pub replace_with: Option<Vec<String>>,
    pub add: Vec<String>,
    pub remove: Vec<String>,
}

impl MemberChanges {
    fn replace(&mut self, ids: Vec<String>) {
        self.replace_with = Some(ids);
        self.add.clear();
        self.remove.clear();
    }

    fn add(&mut self, ids: Vec<String>) {
        for id in ids {
            match &mut self.replace_with {
                Some(list) if !list.contains(&id) => list.push(id),
                Some(_) => {}
                None => {
                    self.remove.retain(|r| *r != id);
                    if !self.add.contains(&id) {
                        self.add.push(id);
                    }
                }
            }
        }
    }

    fn remove(&mut self, ids: Vec<String>) {
        for id in ids {
            match &mut self.replace_with {
                Some(list) => list.retain(|m| *m != id),
                None => {
                    self.add.retain(|a| *a != id);
                    if !self.remove.contains(&id) {
                        self.remove.push(id);
                    }
                }
            }
        }
    }

    /// Whether any member operation was seen.
    pub fn is_empty(&self) -> bool {
        self.replace_with.is_none() && self.add.is_empty() && self.remove.is_empty()
    }
}

/// Reads a PatchOp body into operations.
pub fn parse_request(body: &Value) -> Result<Vec<Operation>, ScimError> {
    let object = body
        .as_object()
        .ok_or_else(|| ScimError::invalid_syntax("the request body must be a JSON object"))?;
    if let Some(schemas) = object.get("schemas") {
        let listed = schemas.as_array().is_some_and(|s| {
            s.iter().any(|u| {
                u.as_str()
                    .is_some_and(|u| u.eq_ignore_ascii_case(PATCH_OP_URN))
            })
        });
        if !listed {
            return Err(ScimError::invalid_syntax(format!(
                "'schemas' must include \"{PATCH_OP_URN}\""
            )));
        }
    }
    let operations = object
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("Operations"))
        .and_then(|(_, v)| v.as_array())
        .filter(|ops| !ops.is_empty())
        .ok_or_else(|| ScimError::invalid_syntax("'Operations' must be a non-empty list"))?;
    operations
        .iter()
        .enumerate()
        .map(|(i, op)| parse_operation(i, op))
        .collect()
}

fn field<'a>(op: &'a serde_json::Map<String, Value>, name: &str) -> Option<&'a Value> {
    op.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
}

fn parse_operation(index: usize, op: &Value) -> Result<Operation, ScimError> {
    let at = |m: &str| format!("Operations[{index}]: {m}");
    let op = op
        .as_object()
        .ok_or_else(|| ScimError::invalid_syntax(at("each operation must be a JSON object")))?;
    let kind = match field(op, "op")
        .and_then(Value::as_str)
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("add") => OpKind::Add,
        Some("remove") => OpKind::Remove,
        Some("replace") => OpKind::Replace,
        _ => {
            return Err(ScimError::invalid_syntax(at(
                "'op' must be \"add\", \"remove\" or \"replace\"",
            )))
        }
    };
    let path = match field(op, "path") {
        None | Some(Value::Null) => None,
        Some(Value::String(text)) => Some(parse_path(text).map_err(|e| {
            ScimError::bad_request(
                ScimType::InvalidPath,
                at(&format!("invalid path \"{text}\": {e}")),
            )
        })?),
        Some(_) => {
            return Err(ScimError::bad_request(
                ScimType::InvalidPath,
                at("'path' must be a string"),
            ))
        }
    };
    let value = field(op, "value").filter(|v| !v.is_null()).cloned();
    match (kind, &path, &value) {
        (OpKind::Remove, None, _) => Err(ScimError::bad_request(
            ScimType::NoTarget,
            at("remove needs a 'path'"),
        )),
        (OpKind::Add | OpKind::Replace, _, None) => Err(ScimError::invalid_value(at(
            "add and replace need a 'value'",
        ))),
        (OpKind::Add | OpKind::Replace, None, Some(v)) if !v.is_object() => {
            Err(ScimError::invalid_value(at(
                "without a 'path', 'value' must be an object of attributes",
            )))
        }
        _ => Ok(Operation { kind, path, value }),
    }
}

#[cfg(test)]
mod tests;
