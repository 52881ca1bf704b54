//! Rules of the access model: portal-only customers, user-access-admins
//! and default groups (seed 001), local groups, suspension.

use actix_web::http::Method;
use serde_json::json;

use super::id;
use crate::support::TestApp;

#[actix_web::test]
async fn portal_only_customers_never_hold_a_licensed_role() {
    let app = TestApp::new().await;
    let jsm = app
        .create_product("acme", "jira-service-management", Some(1))
        .await;
    let jsm_default = jsm["default_group"]["id"].as_str().unwrap().to_owned();
    let r = app
        .admin_post(
            "/customers",
            &json!({"email": "pat@example.org", "display_name": "Pat"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json["portal_only"], true);
    let pat = r.json["user"].as_str().unwrap().to_owned();
    assert_eq!(
        app.admin_post("/customers", &json!({"email": "not-an-email"}))
            .await
            .status,
        400
    );
    assert_eq!(
        app.admin_post("/customers", &json!({"email": "PAT@example.org"}))
            .await
            .status,
        409
    );

    // The default group grants `user`: refused for a customer.
    let r = app
        .admin_post(
            &format!("/groups/{jsm_default}/members"),
            &json!({"users": [pat]}),
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.text);
    assert!(r.json["detail"].as_str().unwrap().contains("portal-only"));

    // A group granting only `customer` takes them, and costs no license.
    let r = app
        .admin_post("/groups", &json!({"displayName": "Portal customers"}))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let portal = id(&r.json);
    app.map(&portal, "jira-service-management", "customer")
        .await;
    let r = app
        .admin_post(
            &format!("/groups/{portal}/members"),
            &json!({"users": [pat]}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(
        app.entitlements(&pat).await,
        ["jira-service-management:customer"]
    );
    assert_eq!(app.licenses_used("jira-service-management").await, 0);

    // Mapping that group to a licensed role is refused while a customer is in it.
    let r = app
        .admin_post(
            "/mappings",
            &json!({"group": portal, "product": "jira-service-management", "role": "agent"}),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.text);
    let r = app
        .admin_post(
            "/mappings",
            &json!({"group": portal, "product": "jira-service-management", "role": "user"}),
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.text);
    assert_eq!(
        app.entitlements(&pat).await,
        ["jira-service-management:customer"]
    );
}

#[actix_web::test]
async fn a_user_access_admin_cannot_grant_through_a_default_group_granting_more() {
    let app = TestApp::new().await;
    let jira = app.create_product("acme", "jira-software", None).await;
    app.create_product("acme", "confluence", None).await;
    let jira_default = jira["default_group"]["id"].as_str().unwrap().to_owned();
    let newbie = id(&app.create_user("new@acme.test").await);
    let uaa = app
        .scoped_token("user-access-admin", &json!({"product": "jira-software"}))
        .await;
    let add = |group: &str| format!("/groups/{group}/members");

    // While the default group grants only Jira, the UAA may grant through it.
    let r = app
        .admin_send_as(
            &uaa,
            Method::POST,
            &add(&jira_default),
            Some(&json!({"users": [newbie]})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let event = &app.admin_get("/audit?action=group.member_added").await.json["items"][0];
    assert_eq!(event["role"], "user-access-admin", "{event}");
    assert_eq!(event["scope"], "product:jira-software", "{event}");
    app.admin_delete(&format!("/groups/{jira_default}/members/{newbie}"))
        .await;

    // Someone maps Jira's default group to Confluence too: now refused.
    app.map(&jira_default, "confluence", "user").await;
    let r = app
        .admin_send_as(
            &uaa,
            Method::POST,
            &add(&jira_default),
            Some(&json!({"users": [newbie]})),
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.text);
    let detail = r.json["detail"].as_str().unwrap();
    assert!(
        detail.contains("\"confluence\"") && detail.contains("grants only their product"),
        "{detail}"
    );
    assert!(app.entitlements(&newbie).await.is_empty());

    // Through a group granting only Jira, the grant goes through.
    let r = app
        .admin_post("/groups", &json!({"displayName": "jira-extra"}))
        .await;
    let extra = id(&r.json);
    app.map(&extra, "jira-software", "user").await;
    let r = app
        .admin_send_as(
            &uaa,
            Method::POST,
            &add(&extra),
            Some(&json!({"users": [newbie]})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(app.entitlements(&newbie).await, ["jira-software:user"]);

    // A group granting nothing is beyond any scoped role.
    let r = app
        .admin_post("/groups", &json!({"displayName": "grants-nothing"}))
        .await;
    let nothing = id(&r.json);
    let r = app
        .admin_send_as(
            &uaa,
            Method::POST,
            &add(&nothing),
            Some(&json!({"users": [newbie]})),
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.text);
}

#[actix_web::test]
async fn local_groups_bind_waiting_mappings_and_suspension_removes_access() {
    let app = TestApp::new().await;
    app.create_product("acme", "wiki", Some(1)).await;
    let waiting = app.map("Contractors", "wiki", "user").await;
    assert_eq!(waiting["status"], "waiting");
    let r = app
        .admin_post("/groups", &json!({"displayName": "Contractors"}))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let contractors = id(&r.json);
    assert_eq!(
        app.admin_post("/groups", &json!({"displayName": "contractors"}))
            .await
            .status,
        409
    );
    let r = app
        .admin_get(&format!("/mappings/{}", waiting["id"].as_str().unwrap()))
        .await;
    assert_eq!(r.json["status"], "bound");
    let r = app.admin_get("/groups").await;
    let names: Vec<&str> = r.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["displayName"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Contractors", "wiki-users-acme"]);

    let a = id(&app.create_user("a@acme.test").await);
    let b = id(&app.create_user("b@acme.test").await);
    let r = app
        .admin_post(
            &format!("/groups/{contractors}/members"),
            &json!({"users": [a, "nope"]}),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.text);
    let r = app
        .admin_post(
            &format!("/groups/{contractors}/members"),
            &json!({"users": [a, b]}),
        )
        .await;
    assert_eq!(r.status, 403, "two licenses past a cap of one: {}", r.text);
    assert_eq!(r.json["code"], "license_cap");
    assert_eq!(r.json["product"], "wiki");
    assert_eq!(r.json["cap"], 1);
    assert_eq!(r.json["needed"], 2);
    let r = app
        .admin_get(&format!("/groups/{contractors}/members"))
        .await;
    assert_eq!(r.json["items"], json!([]));
    let r = app
        .admin_post(
            &format!("/groups/{contractors}/members"),
            &json!({"users": [a]}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);

    // Suspension: no access, no license; restore is held to the cap.
    let r = app
        .admin_post(&format!("/users/{a}/suspend"), &json!({}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["suspended"], true);
    assert_eq!(r.json["entitlements"], json!([]));
    assert_eq!(app.licenses_used("wiki").await, 0);
    let r = app
        .admin_post(
            &format!("/groups/{contractors}/members"),
            &json!({"users": [b]}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let r = app
        .admin_post(&format!("/users/{a}/restore"), &json!({}))
        .await;
    assert_eq!(r.status, 403, "{}", r.text);
    app.admin_delete(&format!("/groups/{contractors}/members/{b}"))
        .await;
    let r = app
        .admin_post(&format!("/users/{a}/restore"), &json!({}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(app.entitlements(&a).await, ["wiki:user"]);
    let r = app
        .admin_delete(&format!("/groups/{contractors}/members/{b}"))
        .await;
    assert_eq!(r.status, 404, "not a member any more: {}", r.text);

    // Deleting the local group ends the access it gave.
    assert_eq!(
        app.admin_delete(&format!("/groups/{contractors}"))
            .await
            .status,
        204
    );
    assert!(app.entitlements(&a).await.is_empty());
}

#[actix_web::test]
async fn removing_a_member_is_checked_against_the_callers_reach_and_audited_as_them() {
    let app = TestApp::new().await;
    app.create_product("acme", "jira-software", None).await;
    app.create_product("acme", "confluence", None).await;
    let newbie = id(&app.create_user("new@acme.test").await);
    let extra = id(&app
        .admin_post("/groups", &json!({"displayName": "jira-extra"}))
        .await
        .json);
    app.map(&extra, "jira-software", "user").await;
    let jira_uaa = app
        .scoped_token("user-access-admin", &json!({"product": "jira-software"}))
        .await;
    let wiki_uaa = app
        .scoped_token("user-access-admin", &json!({"product": "confluence"}))
        .await;
    let auditor = app.scoped_token("auditor", &json!({})).await;
    let r = app
        .admin_send_as(
            &jira_uaa,
            Method::POST,
            &format!("/groups/{extra}/members"),
            Some(&json!({"users": [newbie]})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);

    let remove = format!("/groups/{extra}/members/{newbie}");
    // Another product's UAA, and an auditor: 403, and nothing changes.
    let r = app
        .admin_send_as(&wiki_uaa, Method::DELETE, &remove, None)
        .await;
    assert_eq!(r.status, 403, "{}", r.text);
    assert!(
        r.json["detail"]
            .as_str()
            .unwrap()
            .contains("user-access-admin of product \"jira-software\""),
        "{}",
        r.text
    );
    let r = app
        .admin_send_as(&auditor, Method::DELETE, &remove, None)
        .await;
    assert_eq!(r.status, 403, "{}", r.text);
    assert_eq!(app.entitlements(&newbie).await, ["jira-software:user"]);
    // The product's UAA: removed, and the audit says who acted and how.
    let r = app
        .admin_send_as(&jira_uaa, Method::DELETE, &remove, None)
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    assert!(app.entitlements(&newbie).await.is_empty());
    let r = app.admin_get("/audit?action=group.member_removed").await;
    let event = &r.json["items"][0];
    assert_eq!(event["actor_type"], "admin_token", "{}", r.text);
    assert_eq!(event["role"], "user-access-admin", "{}", r.text);
    assert_eq!(event["scope"], "product:jira-software", "{}", r.text);
    assert!(
        event["person"].as_str().is_some(),
        "the token's owner: {}",
        r.text
    );
    assert_eq!(event["before"]["member"], newbie.as_str());
}
