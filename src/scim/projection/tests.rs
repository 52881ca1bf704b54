use serde_json::{json, Value};

use super::*;

const E: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

fn user() -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", E],
        "id": "u1",
        "externalId": "e1",
        "userName": "bjensen",
        "name": {"givenName": "B", "familyName": "Jensen"},
        "active": true,
        "emails": [{"value": "b@x.org", "type": "work"}, {"value": "b@y.org", "type": "home"}],
        "password": "never-shown",
        E: {"department": "Ops", "manager": {"value": "m1", "displayName": "Boss"}},
        "meta": {"resourceType": "User", "version": "W/\"1\""}
    })
}

/// The projected user, checked to be written the same (text, key order)
/// whether a response serialises the view or the applied value.
fn project(attributes: Option<&str>, excluded: Option<&str>) -> Value {
    let registry = SchemaRegistry::load().unwrap();
    let projection = Projection::parse(&registry, attributes, excluded).unwrap();
    let whole = user();
    let written = serde_json::to_string(&projection.view(&registry, ResourceKind::User, &whole));
    let applied = projection.apply(&registry, ResourceKind::User, user());
    assert_eq!(
        written.unwrap(),
        applied.to_string(),
        "{attributes:?} {excluded:?}"
    );
    applied
}

#[test]
fn a_projection_that_keeps_everything_is_a_borrow_of_the_whole() {
    let registry = SchemaRegistry::load().unwrap();
    let mut kept = user();
    kept.as_object_mut().unwrap().remove("password");
    let cases = [
        (None, None, true),
        (None, Some("title"), true),
        (None, Some("name"), false),
    ];
    for (attributes, excluded, whole) in cases {
        let projection = Projection::parse(&registry, attributes, excluded).unwrap();
        let view = projection.view(&registry, ResourceKind::User, &kept);
        assert_eq!(matches!(view, Projected::Whole(_)), whole, "{excluded:?}");
    }
    // A never-returned attribute dropped is a view of the rest.
    let full = user();
    let view = Projection::default().view(&registry, ResourceKind::User, &full);
    assert!(matches!(view, Projected::Object(_)));
    assert_eq!(view.to_value(), kept);
}

fn keys(v: &Value) -> Vec<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

#[test]
fn default_projection_drops_only_never_returned() {
    let got = project(None, None);
    let mut expected = user();
    expected.as_object_mut().unwrap().remove("password");
    assert_eq!(got, expected);
}

#[test]
fn attributes_select_with_always_returned_kept() {
    let cases: Vec<(&str, Value)> = vec![
        (
            "userName",
            json!({"schemas": user()["schemas"], "id": "u1", "userName": "bjensen"}),
        ),
        (
            "USERNAME",
            json!({"schemas": user()["schemas"], "id": "u1", "userName": "bjensen"}),
        ),
        (
            "name.familyName",
            json!({"schemas": user()["schemas"], "id": "u1", "name": {"familyName": "Jensen"}}),
        ),
        (
            "emails.value",
            json!({"schemas": user()["schemas"], "id": "u1", "emails": [{"value": "b@x.org"}, {"value": "b@y.org"}]}),
        ),
        (
            "emails,name.givenName",
            json!({"schemas": user()["schemas"], "id": "u1", "name": {"givenName": "B"}, "emails": user()["emails"]}),
        ),
        (
            "urn:ietf:params:scim:schemas:core:2.0:User:userName",
            json!({"schemas": user()["schemas"], "id": "u1", "userName": "bjensen"}),
        ),
        (
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
            json!({"schemas": user()["schemas"], "id": "u1", E: {"department": "Ops"}}),
        ),
        (
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value",
            json!({"schemas": user()["schemas"], "id": "u1", E: {"manager": {"value": "m1"}}}),
        ),
        (
            E,
            json!({"schemas": user()["schemas"], "id": "u1", E: user()[E]}),
        ),
        (
            "password",
            json!({"schemas": user()["schemas"], "id": "u1"}),
        ),
        (
            "meta.version",
            json!({"schemas": user()["schemas"], "id": "u1", "meta": {"version": "W/\"1\""}}),
        ),
        (
            "externalId",
            json!({"schemas": user()["schemas"], "id": "u1", "externalId": "e1"}),
        ),
        (
            "nickName",
            json!({"schemas": user()["schemas"], "id": "u1"}),
        ),
    ];
    for (attributes, expected) in cases {
        assert_eq!(
            project(Some(attributes), None),
            expected,
            "attributes={attributes}"
        );
    }
}

