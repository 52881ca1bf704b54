//! Bodies that are not a SCIM resource: JSON nested 10,000 deep, bodies
//! over `maxPayloadSize`, bytes that are not UTF-8, and text that is not
//! JSON or is JSON of the wrong shape. Deep, broken and not-UTF-8 bodies
//! are refused 400 invalidSyntax, too-large ones 413, bytes that are not
//! UTF-8 in the URL a 4xx. A roles string holding JSON text nested
//! 10,000 deep (Entra sends roles as JSON text) is accepted and reads back
//! as that text.

use actix_web::http::Method;
use serde_json::json;

use super::{
    any_4xx, bulk, invalid_syntax, set, user_bytes_with, user_text_with, Case, Expect, Names, BULK,
    BULK_PATH, GROUPS, PATCH_OP, ROOT_SEARCH, SEARCH, USERS, USERS_SEARCH,
};
use crate::scim::{user_body, GROUP};

pub(super) fn cases(names: &mut Names, user: &str, grp: &str, max_payload: usize) -> Vec<Case> {
    let mut cases = Vec::new();
    let depth = 10_000;
    let arrays = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let objects = format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth));
    for (shape, deep) in [("arrays", &arrays), ("objects", &objects)] {
        cases.push(Case::raw(
            format!("deep: POST user, title nested {depth} {shape} deep"),
            Method::POST,
            USERS,
            user_text_with(names, "title", deep),
            invalid_syntax(),
        ));
        cases.push(Case::raw(
            format!("deep: PUT user, title nested {depth} {shape} deep"),
            Method::PUT,
            user,
            set(user_body("baseline@acme.test"), "/title", json!("@@RAW@@"))
                .to_string()
                .replace("\"@@RAW@@\"", deep),
            invalid_syntax(),
        ));
        cases.push(Case::raw(
            format!("deep: PATCH user, a value nested {depth} {shape} deep"),
            Method::PATCH,
            user,
            format!(
                r#"{{"schemas":["{PATCH_OP}"],"Operations":[{{"op":"replace","path":"title","value":{deep}}}]}}"#
            ),
            invalid_syntax(),
        ));
        cases.push(Case::raw(
            format!("deep: POST /Users/.search, a member nested {depth} {shape} deep"),
            Method::POST,
            USERS_SEARCH,
            format!(r#"{{"schemas":["{SEARCH}"],"filter":"userName pr","x":{deep}}}"#),
            invalid_syntax(),
        ));
        cases.push(Case::raw(
            format!("deep: POST /Bulk, data nested {depth} {shape} deep"),
            Method::POST,
            BULK_PATH,
            format!(
                r#"{{"schemas":["{BULK}"],"Operations":[{{"method":"POST","path":"/Users","bulkId":"d","data":{deep}}}]}}"#
            ),
            invalid_syntax(),
        ));
        cases.push(Case::raw(
            format!("deep: POST group, members nested {depth} {shape} deep"),
            Method::POST,
            GROUPS,
            format!(r#"{{"schemas":["{GROUP}"],"displayName":"Deep","members":{deep}}}"#),
            invalid_syntax(),
        ));
    }
    cases.push(Case::raw(
        format!("deep: POST user, {depth} unclosed ["),
        Method::POST,
        USERS,
        "[".repeat(depth),
        invalid_syntax(),
    ));
    // JSON text inside a string, which the server decodes (Entra's roles).
    cases.push(Case::post(
        format!("deep: POST user, roles as JSON text nested {depth} arrays deep"),
        USERS,
        names.user_with("/roles", json!(arrays)),
        Expect::Stored {
            pointer: "/roles/0/value".into(),
            value: arrays.clone(),
            filter: None,
        },
    ));
    let big_user = |names: &mut Names, size: usize| -> Vec<u8> {
        let text = names.user_with("/title", json!("")).to_string();
        let pad = size.saturating_sub(text.len());
        text.replace(
            "\"title\":\"\"",
            &format!("\"title\":\"{}\"", "x".repeat(pad)),
        )
        .into_bytes()
    };
    let just_over = max_payload + 1;
    cases.push(Case::raw(
        format!("huge: POST user of maxPayloadSize + 1 ({just_over}) bytes"),
        Method::POST,
        USERS,
        big_user(names, just_over),
        Expect::Refused(Some(413), None),
    ));
    cases.push(Case::raw(
        "huge: POST user of 4 MiB",
        Method::POST,
        USERS,
        big_user(names, 4 << 20),
        Expect::Refused(Some(413), None),
    ));
    cases.push(Case::raw(
        format!("huge: PUT user of {just_over} bytes"),
        Method::PUT,
        user,
        big_user(names, just_over),
        Expect::Refused(Some(413), None),
    ));
    cases.push(Case::patch(
        format!("huge: PATCH user with a value of {max_payload} bytes"),
        user,
        json!([{"op": "replace", "path": "title", "value": "x".repeat(max_payload)}]),
        Expect::Refused(Some(413), None),
    ));
    cases.push(Case::post(
        format!("huge: POST group of over {max_payload} bytes"),
        GROUPS,
        json!({"schemas": [GROUP], "displayName": "Huge", "x": "x".repeat(max_payload)}),
        Expect::Refused(Some(413), None),
    ));
    cases.push(Case::post(
        format!("huge: POST /.search of over {max_payload} bytes"),
        ROOT_SEARCH,
        json!({"schemas": [SEARCH], "filter": "userName pr", "x": "x".repeat(max_payload)}),
        Expect::Refused(Some(413), None),
    ));
    cases.push(Case::post(
        format!("huge: POST /Bulk of over {max_payload} bytes"),
        BULK_PATH,
        bulk(json!({"method": "POST", "path": "/Users", "bulkId": "h",
            "data": names.user_with("/title", json!("x".repeat(max_payload)))})),
        Expect::Refused(Some(413), None),
    ));
    for (label, bytes) in [
        ("0xFF 0xFE", &b"a\xff\xfeb"[..]),
        ("an overlong NUL (0xC0 0x80)", b"a\xc0\x80b"),
        (
            "a UTF-8-encoded surrogate (0xED 0xA0 0x80)",
            b"a\xed\xa0\x80b",
        ),
        ("a truncated sequence (0xE2 0x82)", b"a\xe2\x82"),
    ] {
        cases.push(Case::raw(
            format!("utf8: POST user, {label} in userName"),
            Method::POST,
            USERS,
            user_bytes_with(names, bytes),
            invalid_syntax(),
        ));
    }
    let mut patch_bytes = format!(
        r#"{{"schemas":["{PATCH_OP}"],"Operations":[{{"op":"replace","path":"displayName","value":"a"#
    )
    .into_bytes();
    patch_bytes.extend_from_slice(b"\xff\"}]}");
    cases.push(Case::raw(
        "utf8: PATCH user, 0xFF in a value",
        Method::PATCH,
        user,
        patch_bytes,
        invalid_syntax(),
    ));
    let mut search_bytes = br#"{"filter":"userName eq \"a"#.to_vec();
    search_bytes.extend_from_slice(b"\xff\\\"\"}");
    cases.push(Case::raw(
        "utf8: POST /Users/.search, 0xFF in the filter",
        Method::POST,
        USERS_SEARCH,
        search_bytes,
        invalid_syntax(),
    ));
    let mut key_bytes = format!(r#"{{"schemas":["{GROUP}"],"displayName":"Bytes","a"#).into_bytes();
    key_bytes.extend_from_slice(b"\xff\":1}");
    cases.push(Case::raw(
        "utf8: POST group, 0xFF in a key",
        Method::POST,
        GROUPS,
        key_bytes,
        invalid_syntax(),
    ));
    cases.push(Case::get(
        "utf8: GET /Users/%FF%FE",
        "/scim/v2/Users/%FF%FE",
        any_4xx(),
    ));
    cases.push(Case::get(
        "utf8: GET /Users filter with %FF in the value",
        "/scim/v2/Users?filter=userName+eq+%22a%FFb%22",
        Expect::Refused(Some(400), None),
    ));
    for (label, text) in [
        ("not JSON", "not json at all"),
        ("broken JSON", "{not json"),
        ("truncated JSON", "{\"schemas\":"),
        ("XML", "<User><userName>x</userName></User>"),
        ("a JSON array", "[]"),
        ("a JSON string", "\"user\""),
        ("JSON null", "null"),
        ("a JSON number", "42"),
    ] {
        cases.push(Case::raw(
            format!("syntax: POST user, {label}"),
            Method::POST,
            USERS,
            text,
            invalid_syntax(),
        ));
    }
    let as_array = json!([names.user()]).to_string();
    cases.push(Case::raw(
        "syntax: POST user, an array holding a user",
        Method::POST,
        USERS,
        as_array.clone(),
        invalid_syntax(),
    ));
    cases.push(Case::raw(
        "syntax: PUT user, an array holding a user",
        Method::PUT,
        user,
        as_array,
        invalid_syntax(),
    ));
    for (method, path, label) in [
        (Method::PATCH, user, "PATCH user"),
        (Method::PUT, grp, "PUT group"),
        (Method::PATCH, grp, "PATCH group"),
        (Method::POST, GROUPS, "POST group"),
        (Method::POST, USERS_SEARCH, "POST /Users/.search"),
        (Method::POST, ROOT_SEARCH, "POST /.search"),
        (Method::POST, BULK_PATH, "POST /Bulk"),
    ] {
        cases.push(Case::raw(
            format!("syntax: {label}, not JSON"),
            method.clone(),
            path,
            "not json at all",
            invalid_syntax(),
        ));
        cases.push(Case::raw(
            format!("syntax: {label}, a JSON array"),
            method,
            path,
            "[{}]",
            invalid_syntax(),
        ));
    }
    cases
}
