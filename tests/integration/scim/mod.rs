//! SCIM endpoints, as identity providers call them.

mod active_filter;
mod auth;
mod bulk;
mod case_folding;
mod cursor;
mod discovery;
mod email_filter;
mod entitlements_shown;
mod errors;
mod extensions;
mod filters;
mod group_filter;
mod groups;
mod holder_filter;
mod hostile;
mod large_groups;
mod leniency;
mod long_filters;
mod modified_counts;
mod page_access;
mod paging;
mod patch;
mod queries;
mod search;
mod users;
mod value_counts;

use serde_json::{json, Value};

pub const USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
pub const GROUP: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
pub const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
pub const ACCESS: &str = "urn:gatehouse:scim:schemas:extension:access:1.0:User";
pub const ERROR: &str = "urn:ietf:params:scim:api:messages:2.0:Error";

/// A user as Okta sends it on create.
pub fn user_body(user_name: &str) -> Value {
    json!({
        "schemas": [USER, ENTERPRISE],
        "userName": user_name,
        "name": {"givenName": "Given", "familyName": "Family"},
        "emails": [{"value": user_name, "type": "work", "primary": true}],
        "displayName": format!("Display {user_name}"),
        "active": true,
        "password": "Sup3r-secret!",
        ENTERPRISE: {"department": "Engineering", "employeeNumber": "42"}
    })
}

/// The exact RFC 7644 §3.12 error body.
pub fn error_body(status: u16, scim_type: Option<&str>, detail: &str) -> Value {
    let mut v = json!({"schemas": [ERROR], "status": status.to_string(), "detail": detail});
    if let Some(t) = scim_type {
        v["scimType"] = t.into();
    }
    v
}

/// URL-encodes a filter for a query string.
pub fn filter_query(filter: &str) -> String {
    url::form_urlencoded::byte_serialize(filter.as_bytes()).collect()
}

/// The sorted `value`s of a multi-valued attribute's elements (a user's
/// `entitlements`, a group's `members`); none when it is absent.
pub fn sorted_values(list: &Value) -> Vec<String> {
    let mut v: Vec<String> = list
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| e["value"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Creates a user of each of `names` through `/Bulk`, a thousand to a
/// request (the `i`th displayed as "Member i"); their ids, in order.
pub async fn bulk_users(
    app: &crate::support::TestApp,
    names: impl IntoIterator<Item = String>,
) -> Vec<String> {
    let users = names.into_iter().enumerate().map(|(i, name)| {
        json!({"schemas": [USER], "userName": name, "displayName": format!("Member {i}")})
    });
    bulk_create_users(app, users).await
}

/// Creates each of `users` (bodies of `POST /Users`) through `/Bulk`, a
/// thousand to a request; their ids, in order.
pub async fn bulk_create_users(
    app: &crate::support::TestApp,
    users: impl IntoIterator<Item = Value>,
) -> Vec<String> {
    let users: Vec<Value> = users.into_iter().collect();
    let mut ids = Vec::with_capacity(users.len());
    for (at, chunk) in users.chunks(1000).enumerate() {
        let operations: Vec<Value> = chunk
            .iter()
            .enumerate()
            .map(|(i, data)| {
                json!({"method": "POST", "path": "/Users",
                    "bulkId": format!("u{}", at * 1000 + i), "data": data})
            })
            .collect();
        let r = app
            .post(
                "/scim/v2/Bulk",
                &json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
                        "Operations": operations}),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        for op in r.json["Operations"].as_array().unwrap() {
            assert_eq!(op["status"], "201", "{op}");
            let location = op["location"].as_str().unwrap();
            ids.push(location.rsplit('/').next().unwrap().to_owned());
        }
    }
    ids
}
