use super::*;
use crate::scim::projection::Projection;
use serde_json::{json, Map};

fn meta() -> Meta {
    Meta {
        created_us: 1_700_000_000_000_000,
        last_modified_us: 1_700_000_000_123_456,
        version: 3,
    }
}

/// Babs: core, enterprise and derived attributes of every kind.
fn bjensen() -> UserResource {
    let mut attributes = Map::new();
    attributes.insert("title".into(), "Eng".into());
    attributes.insert("name".into(), json!({"givenName": "B"}));
    attributes.insert(
        super::super::ENTERPRISE_USER_URN.into(),
        json!({"department": "Ops"}),
    );
    UserResource {
        id: "u1".into(),
        user_name: "bjensen".into(),
        external_id: Some("e1".into()),
        display_name: None,
        active: true,
        attributes: attributes.into(),
        groups: vec![GroupRef {
            id: "g1".into(),
            display: "Eng".into(),
        }],
        entitlements: vec![EntitlementRef {
            product: "wiki".into(),
            product_name: "Wiki".into(),
            role: "user".into(),
            via: vec![GrantingGroup {
                id: "g1".into(),
                display: "Eng".into(),
                directory: "d1".into(),
                synced: true,
            }],
        }],
        meta: meta(),
    }
}

#[test]
fn user_renders_common_attributes_groups_and_extension() {
    let registry = SchemaRegistry::load().unwrap();
    let user = bjensen();
    let got = user.to_json(&registry, "http://h/scim/v2/");
    assert_eq!(
        got,
        json!({
            "schemas": [super::super::USER_URN, super::super::ENTERPRISE_USER_URN, super::super::ACCESS_URN],
            "id": "u1",
            "externalId": "e1",
            "userName": "bjensen",
            "active": true,
            "name": {"givenName": "B"},
            "title": "Eng",
            "groups": [{"value": "g1", "$ref": "http://h/scim/v2/Groups/g1", "display": "Eng", "type": "direct"}],
            "entitlements": [{"value": "wiki:user", "display": "Wiki user", "type": "wiki"}],
            super::super::ENTERPRISE_USER_URN: {"department": "Ops"},
            super::super::ACCESS_URN: {"grants": [{
                "value": "wiki:user", "product": "wiki", "role": "user", "group": "g1",
                "groupDisplay": "Eng", "groupDirectory": "d1", "synced": true
            }]},
            "meta": {
                "resourceType": "User",
                "created": "2023-11-14T22:13:20Z",
                "lastModified": "2023-11-14T22:13:20.123456Z",
                "location": "http://h/scim/v2/Users/u1",
                "version": "W/\"3\""
            }
        })
    );
    let keys: Vec<_> = got.as_object().unwrap().keys().cloned().collect();
    assert_eq!(keys[..4], ["schemas", "id", "externalId", "userName"]);
}

#[test]
fn group_renders_members_only_when_loaded() {
    let registry = SchemaRegistry::load().unwrap();
    let mut group = GroupResource {
        id: "g1".into(),
        display_name: "Eng".into(),
        external_id: None,
        attributes: Map::new(),
        members: Some(vec![MemberRef {
            id: "u1".into(),
            kind: ResourceKind::User,
            display: Some("Babs".into()),
        }]),
        meta: meta(),
    };
    let got = group.to_json(&registry, "http://h/scim/v2");
    assert_eq!(
        got["members"],
        json!([{"value": "u1", "$ref": "http://h/scim/v2/Users/u1", "type": "User", "display": "Babs"}])
    );
    group.members = None;
    assert!(group
        .to_json(&registry, "http://h")
        .get("members")
        .is_none());
}

/// A user with what `bjensen` lacks: two groups granting two roles, a
/// display name, attributes and an extension no schema defines, and a
/// stored value under a derived attribute's name (the derived one wins).
fn jsmith() -> UserResource {
    let mut attributes = Map::new();
    attributes.insert("x-badge".into(), "7".into());
    attributes.insert(
        "urn:acme:params:scim:1.0:Badge".into(),
        json!({"floor": 3, "desk": "A"}),
    );
    attributes.insert(
        "emails".into(),
        json!([{"value": "j@x.example", "type": "work", "primary": true}]),
    );
    attributes.insert("groups".into(), json!([{"value": "stored"}]));
    let via = |id: &str, synced| GrantingGroup {
        id: id.into(),
        display: format!("Group {id}"),
        directory: "d1".into(),
        synced,
    };
    UserResource {
        id: "u2".into(),
        user_name: "jsmith".into(),
        external_id: None,
        display_name: Some("J Smith".into()),
        active: false,
        attributes: attributes.into(),
        groups: vec![
            GroupRef {
                id: "g2".into(),
                display: "Group g2".into(),
            },
            GroupRef {
                id: "g3".into(),
                display: "Group g3".into(),
            },
        ],
        entitlements: vec![
            EntitlementRef {
                product: "crm".into(),
                product_name: "CRM \"Pro\"".into(),
                role: "admin".into(),
                via: vec![via("g2", true), via("g3", false)],
            },
            EntitlementRef {
                product: "wiki".into(),
                product_name: "Wiki".into(),
                role: "user".into(),
                via: vec![via("g3", false)],
            },
        ],
        meta: meta(),
    }
}

