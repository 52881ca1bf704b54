//! A group's member operations are collected, not applied.

use serde_json::json;

use super::*;

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
