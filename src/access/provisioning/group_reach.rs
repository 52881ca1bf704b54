//! How much a group PATCH may change (`store::write_reach`), read from its
//! operations before it runs.
//!
//! Adding or removing members the PATCH names changes those members' rows
//! (their memberships, `groups`, licenses) and the group's: an IdP's member
//! PATCH of 50, as Okta and Entra send them. A rename or a new
//! `externalId` is shown by every member, and replacing or clearing the
//! members removes every one: those may change every member's rows.

use serde_json::Value;

use crate::scim::filter::Filter;
use crate::scim::patch::{OpKind, Operation};
use crate::scim::GROUP_URN;
use crate::store::write_reach::Reach;

/// The most members a PATCH may name and still be a write of `Reach::Few`:
/// each costs its statements a few pages (its user row, an index leaf or
/// two, its membership), so the statement journals stay within a few MB.
pub const FEW_MEMBERS: usize = 500;

/// The reach of a group PATCH of `operations`.
pub fn patch_reach(operations: &[Operation]) -> Reach {
    let named = operations
        .iter()
        .map(members_named)
        .try_fold(0usize, |sum, n| n.map(|n| sum.saturating_add(n)));
    match named {
        Some(n) if n <= FEW_MEMBERS => Reach::Few,
        _ => Reach::Many,
    }
}

/// How many members one operation adds or removes by name; `None` when it
/// does anything else (or may: a remove of `members` with nothing named
/// removes them all).
fn members_named(operation: &Operation) -> Option<usize> {
    let path = operation.path.as_ref()?;
    let attr = &path.attr;
    let on_members = attr.attr.eq_ignore_ascii_case("members")
        && attr.sub_attr.is_none()
        && path.sub_attr_after_filter.is_none()
        && attr
            .urn
            .as_deref()
            .is_none_or(|urn| urn.eq_ignore_ascii_case(GROUP_URN));
    if !on_members {
        return None;
    }
    match (operation.kind, &path.filter, &operation.value) {
        (OpKind::Add, None, Some(value)) => Some(values_in(value)),
        (OpKind::Remove, Some(filter), _) => Some(terms_in(filter)),
        (OpKind::Remove, None, Some(value)) => Some(values_in(value)),
        _ => None,
    }
}

/// Members in an operation's value: a list of them, or one.
fn values_in(value: &Value) -> usize {
    value.as_array().map_or(1, Vec::len)
}

/// Members a value filter can select: one a comparison (`members[value eq
/// "…" or value eq "…"]`; any other filter is refused by the PATCH itself).
fn terms_in(filter: &Filter) -> usize {
    match filter {
        Filter::Or(a, b) | Filter::And(a, b) => terms_in(a).saturating_add(terms_in(b)),
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::scim::patch::parse_request;

    fn reach(operations: Value) -> Reach {
        let body = json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": operations,
        });
        let parsed = parse_request(&body).unwrap_or_else(|e| panic!("{operations}: {e:?}"));
        patch_reach(&parsed)
    }

    fn members(n: usize) -> Value {
        Value::Array((0..n).map(|i| json!({"value": format!("u{i}")})).collect())
    }

    #[test]
    fn named_members_reach_few_and_the_rest_many() {
        let cases = [
            // Okta and Entra: members added and removed by name.
            (
                json!([{"op": "add", "path": "members", "value": members(50)}]),
                Reach::Few,
            ),
            (
                json!([{"op": "Remove", "path": "members", "value": members(50)}]),
                Reach::Few,
            ),
            (
                json!([{"op": "remove", "path": "members[value eq \"a\" or value eq \"b\"]"}]),
                Reach::Few,
            ),
            (
                json!([
                    {"op": "add", "path": "members", "value": members(5)},
                    {"op": "remove", "path": "members[value eq \"a\"]"}
                ]),
                Reach::Few,
            ),
            (
                json!([{"op": "add", "path": "urn:ietf:params:scim:schemas:core:2.0:Group:members", "value": {"value": "a"}}]),
                Reach::Few,
            ),
            (
                json!([{"op": "add", "path": "members", "value": members(FEW_MEMBERS)}]),
                Reach::Few,
            ),
            // More than a few, together.
            (
                json!([
                    {"op": "add", "path": "members", "value": members(FEW_MEMBERS)},
                    {"op": "remove", "path": "members[value eq \"a\"]"}
                ]),
                Reach::Many,
            ),
            // Every member, or every member's view of the group.
            (json!([{"op": "remove", "path": "members"}]), Reach::Many),
            (
                json!([{"op": "replace", "path": "members", "value": members(2)}]),
                Reach::Many,
            ),
            (
                json!([{"op": "replace", "path": "displayName", "value": "x"}]),
                Reach::Many,
            ),
            (
                json!([{"op": "replace", "value": {"displayName": "x"}}]),
                Reach::Many,
            ),
            (
                json!([{"op": "add", "value": {"members": members(1)}}]),
                Reach::Many,
            ),
            (
                json!([
                    {"op": "add", "path": "members", "value": members(1)},
                    {"op": "replace", "path": "externalId", "value": "e"}
                ]),
                Reach::Many,
            ),
            (
                json!([{"op": "remove", "path": "members[value eq \"a\"].display"}]),
                Reach::Many,
            ),
            (
                json!([{"op": "add", "path": "urn:example:other:members", "value": members(1)}]),
                Reach::Many,
            ),
        ];
        for (operations, want) in cases {
            assert_eq!(reach(operations.clone()), want, "{operations}");
        }
    }
}