#[test]
fn excluded_attributes_remove_but_never_always() {
    let got = project(None, Some("emails,id,name.givenName,meta"));
    assert_eq!(
        keys(&got),
        [
            "schemas",
            "id",
            "externalId",
            "userName",
            "name",
            "active",
            E
        ]
    );
    assert_eq!(got["name"], json!({"familyName": "Jensen"}));
    let got = project(None, Some(&format!("{E}:manager")));
    assert_eq!(got[E], json!({"department": "Ops"}));
    let got = project(None, Some(E));
    assert!(got.get(E).is_none());
}

#[test]
fn includes_tells_whether_members_are_needed() {
    let registry = SchemaRegistry::load().unwrap();
    let cases = [
        (None, None, true),
        (None, Some("members"), false),
        (None, Some("Members"), false),
        (None, Some("members.value"), true),
        (Some("displayName"), None, false),
        (Some("members"), None, true),
        (Some("members.value"), None, true),
        (
            Some("urn:ietf:params:scim:schemas:core:2.0:Group:members"),
            None,
            true,
        ),
    ];
    for (attributes, excluded, expected) in cases {
        let p = Projection::parse(&registry, attributes, excluded).unwrap();
        assert_eq!(
            p.includes(&registry, ResourceKind::Group, "members"),
            expected,
            "{attributes:?} {excluded:?}"
        );
    }
}

#[test]
fn may_include_tells_whether_a_user_s_access_is_needed() {
    const ACCESS: &str = "urn:gatehouse:scim:schemas:extension:access:1.0:User";
    let registry = SchemaRegistry::load().unwrap();
    let cases = [
        (None, None, true),
        // Excluding some of them still shows the others.
        (None, Some("groups,entitlements"), true),
        (None, Some("groups"), true),
        (None, Some(ACCESS), true),
        (None, Some("entitlements,urn:gatehouse:scim:schemas:extension:access:1.0:User"), true),
        // All of them excluded: nothing of the user's access is shown.
        (None, Some("groups,entitlements,urn:gatehouse:scim:schemas:extension:access:1.0:User"), false),
        (None, Some("Groups, ENTITLEMENTS, URN:GATEHOUSE:SCIM:SCHEMAS:EXTENSION:ACCESS:1.0:USER"), false),
        (
            None,
            Some("urn:ietf:params:scim:schemas:core:2.0:User:groups,entitlements,urn:gatehouse:scim:schemas:extension:access:1.0:User"),
            false,
        ),
        // A sub-attribute excluded leaves the rest of `groups` shown.
        (None, Some("groups.display,entitlements,urn:gatehouse:scim:schemas:extension:access:1.0:User"), true),
        // The extension's attributes excluded one by one: still read.
        (None, Some("groups,entitlements,urn:gatehouse:scim:schemas:extension:access:1.0:User:grants"), true),
        (Some("userName"), None, false),
        (Some("userName,emails,meta"), None, false),
        (Some("id"), None, false),
        (Some(E), None, false),
        (
            Some("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"),
            None,
            false,
        ),
        (Some("groups"), None, true),
        (Some("GROUPS.display"), None, true),
        (Some("userName,entitlements.value"), None, true),
        (
            Some("urn:ietf:params:scim:schemas:core:2.0:User:entitlements"),
            None,
            true,
        ),
        (Some(ACCESS), None, true),
        (
            Some("urn:gatehouse:scim:schemas:extension:access:1.0:User:grants"),
            None,
            true,
        ),
        (Some("grants"), None, true),
        (Some("grants.product"), None, true),
    ];
    for (attributes, excluded, expected) in cases {
        let p = Projection::parse(&registry, attributes, excluded).unwrap();
        assert_eq!(
            p.may_include(
                &registry,
                ResourceKind::User,
                &["groups", "entitlements"],
                ACCESS
            ),
            expected,
            "{attributes:?} {excluded:?}"
        );
    }
}

#[test]
fn bad_attribute_names_are_invalid_value() {
    let registry = SchemaRegistry::load().unwrap();
    for bad in ["user name", "1abc", "name..x", "a.b.c", "emails[type eq"] {
        let err = Projection::parse(&registry, Some(bad), None).unwrap_err();
        assert_eq!(err.status, 400, "{bad}");
    }
}

#[test]
fn a_value_filter_in_attributes_names_the_attribute() {
    // Microsoft's SCIM test collection asks for `emails[type eq "work"]`.
    let registry = SchemaRegistry::load().unwrap();
    let with =
        Projection::parse(&registry, Some("emails[type eq \"work\"],userName"), None).unwrap();
    let plain = Projection::parse(&registry, Some("emails,userName"), None).unwrap();
    assert_eq!(with.include, plain.include);
    let sub = Projection::parse(&registry, Some("emails[type eq \"work\"].value"), None).unwrap();
    let plain = Projection::parse(&registry, Some("emails.value"), None).unwrap();
    assert_eq!(sub.include, plain.include);
}
