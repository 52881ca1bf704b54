//! The runner: sends one row, checks the answer against what the row
//! expects, and for a refused row checks that the directory holds as many
//! users and groups as before.

use actix_web::http::Method;
use serde_json::{json, Value};

use super::{filtered, literal, Body, Case, Expect};
use crate::scim::ERROR;
use crate::support::app::{TestRequest, TestResponse};
use crate::support::TestApp;

const BULK_RESPONSE: &str = "urn:ietf:params:scim:api:messages:2.0:BulkResponse";
const LIST: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";

/// Sends `request`; a client that gets no answer (the connection dropped,
/// a timeout) is a failing row, not a failing test.
pub(super) async fn answer(request: TestRequest) -> Result<TestResponse, String> {
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

pub(super) fn clip(text: &str) -> String {
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
pub(super) async fn check(
    app: &TestApp,
    case: &Case,
) -> Result<(), (String, Option<TestResponse>)> {
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
