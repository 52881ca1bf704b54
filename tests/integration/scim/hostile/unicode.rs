//! Unicode that is legal but odd, and JSON escapes that are not. Lone and
//! reversed surrogate escapes are refused 400, invalidSyntax in a body and
//! invalidFilter in a filter; an escaped surrogate pair, bidi overrides,
//! zero-width characters, a byte-order mark, a noncharacter, a combining
//! accent and a control character are stored and read back exactly, and
//! `eq` finds each alone.

use actix_web::http::Method;
use serde_json::json;

use super::{
    group, invalid_filter, invalid_syntax, search, user_text_with, Case, Expect, Names, GROUPS,
    PATCH_OP, USERS, USERS_SEARCH,
};
use crate::scim::GROUP;

pub(super) fn cases(names: &mut Names, user: &str) -> Vec<Case> {
    let mut cases = Vec::new();
    for (label, escape) in [
        (
            "a lone leading surrogate \\ud800",
            r#""a\ud800b@acme.test""#,
        ),
        (
            "a lone trailing surrogate \\udc00",
            r#""a\udc00b@acme.test""#,
        ),
        (
            "a reversed surrogate pair \\udc00\\ud800",
            r#""a\udc00\ud800b@acme.test""#,
        ),
        (
            "a leading surrogate at the end \\ud800",
            r#""ab@acme.test\ud800""#,
        ),
    ] {
        cases.push(Case::raw(
            format!("unicode: POST user, {label} in userName"),
            Method::POST,
            USERS,
            user_text_with(names, "userName", escape),
            invalid_syntax(),
        ));
    }
    cases.push(Case::raw(
        "unicode: PATCH user, a lone surrogate in a value",
        Method::PATCH,
        user,
        format!(
            r#"{{"schemas":["{PATCH_OP}"],"Operations":[{{"op":"replace","path":"displayName","value":"a\ud800"}}]}}"#
        ),
        invalid_syntax(),
    ));
    cases.push(Case::raw(
        "unicode: POST group, a lone surrogate in a key",
        Method::POST,
        GROUPS,
        format!(r#"{{"schemas":["{GROUP}"],"displayName":"Surrogates","a\ud800":1}}"#),
        invalid_syntax(),
    ));
    cases.push(Case::post(
        "unicode: POST /Users/.search, a lone surrogate escape in the filter",
        USERS_SEARCH,
        search(r#"userName eq "a\ud800b""#),
        invalid_filter(),
    ));
    cases.push(Case::raw(
        "unicode: POST user, an escaped surrogate pair (\\ud835\\udd18) is stored as 𝔘",
        Method::POST,
        USERS,
        user_text_with(names, "userName", r#""pair\ud835\udd18@acme.test""#),
        Expect::Stored {
            pointer: "/userName".into(),
            value: "pair𝔘@acme.test".into(),
            filter: Some("userName".to_owned()),
        },
    ));
    for (label, pointer, filter, value) in [
        (
            "RTL override in userName",
            "/userName",
            "userName",
            "rtl\u{202e}txt.exe@acme.test",
        ),
        (
            "RTL and LTR embeddings in displayName",
            "/displayName",
            "displayName",
            "\u{202b}Admin\u{202c}\u{202a}istrator\u{202c}",
        ),
        (
            "zero-width space, non-joiner and joiner in userName",
            "/userName",
            "userName",
            "zero\u{200b}wi\u{200c}dth\u{200d}@acme.test",
        ),
        (
            "a byte-order mark in userName",
            "/userName",
            "userName",
            "\u{feff}bom@acme.test",
        ),
        (
            "a zero-width space beside an existing userName",
            "/userName",
            "userName",
            "baseline\u{200b}@acme.test",
        ),
        (
            "a noncharacter U+FFFF in displayName",
            "/displayName",
            "displayName",
            "non\u{ffff}char",
        ),
        (
            "a combining accent in userName",
            "/userName",
            "userName",
            "jose\u{301}@acme.test",
        ),
        (
            "a control character U+0001 in displayName",
            "/displayName",
            "displayName",
            "ctl\u{1}char",
        ),
    ] {
        cases.push(Case::post(
            format!("unicode: POST user, {label} is stored exactly"),
            USERS,
            names.user_with(pointer, json!(value)),
            Expect::Stored {
                pointer: pointer.into(),
                value: value.into(),
                filter: Some(filter.to_owned()),
            },
        ));
    }
    cases.push(Case::post(
        "unicode: POST group, RTL override in displayName is stored exactly",
        GROUPS,
        group("Grp\u{202e}nimda"),
        Expect::Stored {
            pointer: "/displayName".into(),
            value: "Grp\u{202e}nimda".into(),
            filter: Some("displayName".to_owned()),
        },
    ));
    cases
}
