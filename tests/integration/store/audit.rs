//! Audit rows are written in the same transaction as the change they record.

use crate::scim::user_body;
use crate::support::TestApp;

#[actix_web::test]
async fn every_scim_write_is_audited_with_actor_and_request_id() {
    let app = TestApp::new().await;
    let r = app
        .post("/scim/v2/Users", &user_body("audited@example.com"))
        .await;
    let request_id = r.header("x-request-id").unwrap();
    let id = r.json["id"].as_str().unwrap().to_owned();
    let mut deactivate = user_body("audited@example.com");
    deactivate["active"] = false.into();
    app.put(&format!("/scim/v2/Users/{id}"), &deactivate).await;
    app.delete(&format!("/scim/v2/Users/{id}")).await;
    let lookup = id.clone();
    let events = app
        .state
        .store
        .read_now(|c| {
            gatehouse::store::audit::for_target(c, &lookup)
                .map_err(gatehouse::store::StoreError::from)
        })
        .unwrap();
    let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        ["user.provisioned", "user.deactivated", "user.deleted"]
    );
    let first = &events[0];
    assert_eq!(first.request_id.as_deref(), Some(request_id.as_str()));
    assert_eq!(first.actor_type, "directory_token");
    assert_eq!(
        first.directory_id.as_deref(),
        Some(app.directory.id.as_str())
    );
    let after: serde_json::Value = serde_json::from_str(first.after.as_deref().unwrap()).unwrap();
    assert_eq!(after["userName"], "audited@example.com");
    assert!(after.get("password").is_none());
    assert!(events[2].before.is_some() && events[2].after.is_none());
}

#[actix_web::test]
async fn a_refused_write_leaves_no_audit_row() {
    let app = TestApp::new().await;
    app.create_user("dup@example.com").await;
    let r = app
        .post("/scim/v2/Users", &user_body("dup@example.com"))
        .await;
    assert_eq!(r.status, 409);
    let count = app
        .state
        .store
        .read_now(|c| {
            use diesel::prelude::*;
            gatehouse::store::schema::audit_events::table
                .filter(gatehouse::store::schema::audit_events::action.eq("user.provisioned"))
                .count()
                .get_result::<i64>(c)
                .map_err(gatehouse::store::StoreError::from)
        })
        .unwrap();
    assert_eq!(count, 1);
}
