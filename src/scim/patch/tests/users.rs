//! Operations on a user: add, replace, remove, by path, filter and URN.

use serde_json::json;

use super::*;

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
