use serde_json::{json, Value};

use super::*;
use crate::scim::schema::{ResourceKind, SchemaRegistry};
use crate::scim::ScimType;

fn user(body: Value) -> Result<Attributes, ScimError> {
    let got = validate_resource(&SchemaRegistry::load().unwrap(), ResourceKind::User, &body)?;
    assert_eq!(got.unregistered, [], "{body}");
    Ok(got.attributes)
}

fn group(body: Value) -> Result<Attributes, ScimError> {
    validate_resource(&SchemaRegistry::load().unwrap(), ResourceKind::Group, &body)
        .map(|v| v.attributes)
}

const U: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
const E: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

#[test]
fn accepted_bodies_normalize_to_canonical_attributes() {
    let cases: Vec<(Value, Value)> = vec![
        (
            json!({"schemas": [U], "userName": "bjensen"}),
            json!({"userName": "bjensen"}),
        ),
        // Attribute names are case-insensitive; output uses the schema's spelling.
        (
            json!({"schemas": [U], "USERNAME": "b", "Name": {"GIVENNAME": "B"}}),
            json!({"userName": "b", "name": {"givenName": "B"}}),
        ),
        // readOnly attributes (id, meta, groups) are ignored on input.
        (
            json!({"schemas": [U], "userName": "b", "id": "x", "meta": {}, "groups": [{"value": "g"}]}),
            json!({"userName": "b"}),
        ),
        // password is accepted but never kept.
        (
            json!({"schemas": [U], "userName": "b", "password": "t1meMa$heen"}),
            json!({"userName": "b"}),
        ),
        // Entra ID sends booleans as strings.
        (
            json!({"schemas": [U], "userName": "b", "active": "False"}),
            json!({"userName": "b", "active": false}),
        ),
        (
            json!({"schemas": [U], "userName": "b", "active": "TRUE"}),
            json!({"userName": "b", "active": true}),
        ),
        // Canonical values are matched case-insensitively and normalized.
        (
            json!({"schemas": [U], "userName": "b", "emails": [{"value": "b@x.org", "type": "Work", "primary": true}]}),
            json!({"userName": "b", "emails": [{"value": "b@x.org", "type": "work", "primary": true}]}),
        ),
        // A single value where a list is expected becomes a list of one.
        (
            json!({"schemas": [U], "userName": "b", "emails": {"value": "b@x.org"}}),
            json!({"userName": "b", "emails": [{"value": "b@x.org"}]}),
        ),
        // Nulls and empty lists are unassigned.
        (
            json!({"schemas": [U], "userName": "b", "title": null, "emails": [], "name": {}}),
            json!({"userName": "b"}),
        ),
        (
            json!({"schemas": [U, E], "userName": "b", E: {"department": "Ops", "manager": {"value": "m", "displayName": "ignored"}}}),
            json!({"userName": "b", E: {"department": "Ops", "manager": {"value": "m"}}}),
        ),
        // The extension URN is matched case-insensitively.
        (
            json!({"schemas": [U], "userName": "b", E.to_uppercase(): {"employeeNumber": "7"}}),
            json!({"userName": "b", E: {"employeeNumber": "7"}}),
        ),
        (
            json!({"schemas": [U], "userName": "b", "externalId": "ext-1"}),
            json!({"userName": "b", "externalId": "ext-1"}),
        ),
        (
            json!({"schemas": [U.to_lowercase()], "userName": "b", "addresses": [{"type": "home", "locality": "Oslo"}]}),
            json!({"userName": "b", "addresses": [{"type": "home", "locality": "Oslo"}]}),
        ),
    ];
    for (input, expected) in cases {
        let got = user(input.clone()).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(Value::Object(got), expected, "input: {input}");
    }
}

#[test]
fn rejected_bodies_name_the_problem() {
    let cases: Vec<(Value, ScimType, &str)> = vec![
        (json!([1]), ScimType::InvalidSyntax, "JSON object"),
        (
            json!({"userName": "b"}),
            ScimType::InvalidSyntax,
            "'schemas'",
        ),
        (
            json!({"schemas": "x", "userName": "b"}),
            ScimType::InvalidSyntax,
            "'schemas'",
        ),
        (
            json!({"schemas": [1], "userName": "b"}),
            ScimType::InvalidSyntax,
            "only strings",
        ),
        (
            json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "userName": "b"}),
            ScimType::InvalidValue,
            "not supported",
        ),
        (
            json!({"schemas": [U]}),
            ScimType::InvalidValue,
            "'userName' is missing",
        ),
        (
            json!({"schemas": [U], "userName": null}),
            ScimType::InvalidValue,
            "'userName' is missing",
        ),
        (
            json!({"schemas": [U], "userName": 7}),
            ScimType::InvalidValue,
            "'userName' must be of type string",
        ),
        (
            json!({"schemas": [U], "userName": "b", "active": "yes"}),
            ScimType::InvalidValue,
            "'active' must be of type boolean",
        ),
        (
            json!({"schemas": [U], "userName": "b", "name": "B J"}),
            ScimType::InvalidValue,
            "'name' must be of type complex",
        ),
        (
            json!({"schemas": [U], "userName": "b", "emails": [{"value": "a", "type": "pager"}]}),
            ScimType::InvalidValue,
            "'emails[0].type' must be one of work, home, other",
        ),
        (
            json!({"schemas": [U], "userName": "b", "emails": [{"value": "a", "primary": true}, {"value": "c", "primary": true}]}),
            ScimType::InvalidValue,
            "2 values marked primary",
        ),
        (
            json!({"schemas": [U], "userName": "b", "externalId": 5}),
            ScimType::InvalidValue,
            "externalId",
        ),
        (
            json!({"schemas": [U], "userName": "b", E: "x"}),
            ScimType::InvalidSyntax,
            "JSON object",
        ),
    ];
    for (input, scim_type, needle) in cases {
        let err = user(input.clone()).expect_err(&input.to_string());
        assert_eq!(err.status, 400, "{input}");
        assert_eq!(err.scim_type, Some(scim_type), "{input}: {}", err.detail);
        assert!(err.detail.contains(needle), "{input}: {}", err.detail);
    }
}

