use serde_json::{json, Value};

use super::*;
use crate::scim::schema::{ResourceKind, SchemaRegistry};

const E: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

fn base() -> Value {
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

fn run_on(
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

fn run(ops: Value) -> Result<Value, (u16, &'static str)> {
    run_on(ResourceKind::User, base(), ops).map(|(d, _)| d)
}

/// `base()` with `f` applied.
fn with(f: impl FnOnce(&mut Value)) -> Value {
    let mut v = base();
    f(&mut v);
    v
}

#[test]
fn user_operations() {
    let cases: Vec<(Value, Value)> = vec![
        // Simple attributes.
        (
            json!([{"op": "replace", "path": "title", "value": "Boss"}]),
            with(|v| v["title"] = json!("Boss")),
        ),
        (
            json!([{"op": "add", "path": "title", "value": "Boss"}]),
            with(|v| v["title"] = json!("Boss")),
        ),
        (
            json!([{"op": "Replace", "path": "active", "value": false}]),
            with(|v| v["active"] = json!(false)),
        ),
        (
            json!([{"op": "Replace", "path": "active", "value": "False"}]),
            with(|v| v["active"] = json!(false)),
        ),
        (
            json!([{"op": "REPLACE", "path": "ACTIVE", "value": "true"}]),
            base(),
        ),
        (
            json!([{"op": "remove", "path": "active"}]),
            with(|v| {
                v.as_object_mut().unwrap().remove("active");
            }),
        ),
        (json!([{"op": "remove", "path": "title"}]), base()),
        (
            json!([{"op": "replace", "path": "userName", "value": "babs"}]),
            with(|v| v["userName"] = json!("babs")),
        ),
        (
            json!([{"op": "replace", "path": "externalId", "value": "e-9"}]),
            with(|v| v["externalId"] = json!("e-9")),
        ),
        (
            json!([{"op": "add", "path": "externalId", "value": "e-9"}, {"op": "remove", "path": "externalId"}]),
            base(),
        ),
        (
            json!([{"op": "replace", "path": "displayName", "value": "Babs"}, {"op": "replace", "path": "displayName", "value": "B2"}]),
            with(|v| v["displayName"] = json!("B2")),
        ),
        (
            json!([{"op": "add", "path": "password", "value": "secret"}]),
            base(),
        ),
        // Sub-attributes of a singular complex attribute.
        (
            json!([{"op": "replace", "path": "name.givenName", "value": "Babs"}]),
            with(|v| v["name"]["givenName"] = json!("Babs")),
        ),
        (
            json!([{"op": "add", "path": "name.middleName", "value": "Q"}]),
            with(|v| v["name"]["middleName"] = json!("Q")),
        ),
        (
            json!([{"op": "remove", "path": "name.familyName"}]),
            with(|v| {
                v["name"].as_object_mut().unwrap().remove("familyName");
            }),
        ),
        (
            json!([{"op": "remove", "path": "name"}]),
            with(|v| {
                v.as_object_mut().unwrap().remove("name");
            }),
        ),
        (
            json!([{"op": "replace", "path": "name", "value": {"familyName": "Smith"}}]),
            with(|v| v["name"]["familyName"] = json!("Smith")),
        ),
        (
            json!([{"op": "add", "path": "name", "value": {"honorificPrefix": "Dr"}}]),
            with(|v| v["name"]["honorificPrefix"] = json!("Dr")),
        ),
        (
            json!([{"op": "remove", "path": "name.givenName"}, {"op": "remove", "path": "name.familyName"}]),
            with(|v| {
                v.as_object_mut().unwrap().remove("name");
            }),
        ),
        (
            json!([{"op": "add", "path": "urn:ietf:params:scim:schemas:core:2.0:User:name.givenName", "value": "X"}]),
            with(|v| v["name"]["givenName"] = json!("X")),
        ),
        // Extension paths.
        (
            json!([{"op": "replace", "path": format!("{E}:department"), "value": "Sales"}]),
            with(|v| v[E]["department"] = json!("Sales")),
        ),
        (
            json!([{"op": "add", "path": format!("{E}:employeeNumber"), "value": "7"}]),
            with(|v| v[E]["employeeNumber"] = json!("7")),
        ),
        (
            json!([{"op": "replace", "path": format!("{E}:manager.value"), "value": "m2"}]),
            with(|v| v[E]["manager"]["value"] = json!("m2")),
        ),
        (
            json!([{"op": "remove", "path": format!("{E}:manager")}]),
            with(|v| {
                v[E].as_object_mut().unwrap().remove("manager");
            }),
        ),
        (
            json!([{"op": "remove", "path": format!("{E}:manager")}, {"op": "remove", "path": format!("{E}:department")}]),
            with(|v| {
                v.as_object_mut().unwrap().remove(E);
            }),
        ),
        (
            json!([{"op": "remove", "path": format!("{}:department", E.to_uppercase())}]),
            with(|v| {
                v[E].as_object_mut().unwrap().remove("department");
            }),
        ),
        // A whole extension by its URN.
        (
            json!([{"op": "add", "path": E, "value": {"costCenter": "4"}}]),
            with(|v| v[E]["costCenter"] = json!("4")),
        ),
        (
            json!([{"op": "replace", "path": E, "value": {"costCenter": "4"}}]),
            with(|v| v[E] = json!({"costCenter": "4"})),
        ),
        (
            json!([{"op": "remove", "path": E}]),
            with(|v| {
                v.as_object_mut().unwrap().remove(E);
            }),
        ),
        // No path: attributes by name, Entra's dotted and URN keys, whole extensions.
        (
            json!([{"op": "replace", "value": {"title": "Boss", "active": false}}]),
            with(|v| {
                v["title"] = json!("Boss");
                v["active"] = json!(false);
            }),
        ),
        (
            json!([{"op": "Replace", "value": {"name.givenName": "Babs", "name.familyName": "J2"}}]),
            with(|v| v["name"] = json!({"givenName": "Babs", "familyName": "J2"})),
        ),
        (
            json!([{"op": "Add", "value": {format!("{E}:department"): "R&D"}}]),
            with(|v| v[E]["department"] = json!("R&D")),
        ),
        (
            json!([{"op": "replace", "value": {E: {"department": "HR", "costCenter": "9"}}}]),
            with(|v| {
                v[E]["department"] = json!("HR");
                v[E]["costCenter"] = json!("9");
            }),
        ),
        (
            json!([{"op": "replace", "value": {"id": "ignored", "meta": {}, "schemas": [], "nickName": "B"}}]),
            with(|v| v["nickName"] = json!("B")),
        ),
        (
            json!([{"op": "add", "value": {"emails": [{"value": "new@x.org", "type": "other"}]}}]),
            with(|v| {
                v["emails"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!({"value": "new@x.org", "type": "other"}))
            }),
        ),
        (
            json!([{"op": "replace", "value": {"emails": [{"value": "only@x.org"}]}}]),
            with(|v| v["emails"] = json!([{"value": "only@x.org"}])),
        ),
        (
            json!([{"op": "add", "value": {"name": {"givenName": "G"}}}]),
            with(|v| v["name"]["givenName"] = json!("G")),
        ),
        (
            json!([{"op": "Replace", "value": {"active": "False", "externalId": "x1"}}]),
            with(|v| {
                v["active"] = json!(false);
                v["externalId"] = json!("x1");
            }),
        ),
        // Multi-valued: add appends (no duplicates), replace swaps the list, remove.
        (
            json!([{"op": "add", "path": "emails", "value": [{"value": "n@x.org", "type": "other"}]}]),
            with(|v| {
                v["emails"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!({"value": "n@x.org", "type": "other"}))
            }),
        ),
        (
            json!([{"op": "add", "path": "emails", "value": {"value": "n@x.org"}}]),
            with(|v| {
                v["emails"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!({"value": "n@x.org"}))
            }),
        ),
        (
            json!([{"op": "add", "path": "emails", "value": [{"value": "bj@home.org", "type": "home"}]}]),
            base(),
        ),
        (
            json!([{"op": "add", "path": "emails", "value": [{"value": "p@x.org", "primary": true}]}]),
            with(
                |v| v["emails"] = json!([{"value": "bj@work.com", "type": "work"}, {"value": "bj@home.org", "type": "home"}, {"value": "p@x.org", "primary": true}]),
            ),
        ),
        (
            json!([{"op": "replace", "path": "emails", "value": [{"value": "z@x.org"}]}]),
            with(|v| v["emails"] = json!([{"value": "z@x.org"}])),
        ),
        (
            json!([{"op": "remove", "path": "emails"}]),
            with(|v| {
                v.as_object_mut().unwrap().remove("emails");
            }),
        ),
        (
            json!([{"op": "remove", "path": "emails", "value": [{"value": "bj@home.org"}]}]),
            with(|v| {
                v["emails"] = json!([{"value": "bj@work.com", "type": "work", "primary": true}])
            }),
        ),
        (
            json!([{"op": "add", "path": "phoneNumbers", "value": [{"value": "+1", "type": "Mobile"}]}]),
            with(|v| v["phoneNumbers"] = json!([{"value": "+1", "type": "mobile"}])),
        ),
        // Value filters.
        (
            json!([{"op": "replace", "path": "emails[type eq \"work\"].value", "value": "new@work.com"}]),
            with(|v| v["emails"][0]["value"] = json!("new@work.com")),
        ),
        (
            json!([{"op": "replace", "path": "emails[type eq \"WORK\"].value", "value": "new@work.com"}]),
            with(|v| v["emails"][0]["value"] = json!("new@work.com")),
        ),
        (
            json!([{"op": "add", "path": "emails[type eq \"other\"].value", "value": "o@x.org"}]),
            with(|v| {
                v["emails"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!({"type": "other", "value": "o@x.org"}))
            }),
        ),
        (
            json!([{"op": "replace", "path": "emails[type eq \"other\"].value", "value": "o@x.org"}]),
            with(|v| {
                v["emails"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!({"type": "other", "value": "o@x.org"}))
            }),
        ),
        (
            json!([{"op": "remove", "path": "emails[type eq \"home\"]"}]),
            with(|v| {
                v["emails"] = json!([{"value": "bj@work.com", "type": "work", "primary": true}])
            }),
        ),
        (
            json!([{"op": "remove", "path": "emails[type eq \"home\" or primary eq true]"}]),
            with(|v| {
                v.as_object_mut().unwrap().remove("emails");
            }),
        ),
        (
            json!([{"op": "remove", "path": "emails[type eq \"nope\"]"}]),
            base(),
        ),
        (
            json!([{"op": "remove", "path": "emails[type eq \"work\"].primary"}]),
            with(|v| {
                v["emails"][0].as_object_mut().unwrap().remove("primary");
            }),
        ),
        (
            json!([{"op": "replace", "path": "emails[type eq \"home\"].primary", "value": true}]),
            with(
                |v| v["emails"] = json!([{"value": "bj@work.com", "type": "work"}, {"value": "bj@home.org", "type": "home", "primary": true}]),
            ),
        ),
        (
            json!([{"op": "replace", "path": "emails[value ew \"home.org\"]", "value": {"value": "x@home.org", "type": "home"}}]),
            with(|v| v["emails"][1] = json!({"value": "x@home.org", "type": "home"})),
        ),
        (
            json!([{"op": "add", "path": "emails[type eq \"home\"]", "value": {"display": "Home"}}]),
            with(|v| v["emails"][1]["display"] = json!("Home")),
        ),
        (
            json!([{"op": "add", "path": "addresses[type eq \"work\"].locality", "value": "Oslo"}]),
            with(|v| v["addresses"] = json!([{"type": "work", "locality": "Oslo"}])),
        ),
        (
            json!([{"op": "add", "path": "addresses[type eq \"work\"].locality", "value": "Oslo"},
                {"op": "replace", "path": "addresses[type eq \"work\"].country", "value": "NO"}]),
            with(|v| {
                v["addresses"] = json!([{"type": "work", "locality": "Oslo", "country": "NO"}])
            }),
        ),
        (
            json!([{"op": "replace", "path": "emails.type", "value": "other"}]),
            with(|v| {
                v["emails"][0]["type"] = json!("other");
                v["emails"][1]["type"] = json!("other");
            }),
        ),
        (
            json!([{"op": "remove", "path": "emails[not (type eq \"work\")]"}]),
            with(|v| {
                v["emails"] = json!([{"value": "bj@work.com", "type": "work", "primary": true}])
            }),
        ),
        (
            json!([{"op": "replace", "path": "emails[primary eq \"True\"].value", "value": "p@w.com"}]),
            with(|v| v["emails"][0]["value"] = json!("p@w.com")),
        ),
        // Several operations: applied in order.
        (
            json!([{"op": "remove", "path": "emails"}, {"op": "add", "path": "emails", "value": [{"value": "a@b.c"}]}]),
            with(|v| v["emails"] = json!([{"value": "a@b.c"}])),
        ),
        (
            json!([{"op": "replace", "path": "title", "value": "A"}, {"op": "remove", "path": "title"}, {"op": "add", "path": "nickName", "value": "N"}]),
            with(|v| v["nickName"] = json!("N")),
        ),
    ];
    let count = cases.len();
    for (ops, expected) in cases {
        assert_eq!(run(ops.clone()), Ok(expected), "{ops}");
    }
    assert!(count >= 60);
}

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

fn group_doc() -> Value {
    json!({"displayName": "Eng"})
}

fn members(ops: Value) -> Result<(Value, MemberChanges), (u16, &'static str)> {
    run_on(ResourceKind::Group, group_doc(), ops)
}

fn changes(replace_with: Option<&[&str]>, add: &[&str], remove: &[&str]) -> MemberChanges {
    let own = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    MemberChanges {
        replace_with: replace_with.map(own),
        add: own(add),
        remove: own(remove),
    }
}

#[test]
fn group_member_operations_are_collected_not_applied() {
    let cases: Vec<(Value, MemberChanges)> = vec![
        (
            json!([{"op": "add", "path": "members", "value": [{"value": "u1"}, {"value": "u2", "display": "x"}]}]),
            changes(None, &["u1", "u2"], &[]),
        ),
        (
            json!([{"op": "Add", "path": "members", "value": {"value": "u1"}}]),
            changes(None, &["u1"], &[]),
        ),
        (
            json!([{"op": "remove", "path": "members[value eq \"u1\"]"}]),
            changes(None, &[], &["u1"]),
        ),
        (
            json!([{"op": "remove", "path": "members[value eq \"u1\" or value eq \"u2\"]"}]),
            changes(None, &[], &["u1", "u2"]),
        ),
        // Entra ID removes members with a value list.
        (
            json!([{"op": "Remove", "path": "members", "value": [{"value": "u1"}]}]),
            changes(None, &[], &["u1"]),
        ),
        (
            json!([{"op": "remove", "path": "members"}]),
            changes(Some(&[]), &[], &[]),
        ),
        (
            json!([{"op": "replace", "path": "members", "value": [{"value": "u3"}]}]),
            changes(Some(&["u3"]), &[], &[]),
        ),
        (
            json!([{"op": "replace", "path": "members", "value": [{"value": "u3"}]}, {"op": "add", "path": "members", "value": [{"value": "u4"}]}]),
            changes(Some(&["u3", "u4"]), &[], &[]),
        ),
        (
            json!([{"op": "add", "path": "members", "value": [{"value": "u1"}]}, {"op": "remove", "path": "members[value eq \"u1\"]"}]),
            changes(None, &[], &["u1"]),
        ),
        (
            json!([{"op": "remove", "path": "members[value eq \"u1\"]"}, {"op": "add", "path": "members", "value": [{"value": "u1"}]}]),
            changes(None, &["u1"], &[]),
        ),
        (
            json!([{"op": "add", "value": {"members": [{"value": "u9"}]}}]),
            changes(None, &["u9"], &[]),
        ),
        (
            json!([{"op": "replace", "value": {"id": "g", "displayName": "Eng"}}]),
            changes(None, &[], &[]),
        ),
    ];
    for (ops, expected) in cases {
        let (doc, got) = members(ops.clone()).unwrap_or_else(|e| panic!("{ops}: {e:?}"));
        assert_eq!(got, expected, "{ops}");
        assert_eq!(doc, group_doc(), "{ops}");
    }
    let (doc, _) =
        members(json!([{"op": "replace", "path": "displayName", "value": "Engineering"}])).unwrap();
    assert_eq!(doc, json!({"displayName": "Engineering"}));
    for bad in [
        json!([{"op": "remove", "path": "members[type eq \"User\"]"}]),
        json!([{"op": "add", "path": "members", "value": [{"display": "no value"}]}]),
        json!([{"op": "replace", "path": "members.value", "value": "x"}]),
        json!([{"op": "remove", "path": "displayName"}]),
    ] {
        assert!(members(bad.clone()).is_err(), "{bad}");
    }
}
