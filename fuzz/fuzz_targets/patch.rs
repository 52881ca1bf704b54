//! The PATCH engine on any request body: parsed and applied to a user and
//! to a group, it answers Ok or a SCIM error, never a panic; and what it
//! makes of a resource is a resource the validator accepts as it stands
//! (a PATCH can never store what a PUT would refuse).
#![no_main]

use std::sync::OnceLock;

use gatehouse::scim::patch::{apply, parse_request, MemberChanges};
use gatehouse::scim::schema::{ResourceKind, SchemaRegistry};
use gatehouse::scim::validate::{validate_resource, Attributes};
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};

fn registry() -> &'static SchemaRegistry {
    static REGISTRY: OnceLock<SchemaRegistry> = OnceLock::new();
    REGISTRY.get_or_init(|| SchemaRegistry::load().expect("the built-in schemas load"))
}

/// A stored user and a stored group, as the engine gets them.
fn held(kind: ResourceKind) -> Attributes {
    let doc = match kind {
        ResourceKind::User => json!({
            "userName": "bjensen@example.com",
            "name": {"givenName": "Barbara", "familyName": "Jensen"},
            "emails": [{"value": "bjensen@example.com", "type": "work", "primary": true},
                       {"value": "babs@home.example", "type": "home"}],
            "phoneNumbers": [{"value": "+1 555 0100", "type": "work"}],
            "active": true,
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":
                {"department": "Tour Operations", "manager": {"value": "m-1"}}
        }),
        ResourceKind::Group => json!({"displayName": "Tour Guides"}),
    };
    match doc {
        Value::Object(map) => map,
        _ => unreachable!(),
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(body) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let Ok(operations) = parse_request(&body) else {
        return;
    };
    for kind in [ResourceKind::User, ResourceKind::Group] {
        let mut members = MemberChanges::default();
        if let Ok(patched) = apply(registry(), kind, held(kind), &operations, &mut members) {
            let mut again = patched.attributes.clone();
            let mut schemas = vec![Value::from(kind.core_urn())];
            for ext in registry().extensions(kind) {
                if again.contains_key(&ext.id) {
                    schemas.push(Value::from(ext.id.clone()));
                }
            }
            again.insert("schemas".into(), Value::Array(schemas));
            if let Err(e) = validate_resource(registry(), kind, &Value::Object(again)) {
                panic!("PATCH {body} made a {kind:?} the validator refuses: {e:?}");
            }
        }
    }
});
