//! Attributes no schema defines, kept; IdP values read as meant.

use serde_json::json;

use super::*;

#[test]
fn attributes_no_schema_defines_are_kept_and_idp_values_read_as_meant() {
    let acme = "urn:ietf:params:scim:schemas:extension:Acme:2.0:User";
    let e = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    let cases: Vec<(Value, Value)> = vec![
        // Okta's custom attribute in the core namespace.
        (
            json!([{"op": "replace", "path": "costCenter", "value": "77"}]),
            with(|d| d["costCenter"] = json!("77")),
        ),
        (
            json!([{"op": "add", "path": "name.pronunciation", "value": "bee"}]),
            with(|d| d["name"]["pronunciation"] = json!("bee")),
        ),
        // Entra ID's custom extension, by URN-qualified path and path-less.
        (
            json!([{"op": "Add", "path": format!("{acme}:badge"), "value": "B1"}]),
            with(|d| d[acme] = json!({"badge": "B1"})),
        ),
        (
            json!([{"op": "Replace", "value": {acme: {"badge": "B2"}}}]),
            with(|d| d[acme] = json!({"badge": "B2"})),
        ),
        (
            json!([{"op": "Replace", "value": {format!("{acme}:badge"): "B3"}}]),
            with(|d| d[acme] = json!({"badge": "B3"})),
        ),
        // Entra ID's manager as a bare id, and roles as JSON-encoded text.
        (
            json!([{"op": "Add", "path": format!("{e}:manager"), "value": "271"}]),
            with(|d| d[e]["manager"] = json!({"value": "271"})),
        ),
        (
            json!([{"op": "Add", "path": "roles", "value": "[{\"primary\":false,\"type\":\"WindowsAzureActiveDirectoryRole\",\"value\":\"Admin\"}]"}]),
            with(
                |d| d["roles"] = json!([{"primary": false, "type": "WindowsAzureActiveDirectoryRole", "value": "Admin"}]),
            ),
        ),
        // Entra ID's documented manager update: no URN, a list of one.
        (
            json!([{"op": "Add", "path": "manager", "value": [{"$ref": null, "value": "272"}]}]),
            with(|d| d[e]["manager"] = json!({"value": "272"})),
        ),
        // OneLogin's enterprise alias in a path.
        (
            json!([{"op": "replace", "path": "urn:scim:schemas:extension:enterprise:2.0:department", "value": "Sales"}]),
            with(|d| d[e]["department"] = json!("Sales")),
        ),
    ];
    for (ops, want) in cases {
        assert_eq!(run(ops.clone()), Ok(want), "{ops}");
    }
    // Removing a kept attribute removes it; a value filter on one is refused.
    let doc = with(|d| d["costCenter"] = json!("77"));
    let got = run_on(
        ResourceKind::User,
        doc,
        json!([{"op": "remove", "path": "COSTCENTER"}]),
    )
    .map(|(d, _)| d);
    assert_eq!(got, Ok(base()));
    assert_eq!(
        run(json!([{"op": "add", "path": "tags[value eq \"a\"]", "value": "b"}])),
        Err((400, "invalidPath"))
    );
}

#[test]
fn only_what_the_operations_bring_in_is_listed_as_unregistered() {
    let registry = SchemaRegistry::load().unwrap();
    let body = json!({"schemas": [PATCH_OP_URN], "Operations": [
        {"op": "replace", "path": "title", "value": "Boss"},
        {"op": "add", "path": "badge", "value": "B1"}
    ]});
    let ops = parse_request(&body).unwrap();
    let Value::Object(mut doc) = base() else {
        panic!()
    };
    doc.insert("costCenter".into(), json!("77"));
    let got = apply(
        &registry,
        ResourceKind::User,
        doc,
        &ops,
        &mut MemberChanges::default(),
    )
    .unwrap();
    let names: Vec<&str> = got.unregistered.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(names, ["badge"]);
    assert_eq!(got.attributes["costCenter"], "77");
}
