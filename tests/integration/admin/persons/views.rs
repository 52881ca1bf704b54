//! The admin's person views (`/people`): one person by account id, email
//! or person id; an IdP user with no email as a person of its own; paging.

use serde_json::{json, Value};

use super::{identity, person};
use crate::admin::id;
use crate::scim::USER;
use crate::support::TestApp;

#[actix_web::test]
async fn person_views_and_unverified_emails() {
    let app = TestApp::new().await;
    app.create_product("acme", "wiki", None).await;
    let r = app.admin_get("/people/nobody").await;
    assert_eq!(r.status, 404, "{}", r.text);
    let r = app.admin_get("/people?limit=abc").await;
    assert_eq!(r.status, 400, "{}", r.text);
    let user = id(&app
        .post("/scim/v2/Users", &identity("v@acme.com"))
        .await
        .json);
    // By account id, by email, by person id: the same person.
    let by_account = app.admin_get(&format!("/people/{user}")).await;
    assert_eq!(by_account.status, 200, "{}", by_account.text);
    let pid = by_account.json["id"].as_str().unwrap().to_owned();
    assert_eq!(
        app.admin_get(&format!("/people/{pid}")).await.json["id"],
        pid.as_str()
    );
    assert_eq!(person(&app, "V@ACME.com").await["id"], pid.as_str());
    assert_eq!(by_account.json["accounts"][0]["identity"], true);
    // An IdP user with no email and a userName that is none: a person of its own.
    let r = app
        .post(
            "/scim/v2/Users",
            &json!({"schemas": [USER], "userName": "E-1001"}),
        )
        .await;
    let lone = app.admin_get(&format!("/people/{}", id(&r.json))).await;
    assert_eq!(lone.json["email"], Value::Null);
    assert_eq!(lone.json["accounts"].as_array().unwrap().len(), 1);
    // The list pages.
    let r = app.admin_get("/people?limit=1").await;
    assert_eq!(r.json["items"].as_array().unwrap().len(), 1);
    let r = app.admin_get("/people?offset=1&limit=10").await;
    assert_eq!(r.json["items"].as_array().unwrap().len(), 1);
}