/// A user with nothing derived but `meta`.
fn plain() -> UserResource {
    UserResource {
        id: "u3".into(),
        user_name: "plain".into(),
        external_id: None,
        display_name: None,
        active: true,
        attributes: Map::new().into(),
        groups: Vec::new(),
        entitlements: Vec::new(),
        meta: meta(),
    }
}

/// A page's view of its users, written straight from their typed parts,
/// says byte for byte what projecting each user's JSON says, under every
/// kind of projection: none, whole attributes, sub-attributes of derived
/// and stored ones, extensions by URN, exclusions.
#[test]
fn page_views_write_what_projected_json_says() {
    let registry = SchemaRegistry::load().unwrap();
    let access = super::super::ACCESS_URN;
    let enterprise = super::super::ENTERPRISE_USER_URN;
    let cases: Vec<(Option<String>, Option<String>)> = vec![
        (None, None),
        (Some("userName".into()), None),
        (Some("groups".into()), None),
        (Some("groups.display".into()), None),
        (Some("entitlements.value,meta.lastModified".into()), None),
        (Some(access.into()), None),
        (Some(format!("{access}:grants.product")), None),
        (Some("grants".into()), None),
        (Some(format!("{enterprise}:department,x-badge")), None),
        (Some("meta".into()), None),
        (
            Some("emails.value,urn:acme:params:scim:1.0:Badge".into()),
            None,
        ),
        (None, Some("groups".into())),
        (None, Some("groups.$ref,meta.location".into())),
        (None, Some(format!("entitlements,{access}"))),
        (None, Some("meta".into())),
        (None, Some(format!("{access}:grants.synced,emails"))),
    ];
    let base = "https://h.example/scim/v2";
    for (attributes, excluded) in cases {
        let projection =
            Projection::parse(&registry, attributes.as_deref(), excluded.as_deref()).unwrap();
        let users = [bjensen(), jsmith(), plain(), jsmith()];
        let expected: Vec<String> = users
            .iter()
            .map(|u| {
                let json = u.to_json(&registry, base);
                serde_json::to_string(&projection.apply(&registry, ResourceKind::User, json))
                    .unwrap()
            })
            .collect();
        let rendered: Vec<_> = users
            .into_iter()
            .map(|u| u.render(&registry, base))
            .collect();
        let mut viewer = Viewer::new(&projection, &registry, ResourceKind::User);
        let got: Vec<String> = rendered
            .iter()
            .map(|r| serde_json::to_string(&viewer.view(r)).unwrap())
            .collect();
        assert_eq!(
            got, expected,
            "attributes={attributes:?} excludedAttributes={excluded:?}"
        );
    }
}

/// The rendered JSON's members are in the order responses show them,
/// whatever order the attributes were stored in.
#[test]
fn user_members_are_in_response_order() {
    let registry = SchemaRegistry::load().unwrap();
    let got = jsmith().to_json(&registry, "http://h");
    let keys: Vec<_> = got.as_object().unwrap().keys().cloned().collect();
    assert_eq!(
        keys,
        [
            "schemas",
            "id",
            "userName",
            "displayName",
            "active",
            "emails",
            "groups",
            "x-badge",
            "entitlements",
            super::super::ACCESS_URN,
            "urn:acme:params:scim:1.0:Badge",
            "meta"
        ]
    );
    assert_eq!(got["groups"][1]["$ref"], "http://h/Groups/g3");
    assert_eq!(got["entitlements"][0]["display"], "CRM \"Pro\" admin");
    assert_eq!(got["schemas"].as_array().unwrap().len(), 3);
}

