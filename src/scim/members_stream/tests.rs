use serde_json::{json, Map, Value};

use super::*;
use crate::scim::resource::{GroupResource, Meta, ScimResource};

const BASE: &str = "https://gh.example/scim/v2";

fn member(n: usize) -> MemberRef {
    MemberRef {
        id: format!("m{n}"),
        kind: if n % 3 == 2 {
            ResourceKind::Group
        } else {
            ResourceKind::User
        },
        // One member without a display name: `display` is left out.
        display: (n != 1).then(|| format!("Member \"{n}\"")),
    }
}

fn group(members: Option<Vec<MemberRef>>, extension: bool) -> GroupResource {
    let mut attributes = Map::new();
    if extension {
        attributes.insert(
            "urn:example:params:scim:schemas:extension:custom:2.0:Group".into(),
            json!({"costCenter": "42", "members": []}),
        );
    }
    GroupResource {
        id: "g1".into(),
        display_name: "Engineering".into(),
        external_id: Some("ext-1".into()),
        attributes,
        members,
        meta: Meta {
            created_us: 1_700_000_000_000_000,
            last_modified_us: 1_700_000_100_000_000,
            version: 7,
        },
    }
}

/// The group as the frame and its pages write it, parsed back.
fn streamed(
    registry: &SchemaRegistry,
    projection: &Projection,
    members: &[MemberRef],
    page: usize,
    extension: bool,
) -> Value {
    let bare = projection.apply(
        registry,
        ResourceKind::Group,
        group(None, extension).to_json(registry, BASE),
    );
    let Value::Object(bare) = bare else {
        panic!("a group renders as an object")
    };
    let frame = GroupFrame::around(&bare);
    let shape = MemberShape::of(registry, projection);
    let mut out = frame.head.clone();
    for (n, chunk) in members.chunks(page.max(1)).enumerate() {
        let part = members_part(shape, BASE, chunk, n == 0).unwrap();
        out.push_str(std::str::from_utf8(&part).unwrap());
    }
    out.push_str(&frame.tail);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}"))
}

#[test]
fn the_parts_of_a_streamed_group_are_the_group() {
    let registry = SchemaRegistry::load().unwrap();
    let projections: &[(Option<&str>, Option<&str>)] = &[
        (None, None),
        (Some("members"), None),
        (Some("members.value"), None),
        (Some("displayName,members.display"), None),
        (None, Some("members.display")),
        (None, Some("meta,externalId")),
    ];
    for &(attributes, excluded) in projections {
        let projection = Projection::parse(&registry, attributes, excluded).unwrap();
        for count in [0usize, 1, 2, 5] {
            let members: Vec<MemberRef> = (0..count).map(member).collect();
            for page in [1usize, 2, 3, 10] {
                for extension in [false, true] {
                    let whole = projection.apply(
                        &registry,
                        ResourceKind::Group,
                        group(Some(members.clone()), extension).to_json(&registry, BASE),
                    );
                    let got = streamed(&registry, &projection, &members, page, extension);
                    assert_eq!(
                        got, whole,
                        "attributes={attributes:?} excluded={excluded:?} members={count} page={page} extension={extension}"
                    );
                }
            }
        }
    }
}

#[test]
fn the_frame_puts_members_before_meta() {
    let mut group = Map::new();
    group.insert("id".into(), json!("g"));
    group.insert("meta".into(), json!({"version": "W/\"1\""}));
    group.insert("urn:x:y".into(), json!({"a": 1}));
    let frame = GroupFrame::around(&group);
    assert_eq!(frame.head, r#"{"id":"g","members":["#);
    assert_eq!(
        frame.tail,
        r#"],"meta":{"version":"W/\"1\""},"urn:x:y":{"a":1}}"#
    );
    let no_meta = GroupFrame::around(&Map::new());
    assert_eq!(
        format!("{}{}", no_meta.head, no_meta.tail),
        r#"{"members":[]}"#
    );
}
