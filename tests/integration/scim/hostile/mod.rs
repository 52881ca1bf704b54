//! Hostile input on every SCIM route, as one table. Each row is refused
//! with an RFC 7644 §3.12 error body (a 4xx, never a 5xx, never a 2xx),
//! unless the row says it is legitimately accepted, and then what was
//! accepted reads back exactly. After the table the server is healthy and
//! what was stored before it is untouched. Failures are collected, so one
//! run shows every failing row.
//!
//! The rows are in one module per class of input; the runner that checks
//! a row against what it expects is in `runner`.

mod json;
mod lengths;
mod nul;
mod params;
mod runner;
mod sql;
mod unicode;

use actix_web::http::Method;
use serde_json::{json, Value};

use super::{filter_query, user_body, GROUP};
use crate::support::TestApp;
use runner::{answer, check, clip};

const SEARCH: &str = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";
const PATCH_OP: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const BULK: &str = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";

const USERS: &str = "/scim/v2/Users";
const GROUPS: &str = "/scim/v2/Groups";
const ROOT_SEARCH: &str = "/scim/v2/.search";
const USERS_SEARCH: &str = "/scim/v2/Users/.search";
const GROUPS_SEARCH: &str = "/scim/v2/Groups/.search";
const BULK_PATH: &str = "/scim/v2/Bulk";

/// A registered extension: its singular strings are indexed, so their
/// length is limited like `userName`'s.
const REGISTERED: &str = "urn:ietf:params:scim:schemas:extension:Hostile:2.0:User";

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

fn refused_status(status: u16) -> Expect {
    Expect::Refused(Some(status), None)
}

fn invalid_value() -> Expect {
    refused(400, "invalidValue")
}

fn invalid_syntax() -> Expect {
    refused(400, "invalidSyntax")
}

fn invalid_filter() -> Expect {
    refused(400, "invalidFilter")
}

fn any_4xx() -> Expect {
    Expect::Refused(None, None)
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
    cases.extend(nul::cases(&mut names, &user, &grp));
    cases.extend(lengths::cases(&mut names, &user, &grp));
    cases.extend(json::cases(&mut names, &user, &grp, max_payload));
    cases.extend(sql::cases(&mut names));
    cases.extend(params::cases());
    cases.extend(unicode::cases(&mut names, &user));
    cases
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
