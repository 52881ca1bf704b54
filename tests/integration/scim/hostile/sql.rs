//! SQL metacharacters (quotes, a comment marker, backslashes and the LIKE
//! wildcards `%` and `_`) in filters, ids and stored strings. The filters
//! run first, while nothing holds these strings, and find nothing; the ids
//! are 404. Then the strings are stored and read back exactly, and each
//! LIKE pattern (co, sw, ew) finds exactly the resources holding it.

use serde_json::json;

use super::{
    filtered, group, literal, refused_status, search, segment, Case, Expect, Names, GROUPS,
    ROOT_SEARCH, USERS, USERS_SEARCH,
};

/// The SQL metacharacters every string must survive.
const SQL: [&str; 6] = [
    "'; DROP TABLE users; --",
    "\" OR 1=1 --",
    "\\",
    "\\\\",
    "%",
    "_",
];

pub(super) fn cases(names: &mut Names) -> Vec<Case> {
    let mut cases = Vec::new();
    // Filters first, while nothing holds these strings: every answer is an
    // empty list (and a LIKE wildcard that is not escaped matches everyone).
    for sql in SQL {
        let lit = literal(sql);
        cases.push(Case::get(
            format!("sql filter: GET /Users userName eq {lit}"),
            &filtered(USERS, &format!("userName eq {lit}")),
            Expect::Empty,
        ));
        cases.push(Case::post(
            format!("sql filter: POST /Users/.search userName eq {lit}"),
            USERS_SEARCH,
            search(&format!("userName eq {lit}")),
            Expect::Empty,
        ));
        for op in ["co", "sw", "ew"] {
            cases.push(Case::get(
                format!("sql filter: GET /Users userName {op} {lit}"),
                &filtered(USERS, &format!("userName {op} {lit}")),
                Expect::Empty,
            ));
        }
        cases.push(Case::get(
            format!("sql filter: GET /Users displayName co {lit}"),
            &filtered(USERS, &format!("displayName co {lit}")),
            Expect::Empty,
        ));
        cases.push(Case::get(
            format!("sql filter: GET /Users emails[value co {lit}]"),
            &filtered(USERS, &format!("emails[value co {lit}]")),
            Expect::Empty,
        ));
        cases.push(Case::get(
            format!("sql filter: GET /Groups displayName co {lit}"),
            &filtered(GROUPS, &format!("displayName co {lit}")),
            Expect::Empty,
        ));
        cases.push(Case::post(
            format!("sql filter: POST /.search displayName eq {lit}"),
            ROOT_SEARCH,
            search(&format!("displayName eq {lit}")),
            Expect::Empty,
        ));
        cases.push(Case::get(
            format!("sql id: GET /Users/{sql}"),
            &format!("{USERS}/{}", segment(sql.as_bytes())),
            refused_status(404),
        ));
        cases.push(Case::delete(
            format!("sql id: DELETE /Groups/{sql}"),
            &format!("{GROUPS}/{}", segment(sql.as_bytes())),
            refused_status(404),
        ));
    }
    // Then the same strings are stored, and read back exactly.
    for sql in SQL {
        for (label, pointer, filter) in [
            ("userName", "/userName", "userName"),
            ("externalId", "/externalId", "externalId"),
            ("user displayName", "/displayName", "displayName"),
            ("name.familyName", "/name/familyName", "name.familyName"),
        ] {
            cases.push(Case::post(
                format!("sql: POST user, {label} {sql}"),
                USERS,
                names.user_with(pointer, json!(sql)),
                Expect::Stored {
                    pointer: pointer.into(),
                    value: sql.into(),
                    filter: Some(filter.to_owned()),
                },
            ));
        }
        cases.push(Case::post(
            format!("sql: POST group, displayName {sql}"),
            GROUPS,
            group(sql),
            Expect::Stored {
                pointer: "/displayName".into(),
                value: sql.into(),
                filter: Some("displayName".to_owned()),
            },
        ));
    }
    // And each LIKE pattern matches exactly the strings holding it.
    let holding = |needle: &str| -> Vec<String> {
        SQL.iter()
            .filter(|s| s.contains(needle))
            .map(|s| (*s).to_owned())
            .collect()
    };
    for needle in ["%", "_", "\\", "'", "\""] {
        let lit = literal(needle);
        cases.push(Case::get(
            format!("sql filter: GET /Users userName co {lit} finds exactly its holders"),
            &filtered(USERS, &format!("userName co {lit}")),
            Expect::Found("/userName", holding(needle)),
        ));
        cases.push(Case::get(
            format!("sql filter: GET /Groups displayName co {lit} finds exactly its holders"),
            &filtered(GROUPS, &format!("displayName co {lit}")),
            Expect::Found("/displayName", holding(needle)),
        ));
    }
    for (filter, found) in [
        ("userName sw \"%\"", vec!["%"]),
        ("userName ew \"_\"", vec!["_"]),
        ("userName sw \"\\\\\"", vec!["\\", "\\\\"]),
        (
            "userName ew \"--\"",
            vec!["'; DROP TABLE users; --", "\" OR 1=1 --"],
        ),
        ("userName eq \"\\\\\"", vec!["\\"]),
    ] {
        cases.push(Case::get(
            format!("sql filter: GET /Users {filter} finds exactly its holders"),
            &filtered(USERS, filter),
            Expect::Found("/userName", found.into_iter().map(String::from).collect()),
        ));
    }
    for (filter, found) in [
        ("externalId eq \"%\"", vec!["%"]),
        ("externalId co \"_\"", vec!["_"]),
        ("name.familyName sw \"\\\\\"", vec!["\\", "\\\\"]),
    ] {
        let key = if filter.starts_with("name.") {
            "/name/familyName"
        } else {
            "/externalId"
        };
        cases.push(Case::get(
            format!("sql filter: GET /Users {filter} finds exactly its holders"),
            &filtered(USERS, filter),
            Expect::Found(key, found.into_iter().map(String::from).collect()),
        ));
    }
    cases
}
