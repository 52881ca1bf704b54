//! A user's ETag and `meta.lastModified` follow what its representation
//! shows, including what comes from its groups and its person, so that
//! `If-None-Match` and `meta.lastModified` filters see every such change.

use serde_json::json;

use super::identity;
use crate::admin::{id, scim_patch};
use crate::support::TestApp;

/// GET with `If-None-Match: before`, which must not answer 304: the new
/// ETag and lastModified.
async fn changed(app: &TestApp, path: &str, before: String) -> (String, String) {
    let r = app
        .request(actix_web::http::Method::GET, path)
        .header("If-None-Match", &before)
        .send()
        .await;
    assert_eq!(
        r.status, 200,
        "the representation changed; 304 would hide it"
    );
    let now = r.header("etag").unwrap();
    assert_ne!(now, before);
    (
        now,
        r.json["meta"]["lastModified"].as_str().unwrap().to_owned(),
    )
}

/// A user's ETag and lastModified move with everything its representation
/// shows: its groups, its entitlements, its person's state.
#[actix_web::test]
async fn etags_and_last_modified_follow_groups_and_entitlements() {
    let app = TestApp::new().await;
    app.create_product("acme", "wiki", None).await;
    let user = app.post("/scim/v2/Users", &identity("e@acme.com")).await;
    let uid = id(&user.json);
    let path = format!("/scim/v2/Users/{uid}");
    let etag = |r: &crate::support::app::TestResponse| r.header("etag").unwrap();
    let mut last = etag(&app.get(&path).await);
    let since = |t: &str| {
        let q: String = url::form_urlencoded::byte_serialize(
            format!("meta.lastModified ge \"{t}\"").as_bytes(),
        )
        .collect();
        format!("/scim/v2/Users?filter={q}")
    };
    // Unchanged: 304.
    let r = app
        .request(actix_web::http::Method::GET, &path)
        .header("If-None-Match", &last)
        .send()
        .await;
    assert_eq!(r.status, 304);
    // Joins a group.
    let g = id(&app.create_group("Team", &[&uid]).await);
    let (now, modified) = changed(&app, &path, last).await;
    last = now;
    assert_eq!(app.get(&since(&modified)).await.json["totalResults"], 1);
    // The group is mapped: entitlements appear.
    app.map(&g, "wiki", "user").await;
    let (now, _) = changed(&app, &path, last).await;
    last = now;
    // The group is renamed.
    let r = scim_patch(
        &app,
        &format!("/scim/v2/Groups/{g}"),
        json!([{"op": "replace", "path": "displayName", "value": "Team 2"}]),
    )
    .await;
    assert_eq!(r.status, 204);
    let (now, _) = changed(&app, &path, last).await;
    last = now;
    // Suspended by an admin: entitlements go.
    let r = app
        .admin_post(&format!("/users/{uid}/suspend"), &json!({}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let (now, _) = changed(&app, &path, last).await;
    last = now;
    // Another account of the person comes and goes with the person's state.
    app.admin_post(&format!("/users/{uid}/restore"), &json!({}))
        .await;
    let (now, _) = changed(&app, &path, last).await;
    last = now;
    // The group goes.
    assert_eq!(
        app.delete(&format!("/scim/v2/Groups/{g}")).await.status,
        204
    );
    let (now, modified) = changed(&app, &path, last).await;
    let r = app.get(&since(&modified)).await;
    assert_eq!(r.json["totalResults"], 1, "{}", r.text);
    // Nothing else changed: If-None-Match holds.
    let r = app
        .request(actix_web::http::Method::GET, &path)
        .header("If-None-Match", &now)
        .send()
        .await;
    assert_eq!(r.status, 304);
}