#[test]
fn groups_validate_members_and_display_name() {
    let g = "urn:ietf:params:scim:schemas:core:2.0:Group";
    let got = group(json!({"schemas": [g], "displayName": "Eng", "members": [{"value": "u1", "type": "user", "display": "ignored"}]})).unwrap();
    assert_eq!(
        Value::Object(got),
        json!({"displayName": "Eng", "members": [{"value": "u1", "type": "User"}]})
    );
    let err = group(json!({"schemas": [g]})).unwrap_err();
    assert_eq!(err.detail, "required attribute 'displayName' is missing");
    // The User's extension on a group is a mistake, not an unknown extension.
    let err = group(json!({"schemas": [g], "displayName": "x", E: {}})).unwrap_err();
    assert_eq!(err.scim_type, Some(ScimType::InvalidValue));
}

#[test]
fn idp_shapes_are_read_as_meant() {
    let onelogin_enterprise = "urn:scim:schemas:extension:enterprise:2.0";
    let cases: Vec<(Value, Value)> = vec![
        // OneLogin: pre-RFC URNs, attributes under the alias land under the RFC URN.
        (
            json!({"schemas": ["urn:scim:schemas:core:2.0", onelogin_enterprise], "userName": "b",
                   onelogin_enterprise: {"department": "Ops"}}),
            json!({"userName": "b", E: {"department": "Ops"}}),
        ),
        // Google Workspace: SCIM 1.1's core URN beside the RFC one.
        (
            json!({"schemas": ["urn:scim:schemas:core:1.0", U], "userName": "b"}),
            json!({"userName": "b"}),
        ),
        // Entra ID: manager as a bare id, roles as JSON-encoded text.
        (
            json!({"schemas": [U, E], "userName": "b", E: {"manager": "271"},
                   "roles": "[{\"primary\":false,\"type\":\"WindowsAzureActiveDirectoryRole\",\"value\":\"Admin\"}]"}),
            json!({"userName": "b",
                   "roles": [{"primary": false, "type": "WindowsAzureActiveDirectoryRole", "value": "Admin"}],
                   E: {"manager": {"value": "271"}}}),
        ),
        // `manager` without its URN lands in the enterprise extension,
        // beside what is sent under the URN.
        (
            json!({"schemas": [U, E], "userName": "b", "manager": {"value": "m9"}, E: {"department": "Ops"}}),
            json!({"userName": "b", E: {"manager": {"value": "m9"}, "department": "Ops"}}),
        ),
        // Capitalised names (Microsoft's test collection).
        (
            json!({"schemas": [U], "UserName": "b", "Active": "True", "Emails": [{"Primary": "true", "Value": "b@x.org"}]}),
            json!({"userName": "b", "active": true, "emails": [{"primary": true, "value": "b@x.org"}]}),
        ),
    ];
    for (input, expected) in cases {
        let got = user(input.clone()).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(Value::Object(got), expected, "input: {input}");
    }
    let entra_group = "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group";
    let got = group(
        json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group", entra_group],
                           "displayName": "Eng", "members": ["u1", {"value": "u2"}]}),
    )
    .unwrap();
    assert_eq!(
        Value::Object(got),
        json!({"displayName": "Eng", "members": [{"value": "u1"}, {"value": "u2"}]})
    );
}

