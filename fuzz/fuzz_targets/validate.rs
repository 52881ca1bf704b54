//! Request validation on any JSON body, as a user and as a group: Ok or a
//! SCIM error, never a panic; and what it accepts, written back as a body,
//! it accepts again as the same attributes (what is stored reads back as
//! it was stored).
#![no_main]

use std::sync::OnceLock;

use gatehouse::scim::schema::{ResourceKind, SchemaRegistry};
use gatehouse::scim::validate::validate_resource;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fn registry() -> &'static SchemaRegistry {
    static REGISTRY: OnceLock<SchemaRegistry> = OnceLock::new();
    REGISTRY.get_or_init(|| SchemaRegistry::load().expect("the built-in schemas load"))
}

fuzz_target!(|data: &[u8]| {
    let Ok(body) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    for kind in [ResourceKind::User, ResourceKind::Group] {
        let Ok(first) = validate_resource(registry(), kind, &body) else {
            continue;
        };
        let mut again = first.attributes.clone();
        again.insert("schemas".into(), body["schemas"].clone());
        match validate_resource(registry(), kind, &Value::Object(again)) {
            Ok(second) => assert_eq!(
                second.attributes, first.attributes,
                "{body} validated to a different {kind:?} the second time"
            ),
            Err(e) => panic!("{body} was accepted as a {kind:?}, then refused as stored: {e:?}"),
        }
    }
});
