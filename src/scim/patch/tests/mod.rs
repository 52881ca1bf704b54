//! PATCH, table by table: what each operation does to a document, and
//! what it refuses.

use serde_json::{json, Value};

use super::*;

mod errors;
mod groups;
mod kept;
mod users;
use crate::scim::schema::{ResourceKind, SchemaRegistry};

pub(super) const E: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

pub(super) fn base() -> Value {
    json!({
        "userName": "bjensen",
        "name": {"givenName": "Barbara", "familyName": "Jensen"},
        "active": true,
        "emails": [
            {"value": "bj@work.com", "type": "work", "primary": true},
            {"value": "bj@home.org", "type": "home"}
        ],
        E: {"department": "Ops", "manager": {"value": "m1"}}
    })
}

pub(super) fn run_on(
    kind: ResourceKind,
    doc: Value,
    ops: Value,
) -> Result<(Value, MemberChanges), (u16, &'static str)> {
    let registry = SchemaRegistry::load().unwrap();
    let body = json!({"schemas": [PATCH_OP_URN], "Operations": ops});
    let ops =
        parse_request(&body).map_err(|e| (e.status, e.scim_type.map_or("", |t| t.as_str())))?;
    let mut members = MemberChanges::default();
    let Value::Object(doc) = doc else { panic!() };
    apply(&registry, kind, doc, &ops, &mut members)
        .map(|d| (Value::Object(d.attributes), members))
        .map_err(|e| (e.status, e.scim_type.map_or("", |t| t.as_str())))
}

pub(super) fn run(ops: Value) -> Result<Value, (u16, &'static str)> {
    run_on(ResourceKind::User, base(), ops).map(|(d, _)| d)
}

/// `base()` with `f` applied.
pub(super) fn with(f: impl FnOnce(&mut Value)) -> Value {
    let mut v = base();
    f(&mut v);
    v
}