#[test]
fn attributes_no_schema_defines_are_kept_and_listed() {
    let acme = "urn:ietf:params:scim:schemas:extension:Acme:2.0:User";
    let registry = SchemaRegistry::load().unwrap();
    let body = json!({
        "schemas": [U, acme, "urn:example:empty"],
        "userName": "b",
        "costCenter": "77",
        "name": {"givenName": "B", "pronunciation": "bee"},
        E: {"floor": 3},
        acme: {"badge": "B1"},
    });
    let got = validate_resource(&registry, ResourceKind::User, &body).unwrap();
    assert_eq!(
        Value::Object(got.attributes),
        json!({"userName": "b", "costCenter": "77", "name": {"givenName": "B", "pronunciation": "bee"},
               E: {"floor": 3}, acme: {"badge": "B1"}})
    );
    let listed: Vec<(Option<&str>, &str, &Value, ScimType, &str)> = got
        .unregistered
        .iter()
        .map(|u| {
            (
                u.schema.as_deref(),
                u.name.as_str(),
                &u.example,
                u.refusal.scim_type.unwrap(),
                u.refusal.detail.as_str(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        vec![
            (Some(acme), "", &Value::Null, ScimType::InvalidValue,
             "schema \"urn:ietf:params:scim:schemas:extension:Acme:2.0:User\" is not supported for resource type User"),
            (Some("urn:example:empty"), "", &Value::Null, ScimType::InvalidValue,
             "schema \"urn:example:empty\" is not supported for resource type User"),
            (None, "costCenter", &json!("77"), ScimType::InvalidSyntax,
             "unknown attribute 'costCenter' for resource type User"),
            (None, "name.pronunciation", &json!("bee"), ScimType::InvalidSyntax,
             "unknown sub-attribute 'name.pronunciation'"),
            (Some(E), "floor", &json!(3), ScimType::InvalidSyntax,
             "unknown attribute 'floor' in urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"),
            (Some(acme), "badge", &json!("B1"), ScimType::InvalidValue,
             "schema \"urn:ietf:params:scim:schemas:extension:Acme:2.0:User\" is not supported for resource type User"),
        ]
    );
    // A name already kept in another case is stored under the kept spelling.
    let mut registry = registry;
    registry.keep(&[KeptAttribute {
        kind: ResourceKind::User,
        schema: None,
        name: "costCenter".into(),
    }]);
    let got = validate_resource(
        &registry,
        ResourceKind::User,
        &json!({"schemas": [U], "userName": "b", "COSTCENTER": "78"}),
    )
    .unwrap();
    assert_eq!(got.attributes["costCenter"], "78");
    // Another resource type's schema is a mistake, not an extension.
    let err = validate_resource(
        &registry,
        ResourceKind::Group,
        &json!({"schemas": [U], "displayName": "x"}),
    )
    .unwrap_err();
    assert_eq!(err.scim_type, Some(ScimType::InvalidValue));
}

#[test]
fn values_resources_are_found_by_hold_at_most_max_key_chars() {
    const G: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
    let at_limit = "x".repeat(MAX_KEY_CHARS);
    let over = "x".repeat(MAX_KEY_CHARS + 1);
    let wide_at_limit = "𝔘".repeat(MAX_KEY_CHARS);
    let long = "y".repeat(5_000);
    // (body, resource is a user, refused path if any)
    let cases: Vec<(Value, bool, Option<&str>)> = vec![
        (json!({"schemas": [U], "userName": at_limit}), true, None),
        (
            json!({"schemas": [U], "userName": wide_at_limit}),
            true,
            None,
        ),
        (
            json!({"schemas": [U], "userName": over}),
            true,
            Some("'userName' is 513"),
        ),
        (
            json!({"schemas": [U], "userName": "b", "externalId": over}),
            true,
            Some("'externalId'"),
        ),
        (
            json!({"schemas": [U], "userName": "b", "displayName": over}),
            true,
            Some("'displayName'"),
        ),
        (
            json!({"schemas": [U], "userName": "b", "emails": [{"value": "a"}, {"value": over}]}),
            true,
            Some("'emails[1].value'"),
        ),
        // Values no index holds keep the body limit only.
        (
            json!({"schemas": [U], "userName": "b", "title": long, "name": {"familyName": long},
                "emails": [{"value": "a", "display": long}]}),
            true,
            None,
        ),
        (
            json!({"schemas": [U, E], "userName": "b", E: {"department": long}}),
            true,
            None,
        ),
        (
            json!({"schemas": [G], "displayName": over}),
            false,
            Some("'displayName'"),
        ),
        (
            json!({"schemas": [G], "displayName": "g", "externalId": over}),
            false,
            Some("'externalId'"),
        ),
        (
            json!({"schemas": [G], "displayName": at_limit}),
            false,
            None,
        ),
    ];
    for (body, is_user, refused) in cases {
        let got = if is_user {
            user(body.clone())
        } else {
            group(body.clone())
        };
        match (got, refused) {
            (Ok(_), None) => {}
            (Err(e), Some(needle)) => {
                assert_eq!(e.scim_type, Some(ScimType::InvalidValue), "{body}");
                assert!(e.detail.contains(needle), "{}: {needle}", e.detail);
                assert!(e.detail.contains("at most 512"), "{}", e.detail);
            }
            (got, want) => panic!("{body}: got {got:?}, want refusal {want:?}"),
        }
    }
}
