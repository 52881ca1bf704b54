//! Invitations and approved-domain signups, as the policy allows them.

use serde_json::json;

use crate::admin::id;
use crate::support::TestApp;

#[actix_web::test]
async fn invitations_follow_the_policy_and_accepting_grants_the_role() {
    let app = TestApp::new().await;
    app.create_product("acme", "wiki", Some(3)).await;
    let admin_user = id(&app.create_user("boss@acme.test").await);
    let member = id(&app.create_user("member@acme.test").await);
    let bosses = id(&app.create_group("Wiki admins", &[&admin_user]).await);
    app.map(&bosses, "wiki", "admin").await;
    let users = id(&app.create_group("Wiki users", &[&member]).await);
    app.map(&users, "wiki", "user").await;

    // Default: only admins invite.
    let r = app.admin_get("/policy").await;
    assert_eq!(r.json["effective"]["invitations"], "admins");
    let r = app
        .api_post(
            "/invitations",
            &json!({"email": "a@ext.test", "product": "wiki", "invited_by": member}),
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.text);
    assert_eq!(r.json["setting"], "invitations");
    let r = app
        .api_post(
            "/invitations",
            &json!({"email": "a@ext.test", "product": "wiki", "invited_by": admin_user}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json["status"], "open");
    let first = id(&r.json);
    let r = app
        .api_post(
            "/invitations",
            &json!({"email": "A@ext.test", "product": "wiki"}),
        )
        .await;
    assert_eq!(r.status, 409, "already invited: {}", r.text);

    // Users may invite when the policy says so, as users only: an admin
    // role comes from admins (no privilege escalation).
    app.set_policy("", &json!({"invitations": "users"})).await;
    let r = app.api_post("/invitations", &json!({"email": "b@ext.test", "product": "wiki", "role": "admin", "invited_by": member})).await;
    assert_eq!(r.status, 403, "{}", r.text);
    assert_eq!(r.json["code"], "invite_role");
    let r = app.api_post("/invitations", &json!({"email": "b@ext.test", "product": "wiki", "role": "admin", "invited_by": "boss@acme.test"})).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let second = id(&r.json);
    let outsider = id(&app.create_user("outsider@acme.test").await);
    let r = app
        .api_post(
            "/invitations",
            &json!({"email": "c@ext.test", "product": "wiki", "invited_by": outsider}),
        )
        .await;
    assert_eq!(r.status, 403, "without the product: {}", r.text);
    let r = app
        .api_post(
            "/invitations",
            &json!({"email": "c@ext.test", "product": "wiki", "role": "owner"}),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.text);
    let r = app
        .api_post("/invitations", &json!({"email": "nope", "product": "wiki"}))
        .await;
    assert_eq!(r.status, 400, "{}", r.text);

    // Accepting makes the account and grants the invited role.
    let r = app
        .api_post(&format!("/invitations/{first}/accept"), &json!({}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["status"], "accepted");
    let a = r.json["user"].as_str().unwrap().to_owned();
    assert_eq!(app.entitlements(&a).await, ["wiki:user"]);
    let r = app
        .api_post(&format!("/invitations/{first}/accept"), &json!({}))
        .await;
    assert_eq!(r.status, 410, "accepted already: {}", r.text);
    // The cap (3) is reached by the second acceptance's admin+user… one more license.
    let r = app
        .api_post(&format!("/invitations/{second}/accept"), &json!({}))
        .await;
    assert_eq!(r.status, 403, "{}", r.text);
    assert_eq!(r.json["code"], "license_cap");
    assert_eq!(app.licenses_used("wiki").await, 3);

    // Switched off.
    app.set_policy("", &json!({"invitations": "off"})).await;
    let r = app
        .api_post(
            "/invitations",
            &json!({"email": "d@ext.test", "product": "wiki"}),
        )
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(r.json["setting"], "invitations");
    let r = app
        .admin_get(&format!(
            "/groups/{}/members",
            app.admin_get("/products/wiki").await.json["default_group"]["id"]
                .as_str()
                .unwrap()
        ))
        .await;
    assert_eq!(r.json["items"][0]["source"], "invitation");
}

#[actix_web::test]
async fn approved_domains_join_directly_or_by_approval() {
    let app = TestApp::new().await;
    app.create_product("acme", "wiki", None).await;
    app.set_policy(
        "",
        &json!({"approved_domains": [
            {"domain": "acme.test", "mode": "direct"},
            {"domain": "partner.test", "mode": "approval"}
        ]}),
    )
    .await;
    let r = app
        .api_post(
            "/signups",
            &json!({"email": "new@acme.test", "product": "wiki", "email_verified": false}),
        )
        .await;
    assert_eq!(r.status, 403, "verified email needed: {}", r.text);
    let r = app
        .api_post(
            "/signups",
            &json!({"email": "new@acme.test", "product": "wiki", "email_verified": true}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json["status"], "joined");
    assert_eq!(
        app.entitlements(r.json["user"].as_str().unwrap()).await,
        ["wiki:user"]
    );

    let r = app
        .api_post(
            "/signups",
            &json!({"email": "p@partner.test", "product": "wiki", "email_verified": true}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json["status"], "pending");
    let request = r.json["request"].as_str().unwrap().to_owned();
    let r = app.admin_get(&format!("/access-requests/{request}")).await;
    assert_eq!(r.json["origin"], "approved_domain");
    let r = app
        .admin_post(&format!("/access-requests/{request}/approve"), &json!({}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let p = r.json["subject"]["id"].as_str().unwrap().to_owned();
    assert_eq!(app.entitlements(&p).await, ["wiki:user"]);

    let r = app
        .api_post(
            "/signups",
            &json!({"email": "x@elsewhere.test", "product": "wiki", "email_verified": true}),
        )
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(r.json["setting"], "approved_domains");
}
