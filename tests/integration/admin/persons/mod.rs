//! Persons: one human, one account set, one license per product; the IdP
//! decides. Here are the helpers the topics share; the tests are in `roads`
//! (self-service access ends with the IdP identity), `licenses` (one license
//! per person across accounts and directories), `etags` (a user's ETag and
//! lastModified follow its groups and its person) and `views` (the admin's
//! person views).

mod etags;
mod licenses;
mod roads;
mod scim_reads;
mod views;

use serde_json::{json, Value};

use super::{id, scim_patch};
use crate::scim::USER;
use crate::support::app::TestResponse;
use crate::support::TestApp;

/// An IdP user with a work email.
fn identity(email: &str) -> Value {
    json!({"schemas": [USER], "userName": email, "active": true,
           "emails": [{"value": email, "type": "work", "primary": true}]})
}

/// A directory (by its token) pushing an identity with this email.
async fn push(app: &TestApp, token: &str, email: &str) -> TestResponse {
    app.request_as(token, actix_web::http::Method::POST, "/scim/v2/Users")
        .json(&identity(email))
        .send()
        .await
}

async fn decision(app: &TestApp, who: &str, product: &str) -> Value {
    let r = app
        .api_get(&format!("/decisions?user={who}&product={product}"))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.json
}

async fn person(app: &TestApp, email: &str) -> Value {
    let r = app.admin_get(&format!("/people?email={email}")).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let items = r.json["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{email}: {}", r.text);
    items[0].clone()
}

async fn set_active(app: &TestApp, user: &str, active: bool) {
    let r = scim_patch(
        app,
        &format!("/scim/v2/Users/{user}"),
        json!([{"op": "replace", "value": {"active": active}}]),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
}

/// The local account an accepted invitation (`invitation`: email,
/// product, maybe role) makes.
async fn accepted_invitation(app: &TestApp, invitation: &Value) -> String {
    let r = app.api_post("/invitations", invitation).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let r = app
        .api_post(&format!("/invitations/{}/accept", id(&r.json)), &json!({}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.json["user"].as_str().unwrap().to_owned()
}

/// `user` alone in a new local group mapped to `product` as `role`.
async fn in_local_group(app: &TestApp, name: &str, product: &str, role: &str, user: &str) {
    let group = id(&app
        .admin_post("/groups", &json!({"displayName": name}))
        .await
        .json);
    app.map(&group, product, role).await;
    let r = app
        .admin_post(
            &format!("/groups/{group}/members"),
            &json!({"users": [user]}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
}