/// A user whose attributes come as stored text (`StoredAttributes::Text`:
/// members shown whole are written as stored, unparsed) views as the same
/// user built from parsed values does, under every kind of projection, for
/// documents whose members the default projection shows whole, cuts into
/// or drops: empty objects, values of the wrong form, a never-returned
/// attribute, extensions registered or not, escapes in keys and values.
#[test]
fn stored_text_views_as_parsed_values_do() {
    let registry = SchemaRegistry::load().unwrap();
    let ent = super::super::ENTERPRISE_USER_URN;
    let badge = "urn:acme:params:scim:1.0:Badge";
    let documents: Vec<String> = vec![
        "{}".into(),
        format!(
            r#"{{"name":{{"givenName":"G","familyName":"F"}},"emails":[{{"value":"a@b","type":"work","primary":true}}],"title":"T","{ent}":{{"department":"D","employeeNumber":"1","manager":{{"value":"m"}}}}}}"#
        ),
        r#"{"name":{},"emails":[],"x-unknown":{},"x-list":[1,{"a":1}],"x-scalar":3,"x-null":null}"#.into(),
        r#"{"emails":[{"value":"a"},"not an object",{}],"name":"a string","title":{"odd":1}}"#.into(),
        format!(r#"{{"{ent}":{{}},"{badge}":{{}},"urn:x:y":5,"urn:x:z":[{{}}]}}"#),
        format!(r#"{{"{ent}":{{"department":{{}},"manager":{{}},"x":[],"costCenter":1.5}}}}"#),
        format!(r#"{{"{ent}":{{"manager":"m","organization":[1,2]}},"phoneNumbers":[{{"value":"1"}},{{"value":"2"}}]}}"#),
        r#"{"password":"secret","name":{"givenName":"G"}}"#.into(),
        format!(r#"{{"{badge}":{{"level":{{"a":[]}},"b":{{}}}},"{ent}":{{"department":"D"}}}}"#),
        format!(r#"{{"{badge}":{{"l\u0065vel":"x"}},"title":"caf\u00e9 \"q\"","name":{{"giv\u0065nName":"\ud83d\ude00"}}}}"#),
        r#"{"title":"T","title":"U","addresses":[{"streetAddress":"1 Main","primary":true}],"x509Certificates":[{"value":"AA=="}]}"#.into(),
        r#"{"name":{"givenName":"G"},"emails":[{"value":"a@b","display":{"nested":[1,[2,{}]]}}],"ims":[[]]}"#.into(),
    ];
    let projections: Vec<(Option<&str>, Option<&str>)> = vec![
        (None, None),
        (Some("name.givenName"), None),
        (Some("emails.value,title"), None),
        (Some(ent), None),
        (Some(badge), None),
        (Some("password,x-unknown"), None),
        (None, Some("name.familyName")),
        (None, Some("emails,x-list")),
        (None, Some(ent)),
        (
            None,
            Some("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager"),
        ),
    ];
    let base = "https://h.example/scim/v2";
    // Re-written through a parse, so escapes spelled differently compare equal.
    let normal = |text: String| -> String {
        serde_json::to_string(&serde_json::from_str::<serde_json::Value>(&text).unwrap()).unwrap()
    };
    for text in &documents {
        let values: Map<String, serde_json::Value> = serde_json::from_str(text).unwrap();
        for (attributes, excluded) in &projections {
            let projection = Projection::parse(&registry, *attributes, *excluded).unwrap();
            let mut parsed_user = plain();
            parsed_user.attributes = values.clone().into();
            let mut stored_user = plain();
            stored_user.attributes = StoredAttributes::from_stored(text).unwrap();
            let mut viewer = Viewer::new(&projection, &registry, ResourceKind::User);
            let want = parsed_user.render(&registry, base);
            let got = stored_user.render(&registry, base);
            let want = normal(serde_json::to_string(&viewer.view(&want)).unwrap());
            let got = normal(serde_json::to_string(&viewer.view(&got)).unwrap());
            assert_eq!(
                got, want,
                "{text} attributes={attributes:?} excludedAttributes={excluded:?}"
            );
            // The whole resource as a value (single-resource responses).
            let mut again = plain();
            again.attributes = StoredAttributes::from_stored(text).unwrap();
            let mut parsed_again = plain();
            parsed_again.attributes = values.clone().into();
            assert_eq!(
                again.into_json(&registry, base),
                parsed_again.into_json(&registry, base),
                "{text}"
            );
        }
    }
}

/// Pages read with one schema snapshot share what the default projection
/// shows of the derived parts (`Viewer::of_snapshot`); a page read with
/// another snapshot works it out for itself, and every view is the one
/// `Viewer::new` gives.
#[test]
fn derived_parts_are_remembered_per_snapshot() {
    use crate::scim::schema::Returned;
    use std::sync::Arc;
    let shown = Arc::new(SchemaRegistry::load().unwrap());
    let mut hiding = SchemaRegistry::load().unwrap();
    for attribute in &mut hiding.user.attributes {
        if attribute.name == "groups" {
            attribute.returned = Returned::Never;
        }
    }
    let hiding = Arc::new(hiding);
    let default = Projection::default();
    let some = Projection::parse(&shown, None, Some("groups")).unwrap();
    let view = |snapshot: &Arc<SchemaRegistry>, projection: &Projection| {
        let rendered = bjensen().render(snapshot, "http://h");
        let remembered = serde_json::to_value(
            Viewer::of_snapshot(projection, snapshot, ResourceKind::User).view(&rendered),
        )
        .unwrap();
        let fresh = serde_json::to_value(
            Viewer::new(projection, snapshot, ResourceKind::User).view(&rendered),
        )
        .unwrap();
        assert_eq!(remembered, fresh);
        remembered
    };
    // The second round reads what the first remembered.
    for round in 0..2 {
        assert!(view(&shown, &default).get("groups").is_some(), "{round}");
        assert!(view(&hiding, &default).get("groups").is_none(), "{round}");
        assert!(view(&shown, &some).get("groups").is_none(), "{round}");
        assert!(view(&shown, &default).get("meta").is_some(), "{round}");
    }
}
