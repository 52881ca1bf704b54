//! Over-long strings where the value is indexed: userName, externalId,
//! emails, displayName and a registered extension's string, on every route
//! that writes them. Over `MAX_KEY_CHARS` characters (characters, not
//! bytes) is refused 400 invalidValue; the controls, 256 characters and
//! the maximum itself, are stored and read back exactly.

use gatehouse::scim::validate::MAX_KEY_CHARS;
use serde_json::json;

use super::{
    bulk, group, invalid_value, set, Case, Expect, Names, BULK_PATH, GROUPS, REGISTERED, USERS,
};
use crate::scim::user_body;

pub(super) fn cases(names: &mut Names, user: &str, grp: &str) -> Vec<Case> {
    let mut cases = Vec::new();
    let over = MAX_KEY_CHARS + 1;
    let long = [
        ("3,000 ASCII chars".to_owned(), "x".repeat(3000)),
        ("1,000 four-byte chars".to_owned(), "𝔘".repeat(1000)),
        (
            format!("{over} ASCII chars (the maximum + 1)"),
            "y".repeat(over),
        ),
        (
            format!("{over} four-byte chars (the maximum + 1)"),
            "𝔙".repeat(over),
        ),
    ];
    let registered_badge = format!("/{REGISTERED}/badge");
    for (size, text) in &long {
        for (label, pointer) in [
            ("userName", "/userName"),
            ("externalId", "/externalId"),
            ("emails[0].value", "/emails/0/value"),
            ("user displayName", "/displayName"),
            ("a registered extension's string", registered_badge.as_str()),
        ] {
            cases.push(Case::post(
                format!("long: POST user, {label} of {size}"),
                USERS,
                names.user_with(pointer, json!(text)),
                invalid_value(),
            ));
        }
        cases.push(Case::post(
            format!("long: POST group, displayName of {size}"),
            GROUPS,
            group(text),
            invalid_value(),
        ));
        cases.push(Case::put(
            format!("long: PUT user, userName of {size}"),
            user,
            set(user_body("baseline@acme.test"), "/userName", json!(text)),
            invalid_value(),
        ));
        cases.push(Case::patch(
            format!("long: PATCH user, userName of {size}"),
            user,
            json!([{"op": "replace", "path": "userName", "value": text}]),
            invalid_value(),
        ));
        cases.push(Case::patch(
            format!("long: PATCH user, emails[type eq \"work\"].value of {size}"),
            user,
            json!([{"op": "replace", "path": "emails[type eq \"work\"].value", "value": text}]),
            invalid_value(),
        ));
        cases.push(Case::patch(
            format!("long: PATCH user, path-less externalId of {size}"),
            user,
            json!([{"op": "replace", "value": {"externalId": text}}]),
            invalid_value(),
        ));
        cases.push(Case::put(
            format!("long: PUT group, displayName of {size}"),
            grp,
            group(text),
            invalid_value(),
        ));
        cases.push(Case::patch(
            format!("long: PATCH group, displayName of {size}"),
            grp,
            json!([{"op": "replace", "path": "displayName", "value": text}]),
            invalid_value(),
        ));
        cases.push(Case::post(
            format!("long: POST /Bulk, a user with a userName of {size}"),
            BULK_PATH,
            bulk(json!({"method": "POST", "path": "/Users", "bulkId": "l",
                "data": names.user_with("/userName", json!(text))})),
            Expect::BulkRefused(Some(400), Some("invalidValue")),
        ));
    }
    // Controls: 256 characters, and the maximum itself, are stored.
    for (size, c) in [
        (256, 'a'),
        (MAX_KEY_CHARS, 'b'),
        (256, '𝔄'),
        (MAX_KEY_CHARS, '𝔅'),
    ] {
        let text = |n: usize| c.to_string().repeat(n);
        let email = format!("{}@acme.test", text(size - 10));
        let width = if c.is_ascii() { "ASCII" } else { "four-byte" };
        let registered_filter = format!("{REGISTERED}:badge");
        for (label, pointer, value, filter) in [
            ("userName", "/userName", text(size), "userName"),
            ("externalId", "/externalId", text(size), "externalId"),
            ("emails[0].value", "/emails/0/value", email, "emails.value"),
            (
                "user displayName",
                "/displayName",
                text(size),
                "displayName",
            ),
            (
                "a registered extension's string",
                registered_badge.as_str(),
                text(size),
                registered_filter.as_str(),
            ),
        ] {
            cases.push(Case::post(
                format!("long (control): POST user, {label} of {size} {width} chars is stored"),
                USERS,
                names.user_with(pointer, json!(value)),
                Expect::Stored {
                    pointer: pointer.to_owned(),
                    value,
                    filter: Some(filter.to_owned()),
                },
            ));
        }
        cases.push(Case::post(
            format!("long (control): POST group, displayName of {size} {width} chars is stored"),
            GROUPS,
            group(&text(size)),
            Expect::Stored {
                pointer: "/displayName".into(),
                value: text(size),
                filter: Some("displayName".to_owned()),
            },
        ));
    }
    cases
}
