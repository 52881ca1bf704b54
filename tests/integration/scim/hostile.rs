//! Hostile input on every SCIM route, as one table. Each row is refused
//! with an RFC 7644 §3.12 error body (a 4xx, never a 5xx, never a 2xx),
//! unless the row says it is legitimately accepted, and then what was
//! accepted reads back exactly. After the table the server is healthy and
//! what was stored before it is untouched. Failures are collected, so one
//! run shows every failing row.

use actix_web::http::Method;
use gatehouse::scim::validate::MAX_KEY_CHARS;
use serde_json::{json, Value};

use super::{filter_query, user_body, ENTERPRISE, ERROR, GROUP, USER};
use crate::support::app::{TestRequest, TestResponse};
use crate::support::TestApp;

const SEARCH: &str = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";
const PATCH_OP: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const BULK: &str = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";
const BULK_RESPONSE: &str = "urn:ietf:params:scim:api:messages:2.0:BulkResponse";
const LIST: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";

const USERS: &str = "/scim/v2/Users";
const GROUPS: &str = "/scim/v2/Groups";
const ROOT_SEARCH: &str = "/scim/v2/.search";
const USERS_SEARCH: &str = "/scim/v2/Users/.search";
const GROUPS_SEARCH: &str = "/scim/v2/Groups/.search";
const BULK_PATH: &str = "/scim/v2/Bulk";

/// A registered extension: its singular strings are indexed, so their
/// length is limited like `userName`'s.
const REGISTERED: &str = "urn:ietf:params:scim:schemas:extension:Hostile:2.0:User";

/// A string with a NUL (U+0000) inside.
const NUL: &str = "a\u{0}b";

/// The SQL metacharacters every string must survive.
const SQL: [&str; 6] = [
    "'; DROP TABLE users; --",
    "\" OR 1=1 --",
    "\\",
    "\\\\",
    "%",
    "_",
];

