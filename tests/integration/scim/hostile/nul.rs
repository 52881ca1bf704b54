//! NUL (U+0000) wherever a string can go: values, object keys, schema
//! URNs, PATCH paths, resource ids, filters (as the character and as a
//! `\u0000` escape), query parameters and bulk operations. PostgreSQL
//! cannot store it, so each is refused with an error body (400
//! invalidValue for a value, invalidFilter for a `\u0000` escape in a
//! filter, a 4xx for an id) and nothing is stored.

use serde_json::json;

use super::{
    any_4xx, bulk, filtered, group, invalid_filter, invalid_value, search, set, Case, Expect,
    Names, BULK_PATH, GROUPS, GROUPS_SEARCH, REGISTERED, ROOT_SEARCH, USERS, USERS_SEARCH,
};
use crate::scim::{user_body, ENTERPRISE, GROUP, USER};

/// A string with a NUL (U+0000) inside.
const NUL: &str = "a\u{0}b";

pub(super) fn cases(names: &mut Names, user: &str, grp: &str) -> Vec<Case> {
    let mut cases = Vec::new();
    let nul_pointers = [
        ("userName", "/userName".to_owned()),
        ("externalId", "/externalId".to_owned()),
        ("emails[0].value", "/emails/0/value".to_owned()),
        ("user displayName", "/displayName".to_owned()),
        ("name.givenName", "/name/givenName".to_owned()),
        ("title", "/title".to_owned()),
        ("enterprise department", format!("/{ENTERPRISE}/department")),
        (
            "enterprise manager.value",
            format!("/{ENTERPRISE}/manager/value"),
        ),
        ("a custom attribute (costCenter)", "/costCenter".to_owned()),
        (
            "a registered extension's string",
            format!("/{REGISTERED}/badge"),
        ),
        (
            "an unregistered extension's attribute",
            "/urn:ietf:params:scim:schemas:extension:Acme:2.0:User/badge".to_owned(),
        ),
    ];
    for (label, pointer) in &nul_pointers {
        cases.push(Case::post(
            format!("nul: POST user, NUL in {label}"),
            USERS,
            names.user_with(pointer, json!(NUL)),
            invalid_value(),
        ));
    }
    cases.push(Case::post(
        "nul: POST user, NUL in a JSON-encoded roles list",
        USERS,
        names.user_with("/roles", json!(json!([{"value": NUL}]).to_string())),
        invalid_value(),
    ));
    cases.push(Case::post(
        "nul: POST user, NUL in a JSON object key",
        USERS,
        names.user_with("/cost\u{0}Center", json!("77")),
        Expect::Refused(Some(400), None),
    ));
    cases.push(Case::post(
        "nul: POST user, NUL in a schemas URN",
        USERS,
        names.user_with("/schemas", json!([format!("{USER}\u{0}")])),
        Expect::Refused(Some(400), None),
    ));
    cases.push(Case::post(
        "nul: POST group, NUL in displayName",
        GROUPS,
        group(NUL),
        invalid_value(),
    ));
    cases.push(Case::post(
        "nul: POST group, NUL in a member value",
        GROUPS,
        json!({"schemas": [GROUP], "displayName": "Nul Members", "members": [{"value": NUL}]}),
        invalid_value(),
    ));
    cases.push(Case::put(
        "nul: PUT user, NUL in userName",
        user,
        set(user_body("baseline@acme.test"), "/userName", json!(NUL)),
        invalid_value(),
    ));
    cases.push(Case::put(
        "nul: PUT group, NUL in displayName",
        grp,
        group(NUL),
        invalid_value(),
    ));
    cases.push(Case::patch(
        "nul: PATCH user, NUL in a replace value",
        user,
        json!([{"op": "replace", "path": "displayName", "value": NUL}]),
        invalid_value(),
    ));
    cases.push(Case::patch(
        "nul: PATCH user, NUL in a path-less add value",
        user,
        json!([{"op": "add", "value": {"nickName": NUL}}]),
        invalid_value(),
    ));
    cases.push(Case::patch(
        "nul: PATCH user, NUL in a value-filter path's value",
        user,
        json!([{"op": "replace", "path": "emails[type eq \"work\"].value", "value": NUL}]),
        invalid_value(),
    ));
    cases.push(Case::patch(
        "nul: PATCH user, NUL in userName",
        user,
        json!([{"op": "replace", "path": "userName", "value": NUL}]),
        invalid_value(),
    ));
    cases.push(Case::patch(
        "nul: PATCH user, NUL in the path",
        user,
        json!([{"op": "replace", "path": "title\u{0}", "value": "x"}]),
        Expect::Refused(Some(400), None),
    ));
    cases.push(Case::patch(
        "nul: PATCH group, NUL in displayName",
        grp,
        json!([{"op": "replace", "path": "displayName", "value": NUL}]),
        invalid_value(),
    ));
    cases.push(Case::patch(
        "nul: PATCH group, NUL in a member value",
        grp,
        json!([{"op": "add", "path": "members", "value": [{"value": NUL}]}]),
        invalid_value(),
    ));
    let nul_id = "/scim/v2/Users/a%00b";
    cases.push(Case::get("nul: GET /Users/a%00b", nul_id, any_4xx()));
    cases.push(Case::put(
        "nul: PUT /Users/a%00b",
        nul_id,
        names.user(),
        any_4xx(),
    ));
    cases.push(Case::patch(
        "nul: PATCH /Users/a%00b",
        nul_id,
        json!([{"op": "replace", "path": "title", "value": "x"}]),
        any_4xx(),
    ));
    cases.push(Case::delete("nul: DELETE /Users/a%00b", nul_id, any_4xx()));
    cases.push(Case::get(
        "nul: GET /Groups/a%00b",
        "/scim/v2/Groups/a%00b",
        any_4xx(),
    ));
    cases.push(Case::patch(
        "nul: PATCH /Groups/a%00b",
        "/scim/v2/Groups/a%00b",
        json!([{"op": "replace", "path": "displayName", "value": "x"}]),
        any_4xx(),
    ));
    cases.push(Case::delete(
        "nul: DELETE /Groups/a%00b",
        "/scim/v2/Groups/a%00b",
        any_4xx(),
    ));
    // The filter's own escape: the filter text holds `\u0000`.
    let escaped = r#"userName eq "a\u0000b""#;
    cases.push(Case::get(
        "nul: GET /Users filter with a \\u0000 escape",
        &filtered(USERS, escaped),
        invalid_filter(),
    ));
    cases.push(Case::post(
        "nul: POST /Users/.search filter with a \\u0000 escape",
        USERS_SEARCH,
        search(escaped),
        invalid_filter(),
    ));
    cases.push(Case::post(
        "nul: POST /.search filter with a \\u0000 escape",
        ROOT_SEARCH,
        search(r#"displayName eq "a\u0000b""#),
        invalid_filter(),
    ));
    cases.push(Case::post(
        "nul: POST /Groups/.search filter with a \\u0000 escape",
        GROUPS_SEARCH,
        search(r#"displayName eq "a\u0000b""#),
        invalid_filter(),
    ));
    cases.push(Case::get(
        "nul: GET /Groups filter with a \\u0000 escape",
        &filtered(GROUPS, r#"displayName eq "a\u0000b""#),
        invalid_filter(),
    ));
    cases.push(Case::get(
        "nul: GET /Users filter with a \\u0000 escape in a value path",
        &filtered(USERS, r#"emails[value eq "a\u0000b"]"#),
        invalid_filter(),
    ));
    // The character itself in the filter text.
    let bare = "userName eq \"a\u{0}b\"";
    cases.push(Case::get(
        "nul: GET /Users filter with a NUL (%00)",
        &filtered(USERS, bare),
        Expect::Refused(Some(400), None),
    ));
    cases.push(Case::post(
        "nul: POST /Users/.search filter with a NUL",
        USERS_SEARCH,
        search(bare),
        Expect::Refused(Some(400), None),
    ));
    cases.push(Case::get(
        "nul: GET /Users sortBy with a NUL",
        "/scim/v2/Users?sortBy=userName%00",
        invalid_value(),
    ));
    cases.push(Case::get(
        "nul: GET /Users attributes with a NUL",
        "/scim/v2/Users?attributes=userName%00",
        invalid_value(),
    ));
    cases.push(Case::post(
        "nul: POST /Bulk, a user with NUL in userName",
        BULK_PATH,
        bulk(json!({"method": "POST", "path": "/Users", "bulkId": "n",
            "data": names.user_with("/userName", json!(NUL))})),
        Expect::BulkRefused(Some(400), Some("invalidValue")),
    ));
    cases.push(Case::post(
        "nul: POST /Bulk, DELETE /Users/a\\0b",
        BULK_PATH,
        bulk(json!({"method": "DELETE", "path": "/Users/a\u{0}b"})),
        Expect::BulkRefused(None, None),
    ));
    cases
}
