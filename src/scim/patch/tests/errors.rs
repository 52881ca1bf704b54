//! What PATCH refuses, and the request envelope it reads.

use serde_json::json;

use super::*;

#[test]
fn user_operation_errors() {
    let cases: Vec<(Value, u16, &str)> = vec![
        (
            json!([{"op": "replace", "path": "id", "value": "x"}]),
            400,
            "mutability",
        ),
        (
            json!([{"op": "replace", "path": "meta", "value": {}}]),
            400,
            "mutability",
        ),
        (
            json!([{"op": "add", "path": "groups", "value": [{"value": "g"}]}]),
            400,
            "mutability",
        ),
        (
            json!([{"op": "replace", "path": format!("{E}:manager.displayName"), "value": "x"}]),
            400,
            "mutability",
        ),
        (
            json!([{"op": "remove", "path": "schemas"}]),
            400,
            "mutability",
        ),
        (
            json!([{"op": "replace", "path": "emails[type eq \"work\"].nope", "value": "x"}]),
            400,
            "invalidPath",
        ),
        (
            json!([{"op": "replace", "path": "title[value eq \"x\"]", "value": "x"}]),
            400,
            "invalidPath",
        ),
        (
            json!([{"op": "replace", "path": "emails[type eq", "value": "x"}]),
            400,
            "invalidPath",
        ),
        (
            json!([{"op": "replace", "path": 7, "value": "x"}]),
            400,
            "invalidPath",
        ),
        (json!([{"op": "remove"}]), 400, "noTarget"),
        (
            json!([{"op": "replace", "path": "emails[type co \"z\"].value", "value": "x"}]),
            400,
            "noTarget",
        ),
        (
            json!([{"op": "move", "path": "title", "value": "x"}]),
            400,
            "invalidSyntax",
        ),
        (
            json!([{"path": "title", "value": "x"}]),
            400,
            "invalidSyntax",
        ),
        (json!(["replace"]), 400, "invalidSyntax"),
        (json!([]), 400, "invalidSyntax"),
        (json!([{"op": "add", "path": "title"}]), 400, "invalidValue"),
        (
            json!([{"op": "replace", "value": "Boss"}]),
            400,
            "invalidValue",
        ),
        (
            json!([{"op": "replace", "path": "active", "value": "maybe"}]),
            400,
            "invalidValue",
        ),
        (
            json!([{"op": "replace", "path": "userName", "value": 5}]),
            400,
            "invalidValue",
        ),
        (
            json!([{"op": "remove", "path": "userName"}]),
            400,
            "invalidValue",
        ),
        (
            json!([{"op": "add", "path": "emails", "value": [{"value": "a", "type": "pager"}]}]),
            400,
            "invalidValue",
        ),
        (
            json!([{"op": "add", "path": "name", "value": "plain"}]),
            400,
            "invalidValue",
        ),
        (
            json!([{"op": "replace", "path": "emails[type eq \"other\"]", "value": "str"}]),
            400,
            "invalidValue",
        ),
        // An error after good operations applies none of them.
        (
            json!([{"op": "replace", "path": "title", "value": "A"}, {"op": "replace", "path": "id", "value": "x"}]),
            400,
            "mutability",
        ),
    ];
    for (ops, status, scim_type) in cases {
        assert_eq!(run(ops.clone()), Err((status, scim_type)), "{ops}");
    }
}

#[test]
fn request_envelope() {
    let ok = json!({"schemas": [PATCH_OP_URN], "Operations": [{"op": "add", "path": "title", "value": "x"}]});
    assert_eq!(parse_request(&ok).unwrap().len(), 1);
    // Lower-case "operations" and no schemas are accepted.
    let lenient = json!({"operations": [{"OP": "Remove", "Path": "title"}]});
    assert_eq!(parse_request(&lenient).unwrap()[0].kind, OpKind::Remove);
    for bad in [
        json!([]),
        json!({"schemas": ["urn:x"], "Operations": []}),
        json!({"Operations": {}}),
    ] {
        assert_eq!(
            parse_request(&bad).unwrap_err().scim_type,
            Some(ScimType::InvalidSyntax),
            "{bad}"
        );
    }
}