/// What a row must get back.
#[derive(Debug, Clone)]
enum Expect {
    /// An RFC 7644 §3.12 error: this status (any 4xx when `None`) and this
    /// `scimType` (when `Some`); as many users and groups as before.
    Refused(Option<u16>, Option<&'static str>),
    /// 201; the string at `pointer` is `value` in the answer and in a GET
    /// of the new resource, and `<filter> eq "<value>"` finds it alone.
    Stored {
        pointer: String,
        value: String,
        filter: Option<String>,
    },
    /// 200, a ListResponse with no resources and `totalResults` 0.
    Empty,
    /// 200, a ListResponse with no resources on the page (count=0) and
    /// every resource counted in `totalResults`.
    EmptyPage,
    /// 200, a ListResponse of exactly the resources whose string at the
    /// JSON pointer is one of these.
    Found(&'static str, Vec<String>),
    /// Refused as `Refused` is, either the whole request, or, in a 200
    /// BulkResponse, its one operation (with an RFC 7644 error `response`);
    /// as many users and groups as before.
    BulkRefused(Option<u16>, Option<&'static str>),
}

fn refused(status: u16, scim_type: &'static str) -> Expect {
    Expect::Refused(Some(status), Some(scim_type))
}

#[derive(Debug, Clone)]
enum Body {
    None,
    Json(Value),
    Raw(Vec<u8>),
}

#[derive(Debug, Clone)]
struct Case {
    name: String,
    method: Method,
    path: String,
    body: Body,
    expect: Expect,
}

impl Case {
    fn new(
        name: impl Into<String>,
        method: Method,
        path: &str,
        body: Body,
        expect: Expect,
    ) -> Case {
        Case {
            name: name.into(),
            method,
            path: path.to_owned(),
            body,
            expect,
        }
    }

    fn get(name: impl Into<String>, path: &str, expect: Expect) -> Case {
        Case::new(name, Method::GET, path, Body::None, expect)
    }

    fn delete(name: impl Into<String>, path: &str, expect: Expect) -> Case {
        Case::new(name, Method::DELETE, path, Body::None, expect)
    }

    fn post(name: impl Into<String>, path: &str, body: Value, expect: Expect) -> Case {
        Case::new(name, Method::POST, path, Body::Json(body), expect)
    }

    fn put(name: impl Into<String>, path: &str, body: Value, expect: Expect) -> Case {
        Case::new(name, Method::PUT, path, Body::Json(body), expect)
    }

    fn patch(name: impl Into<String>, path: &str, operations: Value, expect: Expect) -> Case {
        let body = json!({"schemas": [PATCH_OP], "Operations": operations});
        Case::new(name, Method::PATCH, path, Body::Json(body), expect)
    }

    fn raw(
        name: impl Into<String>,
        method: Method,
        path: &str,
        body: impl Into<Vec<u8>>,
        expect: Expect,
    ) -> Case {
        Case::new(name, method, path, Body::Raw(body.into()), expect)
    }
}

/// Unique, harmless user names (no `%`, `_` or `\`, which the LIKE rows
/// count).
struct Names(usize);

impl Names {
    fn next(&mut self) -> String {
        self.0 += 1;
        format!("hostile{}@acme.test", self.0)
    }

    /// A valid user body with a fresh name.
    fn user(&mut self) -> Value {
        user_body(&self.next())
    }

    /// A valid user body with `value` at `pointer`.
    fn user_with(&mut self, pointer: &str, value: Value) -> Value {
        set(self.user(), pointer, value)
    }
}

/// `body` with `value` at the JSON pointer `pointer` (objects are made on
/// the way; array elements must exist).
fn set(mut body: Value, pointer: &str, value: Value) -> Value {
    let mut at = &mut body;
    for key in pointer.split('/').skip(1) {
        at = match key.parse::<usize>() {
            Ok(i) => &mut at[i],
            Err(_) => &mut at[key],
        };
    }
    *at = value;
    body
}

fn group(display_name: &str) -> Value {
    json!({"schemas": [GROUP], "displayName": display_name})
}

fn search(filter: &str) -> Value {
    json!({"schemas": [SEARCH], "filter": filter})
}

fn bulk(operation: Value) -> Value {
    json!({"schemas": [BULK], "Operations": [operation]})
}

/// `filter` as a query string.
fn filtered(path: &str, filter: &str) -> String {
    format!("{path}?filter={}", filter_query(filter))
}

/// `text` as a filter's string literal (a JSON string).
fn literal(text: &str) -> String {
    Value::String(text.to_owned()).to_string()
}

/// Percent-encodes every byte of `text` outside RFC 3986's unreserved set,
/// for a path segment.
fn segment(text: &[u8]) -> String {
    text.iter()
        .map(|&b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A user body as JSON text, with `raw` (JSON text, e.g. an escape serde
/// would never write) as the value of `key`.
fn user_text_with(names: &mut Names, key: &str, raw: &str) -> String {
    let body = names.user_with(&format!("/{key}"), json!("@@RAW@@"));
    body.to_string().replace("\"@@RAW@@\"", raw)
}

/// A user body as bytes, with `bytes` (not UTF-8) inside the userName.
fn user_bytes_with(names: &mut Names, bytes: &[u8]) -> Vec<u8> {
    let text = names.user_with("/userName", json!("@@RAW@@")).to_string();
    let (before, after) = text.split_once("@@RAW@@").unwrap();
    [before.as_bytes(), bytes, after.as_bytes()].concat()
}

/// Every row, in order: the filter rows that must find nothing come before
/// the rows that store the same strings, and the rows that count what
/// those stored come last.
fn cases(user_id: &str, group_id: &str, max_payload: usize) -> Vec<Case> {
    let mut names = Names(0);
    let user = format!("{USERS}/{user_id}");
    let grp = format!("{GROUPS}/{group_id}");
    let mut cases = Vec::new();
    let invalid_value = || refused(400, "invalidValue");
    let invalid_syntax = || refused(400, "invalidSyntax");
    let invalid_filter = || refused(400, "invalidFilter");
    let any_4xx = || Expect::Refused(None, None);

    // --- NUL (U+0000) ---------------------------------------------------
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
        &user,
        set(user_body("baseline@acme.test"), "/userName", json!(NUL)),
        invalid_value(),
    ));
    cases.push(Case::put(
        "nul: PUT group, NUL in displayName",
        &grp,
        group(NUL),
        invalid_value(),
    ));
    cases.push(Case::patch(
        "nul: PATCH user, NUL in a replace value",
        &user,
        json!([{"op": "replace", "path": "displayName", "value": NUL}]),
        invalid_value(),
    ));
    cases.push(Case::patch(
        "nul: PATCH user, NUL in a path-less add value",
        &user,
        json!([{"op": "add", "value": {"nickName": NUL}}]),
        invalid_value(),
    ));
    cases.push(Case::patch(
        "nul: PATCH user, NUL in a value-filter path's value",
        &user,
        json!([{"op": "replace", "path": "emails[type eq \"work\"].value", "value": NUL}]),
        invalid_value(),
    ));
    cases.push(Case::patch(
        "nul: PATCH user, NUL in userName",
        &user,
        json!([{"op": "replace", "path": "userName", "value": NUL}]),
        invalid_value(),
    ));
    cases.push(Case::patch(
        "nul: PATCH user, NUL in the path",
        &user,
        json!([{"op": "replace", "path": "title\u{0}", "value": "x"}]),
        Expect::Refused(Some(400), None),
    ));
    cases.push(Case::patch(
        "nul: PATCH group, NUL in displayName",
        &grp,
        json!([{"op": "replace", "path": "displayName", "value": NUL}]),
        invalid_value(),
    ));
    cases.push(Case::patch(
        "nul: PATCH group, NUL in a member value",
        &grp,
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

    // --- Over-long indexed strings ---------------------------------------
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
            &user,
            set(user_body("baseline@acme.test"), "/userName", json!(text)),
            invalid_value(),
        ));
        cases.push(Case::patch(
            format!("long: PATCH user, userName of {size}"),
            &user,
            json!([{"op": "replace", "path": "userName", "value": text}]),
            invalid_value(),
        ));
        cases.push(Case::patch(
            format!("long: PATCH user, emails[type eq \"work\"].value of {size}"),
            &user,
            json!([{"op": "replace", "path": "emails[type eq \"work\"].value", "value": text}]),
            invalid_value(),
        ));
        cases.push(Case::patch(
            format!("long: PATCH user, path-less externalId of {size}"),
            &user,
            json!([{"op": "replace", "value": {"externalId": text}}]),
            invalid_value(),
        ));
        cases.push(Case::put(
            format!("long: PUT group, displayName of {size}"),
            &grp,
            group(text),
            invalid_value(),
        ));
        cases.push(Case::patch(
            format!("long: PATCH group, displayName of {size}"),
            &grp,
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

    // --- Deep JSON, huge bodies, bytes that are not UTF-8, not JSON ------
    let depth = 10_000;
    let arrays = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let objects = format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth));
    for (shape, deep) in [("arrays", &arrays), ("objects", &objects)] {
        cases.push(Case::raw(
            format!("deep: POST user, title nested {depth} {shape} deep"),
            Method::POST,
            USERS,
            user_text_with(&mut names, "title", deep),
            invalid_syntax(),
        ));
        cases.push(Case::raw(
            format!("deep: PUT user, title nested {depth} {shape} deep"),
            Method::PUT,
            &user,
            set(user_body("baseline@acme.test"), "/title", json!("@@RAW@@"))
                .to_string()
                .replace("\"@@RAW@@\"", deep),
            invalid_syntax(),
        ));
        cases.push(Case::raw(
            format!("deep: PATCH user, a value nested {depth} {shape} deep"),
            Method::PATCH,
            &user,
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
        big_user(&mut names, just_over),
        Expect::Refused(Some(413), None),
    ));
    cases.push(Case::raw(
        "huge: POST user of 4 MiB",
        Method::POST,
        USERS,
        big_user(&mut names, 4 << 20),
        Expect::Refused(Some(413), None),
    ));
    cases.push(Case::raw(
        format!("huge: PUT user of {just_over} bytes"),
        Method::PUT,
        &user,
        big_user(&mut names, just_over),
        Expect::Refused(Some(413), None),
    ));
    cases.push(Case::patch(
        format!("huge: PATCH user with a value of {max_payload} bytes"),
        &user,
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
            user_bytes_with(&mut names, bytes),
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
        &user,
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
        &user,
        as_array,
        invalid_syntax(),
    ));
    for (method, path, label) in [
        (Method::PATCH, user.as_str(), "PATCH user"),
        (Method::PUT, grp.as_str(), "PUT group"),
        (Method::PATCH, grp.as_str(), "PATCH group"),
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

    // --- SQL metacharacters ----------------------------------------------
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

    // --- sortBy, attributes, paging and filter injection ------------------
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

    // --- Unicode oddities --------------------------------------------------
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
            user_text_with(&mut names, "userName", escape),
            invalid_syntax(),
        ));
    }
    cases.push(Case::raw(
        "unicode: PATCH user, a lone surrogate in a value",
        Method::PATCH,
        &user,
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
        user_text_with(&mut names, "userName", r#""pair\ud835\udd18@acme.test""#),
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

fn refused_status(status: u16) -> Expect {
    Expect::Refused(Some(status), None)
}

/// Sends `request`; a client that gets no answer (the connection dropped,
/// a timeout) is a failing row, not a failing test.
async fn answer(request: TestRequest) -> Result<TestResponse, String> {
    actix_web::rt::spawn(request.send()).await.map_err(|e| {
        let why = if e.is_panic() {
            let panic = e.into_panic();
            panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default()
        } else {
            e.to_string()
        };
        format!("no HTTP answer: {why}")
    })
}

fn request(app: &TestApp, method: Method, path: &str, body: &Body) -> TestRequest {
    let request = app.request(method, path);
    match body {
        Body::None => request,
        Body::Json(v) => request.json(v),
        Body::Raw(b) => request.raw("application/scim+json", b.clone()),
    }
}

/// How many users and groups the directory holds.
async fn totals(app: &TestApp) -> Result<(Value, Value), String> {
    let mut out = Vec::new();
    for path in ["/scim/v2/Users?count=0", "/scim/v2/Groups?count=0"] {
        let r = answer(app.request(Method::GET, path)).await?;
        if r.status != 200 {
            return Err(format!(
                "GET {path} answered {}: {}",
                r.status,
                clip(&r.text)
            ));
        }
        out.push(r.json["totalResults"].clone());
    }
    Ok((out[0].clone(), out[1].clone()))
}

fn clip(text: &str) -> String {
    const MAX: usize = 400;
    if text.chars().count() <= MAX {
        text.to_owned()
    } else {
        let head: String = text.chars().take(MAX).collect();
        format!("{head}… ({} bytes)", text.len())
    }
}

/// What is wrong with an RFC 7644 §3.12 error body.
fn error_problems(
    body: &Value,
    http_status: u16,
    status: Option<u16>,
    scim_type: Option<&str>,
) -> Vec<String> {
    let mut problems = Vec::new();
    if http_status < 400 {
        let want = status.map_or("a 4xx".to_owned(), |s| s.to_string());
        return vec![format!("status {http_status}, want {want}")];
    }
    match status {
        Some(s) if http_status != s => problems.push(format!("status {http_status}, want {s}")),
        None if !(400..500).contains(&http_status) => {
            problems.push(format!("status {http_status}, want a 4xx"));
        }
        _ => {}
    }
    if body["schemas"] != json!([ERROR]) {
        problems.push(format!(
            "schemas is {}, want [\"{ERROR}\"]",
            body["schemas"]
        ));
    }
    if body["status"] != json!(http_status.to_string()) {
        problems.push(format!(
            "status member is {}, want \"{http_status}\"",
            body["status"]
        ));
    }
    if body["detail"].as_str().is_none_or(|d| d.is_empty()) {
        problems.push("no detail".into());
    }
    if let Some(t) = scim_type {
        if body["scimType"] != t {
            problems.push(format!("scimType is {}, want \"{t}\"", body["scimType"]));
        }
    }
    problems
}

fn list_problems(r: &TestResponse) -> Vec<String> {
    let mut problems = Vec::new();
    if r.status != 200 {
        problems.push(format!("status {}, want 200", r.status));
    } else if r.json["schemas"] != json!([LIST]) {
        problems.push("not a ListResponse".into());
    }
    problems
}

/// Runs one row; what is wrong with the answer.
async fn check(app: &TestApp, case: &Case) -> Result<(), (String, Option<TestResponse>)> {
    let counts_before = match case.expect {
        Expect::Refused(..) | Expect::BulkRefused(..) => Some(
            totals(app)
                .await
                .map_err(|e| (format!("before the row: {e}"), None))?,
        ),
        _ => None,
    };
    let r = answer(request(app, case.method.clone(), &case.path, &case.body))
        .await
        .map_err(|e| (e, None))?;
    let mut problems = Vec::new();
    match &case.expect {
        Expect::Refused(status, scim_type) => {
            problems.extend(error_problems(&r.json, r.status, *status, *scim_type));
        }
        Expect::BulkRefused(status, scim_type) => {
            if r.status != 200 {
                // The whole request refused.
                problems.extend(error_problems(&r.json, r.status, *status, *scim_type));
            } else if r.json["schemas"] != json!([BULK_RESPONSE]) {
                problems.push("status 200 without a BulkResponse".into());
            } else {
                let op = &r.json["Operations"][0];
                let op_status = op["status"].as_str().and_then(|s| s.parse::<u16>().ok());
                match op_status {
                    None => problems.push(format!("operation status is {}", op["status"])),
                    Some(s) => {
                        let errors = error_problems(&op["response"], s, *status, *scim_type);
                        problems.extend(errors.into_iter().map(|e| format!("operation: {e}")));
                    }
                }
            }
        }
        Expect::Stored {
            pointer,
            value,
            filter,
        } => {
            if r.status != 201 {
                problems.push(format!("status {}, want 201", r.status));
            } else {
                let want = Value::String(value.clone());
                if r.json.pointer(pointer) != Some(&want) {
                    problems.push(format!(
                        "the answer's {pointer} is {:?}",
                        r.json.pointer(pointer)
                    ));
                }
                let id = r.json["id"].as_str().unwrap_or_default().to_owned();
                let read = answer(app.request(Method::GET, &format!("{}/{id}", case.path)))
                    .await
                    .map_err(|e| (e, None))?;
                if read.status != 200 || read.json.pointer(pointer) != Some(&want) {
                    problems.push(format!(
                        "GET answered {} with {pointer} {:?}",
                        read.status,
                        read.json.pointer(pointer)
                    ));
                }
                if let Some(attribute) = filter {
                    let filter = format!("{attribute} eq {}", literal(value));
                    let found = answer(app.request(Method::GET, &filtered(&case.path, &filter)))
                        .await
                        .map_err(|e| (e, None))?;
                    let ids: Vec<&Value> = found.json["Resources"]
                        .as_array()
                        .map(|a| a.iter().map(|r| &r["id"]).collect())
                        .unwrap_or_default();
                    if found.status != 200 || ids != [&json!(id)] {
                        problems.push(format!(
                            "the filter {} answered {} with {}",
                            clip(&filter),
                            found.status,
                            clip(&found.text)
                        ));
                    }
                }
            }
        }
        Expect::Empty => {
            problems.extend(list_problems(&r));
            if problems.is_empty()
                && (r.json["totalResults"] != 0 || r.json["Resources"] != json!([]))
            {
                problems.push("want no resources and totalResults 0".into());
            }
        }
        Expect::EmptyPage => {
            problems.extend(list_problems(&r));
            if problems.is_empty()
                && (r.json["Resources"] != json!([])
                    || r.json["totalResults"].as_u64().unwrap_or(0) == 0)
            {
                problems.push("want no resources on the page and every user counted".into());
            }
        }
        Expect::Found(key, names) => {
            problems.extend(list_problems(&r));
            if problems.is_empty() {
                let mut got: Vec<String> = r.json["Resources"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .map(|r| {
                                r.pointer(key)
                                    .and_then(Value::as_str)
                                    .unwrap_or("?")
                                    .to_owned()
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                got.sort();
                let mut want = names.clone();
                want.sort();
                if got != want || r.json["totalResults"] != want.len() {
                    problems.push(format!("found {got:?}, want {want:?}"));
                }
            }
        }
    }
    if let Some(before) = counts_before {
        match totals(app).await {
            Ok(after) if after != before => problems.push(format!(
                "users and groups went from {before:?} to {after:?}"
            )),
            Ok(_) => {}
            Err(e) => problems.push(format!("after the row: {e}")),
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err((problems.join("; "), Some(r)))
    }
}

#[actix_web::test]
async fn hostile_input_is_refused_cleanly_and_changes_nothing() {
    let app = TestApp::new().await;
    let spc = app.get("/scim/v2/ServiceProviderConfig").await;
    let max_payload = spc.json["bulk"]["maxPayloadSize"]
        .as_u64()
        .expect("maxPayloadSize is advertised") as usize;
    assert!(max_payload <= 1 << 20, "maxPayloadSize is {max_payload}");

    let schema = json!({"id": REGISTERED, "name": "HostileUser", "attributes": [
        {"name": "badge", "type": "string"},
    ]});
    let r = app.admin_post("/schemas", &schema).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json["indexed"], json!(["badge"]), "{}", r.text);

    let user = app.create_user("baseline@acme.test").await;
    let user_id = user["id"].as_str().unwrap().to_owned();
    let group = app.create_group("Baseline Group", &[&user_id]).await;
    let group_id = group["id"].as_str().unwrap().to_owned();
    let user_path = format!("{USERS}/{user_id}");
    let group_path = format!("{GROUPS}/{group_id}");
    let user_before = app.get(&user_path).await;
    let group_before = app.get(&group_path).await;
    assert_eq!(user_before.status, 200);
    assert_eq!(group_before.status, 200);

    let cases = cases(&user_id, &group_id, max_payload);
    let mut failures = Vec::new();
    for case in &cases {
        if let Err((why, r)) = check(&app, case).await {
            let got = r.map_or_else(String::new, |r| {
                format!("\n      got {}: {}", r.status, clip(&r.text))
            });
            failures.push(format!(
                "  [{}] {} {}\n      {why}{got}",
                case.name,
                case.method,
                clip(&case.path)
            ));
        }
    }

    // The server is healthy, and what was stored before is untouched.
    let health = answer(app.request(Method::GET, "/healthz")).await;
    if !matches!(&health, Ok(r) if r.status == 200) {
        failures.push(format!("  [after] GET /healthz: {health:?}"));
    }
    let fresh = answer(
        app.request(Method::POST, USERS)
            .json(&user_body("after@acme.test")),
    )
    .await;
    if !matches!(&fresh, Ok(r) if r.status == 201) {
        failures.push(format!("  [after] POST a normal user: {fresh:?}"));
    }
    for (label, path, before) in [
        ("user", &user_path, &user_before),
        ("group", &group_path, &group_before),
    ] {
        match answer(app.request(Method::GET, path)).await {
            Ok(r) if r.status == 200 && r.json == before.json => {}
            Ok(r) => failures.push(format!(
                "  [after] the baseline {label} changed:\n      before {}\n      after  {} {}",
                before.text, r.status, r.text
            )),
            Err(e) => failures.push(format!("  [after] GET the baseline {label}: {e}")),
        }
    }

    assert!(
        failures.is_empty(),
        "{} of {} rows (and after-checks) failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
