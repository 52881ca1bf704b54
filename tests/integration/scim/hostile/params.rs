//! Query parameters and filters built to inject or exhaust: SQL in sortBy
//! and attributes, out-of-range count and startIndex, SQL after a filter,
//! and filters too long, too deeply nested or with too many operators.
//! Each is refused 400, invalidValue for a parameter and invalidFilter for
//! a filter, except a negative count, which RFC 7644 §3.4.2.4 reads as 0,
//! and the control filter at exactly the operator limit, which finds
//! nothing.

use serde_json::{json, Value};

use super::{
    filtered, invalid_filter, invalid_value, search, Case, Expect, ROOT_SEARCH, SEARCH, USERS,
    USERS_SEARCH,
};

pub(super) fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for (label, query, expect) in [
        (
            "sortBy=userName;DROP TABLE users",
            "sortBy=userName%3BDROP%20TABLE%20users",
            invalid_value(),
        ),
        ("sortBy=(select 1)", "sortBy=(select%201)", invalid_value()),
        (
            "sortBy=userName desc",
            "sortBy=userName%20desc",
            invalid_value(),
        ),
        ("sortBy=userName--", "sortBy=userName--", invalid_value()),
        (
            "attributes=userName,(select 1)",
            "attributes=userName,(select%201)",
            invalid_value(),
        ),
        (
            "attributes=userName;DROP TABLE users",
            "attributes=userName%3BDROP%20TABLE%20users",
            invalid_value(),
        ),
        (
            "excludedAttributes=*",
            "excludedAttributes=*",
            invalid_value(),
        ),
        (
            "sortOrder=sideways",
            "sortBy=userName&sortOrder=sideways",
            invalid_value(),
        ),
        (
            "count=99999999999999999999",
            "count=99999999999999999999",
            invalid_value(),
        ),
        ("startIndex=abc", "startIndex=abc", invalid_value()),
        (
            "startIndex=99999999999999999999",
            "startIndex=99999999999999999999",
            invalid_value(),
        ),
        // RFC 7644 §3.4.2.4: a negative count SHALL be read as 0.
        ("count=-1", "count=-1", Expect::EmptyPage),
    ] {
        cases.push(Case::get(
            format!("query: GET /Users?{label}"),
            &format!("{USERS}?{query}"),
            expect,
        ));
    }
    cases.push(Case::get(
        "query: GET /Groups?sortBy=displayName;DROP TABLE groups",
        "/scim/v2/Groups?sortBy=displayName%3BDROP%20TABLE%20groups",
        invalid_value(),
    ));
    cases.push(Case::post(
        "query: POST /Users/.search sortBy (select 1)",
        USERS_SEARCH,
        json!({"schemas": [SEARCH], "sortBy": "(select 1)"}),
        invalid_value(),
    ));
    cases.push(Case::post(
        "query: POST /.search attributes [\"userName\", \"(select 1)\"]",
        ROOT_SEARCH,
        json!({"schemas": [SEARCH], "attributes": ["userName", "(select 1)"]}),
        invalid_value(),
    ));
    cases.push(Case::post(
        "query: POST /Users/.search count 99999999999999999999",
        USERS_SEARCH,
        serde_json::from_str::<Value>(&format!(
            r#"{{"schemas":["{SEARCH}"],"count":99999999999999999999}}"#
        ))
        .unwrap(),
        invalid_value(),
    ));
    for (label, filter) in [
        ("a trailing or 1=1", "userName eq \"x\" or 1=1"),
        (
            "a trailing ; DROP TABLE users",
            "userName eq \"x\"; DROP TABLE users",
        ),
        (
            "a closing parenthesis and or",
            "userName eq \"x\") or (userName pr",
        ),
        (
            "an attribute name with SQL",
            "userName;DROP TABLE users eq \"x\"",
        ),
        ("an unquoted value with a quote", "userName eq x' OR '1'='1"),
        ("a comment", "userName eq \"x\" --"),
    ] {
        cases.push(Case::get(
            format!("filter: GET /Users, {label}"),
            &filtered(USERS, filter),
            invalid_filter(),
        ));
    }
    let long_value = format!(
        "userName eq \"{}\"",
        "a".repeat(100_000 - "userName eq \"\"".len())
    );
    assert_eq!(long_value.len(), 100_000);
    cases.push(Case::post(
        "filter: POST /Users/.search, a filter of 100,000 chars (one long value)",
        USERS_SEARCH,
        search(&long_value),
        invalid_filter(),
    ));
    cases.push(Case::post(
        "filter: POST /.search, a filter of 100,000 chars (one long value)",
        ROOT_SEARCH,
        search(&long_value.replace("userName", "displayName")),
        invalid_filter(),
    ));
    let inner = "userName eq \"x\"";
    let parens = (100_000 - inner.len()) / 2;
    let nested = format!("{}{inner}{}", "(".repeat(parens), ")".repeat(parens));
    cases.push(Case::post(
        "filter: POST /Users/.search, a filter of 100,000 chars (nested parentheses)",
        USERS_SEARCH,
        search(&nested),
        invalid_filter(),
    ));
    let nots = "not (".repeat(20_000);
    cases.push(Case::post(
        "filter: POST /Users/.search, 20,000 nested nots",
        USERS_SEARCH,
        search(&format!("{nots}{inner}{}", ")".repeat(20_000))),
        invalid_filter(),
    ));
    // `or`s of different attributes, so nothing folds into one IN (…).
    let ors = |operators: usize| {
        let attributes = [
            "userName",
            "externalId",
            "displayName",
            "name.familyName",
            "title",
            "nickName",
        ];
        (0..=operators)
            .map(|i| format!("{} eq \"v{i}\"", attributes[i % attributes.len()]))
            .collect::<Vec<_>>()
            .join(" or ")
    };
    let limit = gatehouse::scim::filter::MAX_OPERATORS;
    let over = ors(limit + 1);
    cases.push(Case::post(
        format!(
            "filter: POST /Users/.search, {} ors of different attributes",
            limit + 1
        ),
        USERS_SEARCH,
        search(&over),
        invalid_filter(),
    ));
    cases.push(Case::get(
        format!(
            "filter: GET /Users, {} ors of different attributes",
            limit + 1
        ),
        &filtered(USERS, &over),
        invalid_filter(),
    ));
    cases.push(Case::post(
        format!(
            "filter: POST /.search, {} ors of displayName/externalId",
            limit + 1
        ),
        ROOT_SEARCH,
        search(
            &(0..=limit + 1)
                .map(|i| {
                    let attribute = if i % 2 == 0 {
                        "displayName"
                    } else {
                        "externalId"
                    };
                    format!("{attribute} eq \"v{i}\"")
                })
                .collect::<Vec<_>>()
                .join(" or "),
        ),
        invalid_filter(),
    ));
    cases.push(Case::post(
        format!("filter (control): POST /Users/.search, {limit} ors of different attributes"),
        USERS_SEARCH,
        search(&ors(limit)),
        Expect::Empty,
    ));
    cases
}
