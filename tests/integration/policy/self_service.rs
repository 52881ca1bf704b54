//! Self-service that can't be abused: inviters grant no more than they
//! hold, invitations live 30 days and die with IT-only mode, invite links,
//! per-product invite modes.

use std::sync::Arc;

use actix_web::http::Method;
use gatehouse::clock::{Clock, FixedClock, SystemClock};
use serde_json::json;

use crate::admin::id;
use crate::support::app::TestResponse;
use crate::support::TestApp;

const DAY_US: i64 = 24 * 3600 * 1_000_000;

async fn invite(app: &TestApp, body: serde_json::Value) -> TestResponse {
    app.api_post("/invitations", &body).await
}

async fn join(app: &TestApp, token: &str, email: &str, verified: bool) -> TestResponse {
    app.api_post(
        &format!("/invite-links/{token}/join"),
        &json!({"email": email, "email_verified": verified}),
    )
    .await
}

#[actix_web::test]
async fn inviters_grant_no_more_than_they_hold() {
    let app = TestApp::new().await;
    app.create_product("acme", "confluence", None).await;
    let r = app
        .admin_post(
            "/products",
            &json!({"site": "acme", "key": "desk", "service_desk": true}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    app.set_policy("", &json!({"invitations": "users"})).await;
    let member = id(&app.create_user("member@acme.test").await);
    let g = id(&app.create_group("Confluence users", &[&member]).await);
    app.map(&g, "confluence", "user").await;
    let agents = id(&app.create_group("Desk agents", &[&member]).await);
    app.map(&agents, "desk", "user").await;

    // The escalation: a user invites an outsider as admin.
    let r = invite(&app, json!({"email": "out@ext.test", "product": "confluence", "role": "admin", "invited_by": member})).await;
    assert_eq!(r.status, 403, "{}", r.text);
    assert_eq!(r.json["code"], "invite_role");
    for role in ["user-access-admin", "guest"] {
        let r = invite(&app, json!({"email": "out@ext.test", "product": "confluence", "role": role, "invited_by": member})).await;
        assert_eq!(r.status, 403, "{role}: {}", r.text);
    }
    // As a user: fine, and the inviter may be named by email.
    let r = invite(
        &app,
        json!({"email": "out@ext.test", "product": "confluence", "invited_by": "MEMBER@acme.test"}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let accepted = app
        .api_post(&format!("/invitations/{}/accept", id(&r.json)), &json!({}))
        .await;
    assert_eq!(
        app.entitlements(accepted.json["user"].as_str().unwrap())
            .await,
        ["confluence:user"]
    );
    // On a service desk a user (an agent) invites customers, not agents.
    let r = invite(
        &app,
        json!({"email": "c@ext.test", "product": "desk", "role": "user", "invited_by": member}),
    )
    .await;
    assert_eq!(r.json["code"], "invite_role", "{}", r.text);
    let r = invite(
        &app,
        json!({"email": "c@ext.test", "product": "desk", "role": "customer", "invited_by": member}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    // Not holding the product: refused; an unknown inviter: 404.
    let stranger = id(&app.create_user("stranger@acme.test").await);
    let r = invite(
        &app,
        json!({"email": "x@ext.test", "product": "confluence", "invited_by": stranger}),
    )
    .await;
    assert_eq!(r.status, 403, "{}", r.text);
    let r = invite(
        &app,
        json!({"email": "x@ext.test", "product": "confluence", "invited_by": "nobody@acme.test"}),
    )
    .await;
    assert_eq!(r.status, 404, "{}", r.text);
    // Admins invite as anything (the product API without an inviter is an admin's).
    let r = invite(
        &app,
        json!({"email": "boss@ext.test", "product": "confluence", "role": "admin"}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    // Every refusal is audited.
    assert!(app.audit_actions("&action=policy.rejected").await.len() >= 4);
}

#[actix_web::test]
async fn invitations_expire_are_revoked_and_close_with_it_only_mode() {
    let clock = Arc::new(FixedClock::at(SystemClock.now_micros()));
    let app = TestApp::builder().clock(clock.clone()).start().await;
    app.create_product("acme", "wiki", None).await;
    let old = id(
        &invite(&app, json!({"email": "old@ext.test", "product": "wiki"}))
            .await
            .json,
    );
    let revoked = id(
        &invite(&app, json!({"email": "rev@ext.test", "product": "wiki"}))
            .await
            .json,
    );

    // Revoked by an admin: accepting is 410; revoking twice is 409.
    let r = app.admin_delete(&format!("/invitations/{revoked}")).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        (r.json["status"].clone(), r.json["closed_reason"].clone()),
        (json!("revoked"), json!("admin"))
    );
    assert_eq!(
        app.admin_delete(&format!("/invitations/{revoked}"))
            .await
            .status,
        409
    );
    let r = app
        .api_post(&format!("/invitations/{revoked}/accept"), &json!({}))
        .await;
    assert_eq!(r.status, 410, "{}", r.text);
    assert_eq!(r.json["code"], "gone");

    // 30 days on, an open invitation has expired.
    clock.advance(31 * DAY_US);
    let r = app
        .api_post(&format!("/invitations/{old}/accept"), &json!({}))
        .await;
    assert_eq!(r.status, 410, "{}", r.text);
    let r = app.admin_get("/invitations?status=expired").await;
    let expired: Vec<String> = r.json["items"].as_array().unwrap().iter().map(id).collect();
    assert_eq!(expired, [old]);
    // The same address may be invited again.
    let fresh = id(
        &invite(&app, json!({"email": "old@ext.test", "product": "wiki"}))
            .await
            .json,
    );
    let link = app
        .admin_post("/invite-links", &json!({"product": "wiki"}))
        .await;
    assert_eq!(link.status, 201, "{}", link.text);
    let token = link.json["token"].as_str().unwrap().to_owned();
    assert!(link.json["url"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/api/v1/invite-links/{token}")));

    // Lock-down: every open invitation is revoked (it_only); links die.
    let r = app.set_policy("", &json!({"it_only": true})).await;
    assert_eq!(r.json["revoked_invitations"], json!([fresh.clone()]));
    let r = app.admin_get(&format!("/invitations/{fresh}")).await;
    assert_eq!(r.json["closed_reason"], "it_only");
    let r = app.api_get(&format!("/invite-links/{token}")).await;
    assert_eq!(r.status, 410, "{}", r.text);
    assert_eq!(r.json["setting"], "it_only");
    let r = app
        .api_post(
            &format!("/invite-links/{token}/join"),
            &json!({"email": "l@ext.test", "email_verified": true}),
        )
        .await;
    assert_eq!(r.status, 410, "{}", r.text);
    // Lifted: the invitation stays closed; the link (never revoked) works.
    app.set_policy("", &json!({"it_only": false})).await;
    let r = app
        .api_post(&format!("/invitations/{fresh}/accept"), &json!({}))
        .await;
    assert_eq!(
        r.status, 410,
        "one sent before the lock-down is not accepted after it: {}",
        r.text
    );
    let r = app
        .api_post(
            &format!("/invite-links/{token}/join"),
            &json!({"email": "l@ext.test", "email_verified": true}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json["status"], "joined");

    // Invitations switched off: revoked with that reason.
    let another = id(&invite(
        &app,
        json!({"email": "another@ext.test", "product": "wiki"}),
    )
    .await
    .json);
    let r = app.set_policy("", &json!({"invitations": "off"})).await;
    assert_eq!(r.json["revoked_invitations"], json!([another.clone()]));
    let r = app.admin_get(&format!("/invitations/{another}")).await;
    assert_eq!(r.json["closed_reason"], "invitations_off");
    let r = app.admin_get("/invitations?status=revoked&limit=10").await;
    assert_eq!(r.json["items"].as_array().unwrap().len(), 3, "{}", r.text);
    assert_eq!(app.admin_get("/invitations?status=nope").await.status, 400);
    let actions = app.audit_actions("&action=invitation.*").await;
    assert_eq!(
        actions
            .iter()
            .filter(|a| *a == "invitation.revoked")
            .count(),
        3,
        "{actions:?}"
    );
}

#[actix_web::test]
async fn invite_links_join_until_revoked_or_expired() {
    let clock = Arc::new(FixedClock::at(SystemClock.now_micros()));
    let app = TestApp::builder().clock(clock.clone()).start().await;
    app.create_product("acme", "wiki", Some(5)).await;
    app.set_policy("", &json!({"verified_domains": ["acme.test"]}))
        .await;
    let r = app
        .admin_post(
            "/invite-links",
            &json!({"product": "wiki", "role": "admin"}),
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.text);
    assert_eq!(r.json["code"], "invite_role");
    let r = app
        .admin_post("/invite-links", &json!({"product": "nope"}))
        .await;
    assert_eq!(r.status, 404, "{}", r.text);
    let r = app
        .admin_post("/invite-links", &json!({"product": "wiki"}))
        .await;
    let (link, token) = (id(&r.json), r.json["token"].as_str().unwrap().to_owned());
    assert_eq!(r.json["role"], "user");
    let r = app.api_get(&format!("/invite-links/{token}")).await;
    assert_eq!((r.status, r.json["product"].clone()), (200, json!("wiki")));
    assert_eq!(app.api_get("/invite-links/not-a-token").await.status, 404);
    assert_eq!(
        join(&app, &token, "a@ext.test", false).await.status,
        403,
        "verified email needed"
    );
    let r = join(&app, &token, "staff@acme.test", true).await;
    assert_eq!(
        r.status, 403,
        "a managed domain comes through the IdP: {}",
        r.text
    );
    let r = join(&app, &token, "a@ext.test", true).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(
        app.entitlements(r.json["user"].as_str().unwrap()).await,
        ["wiki:user"]
    );
    let r = app
        .admin_get(&format!(
            "/groups/{}/members",
            app.admin_get("/products/wiki").await.json["default_group"]["id"]
                .as_str()
                .unwrap()
        ))
        .await;
    assert_eq!(r.json["items"][0]["source"], "invite_link");
    // Listed (never with its token), revoked: gone.
    let r = app.admin_get("/invite-links?product=wiki").await;
    assert_eq!(r.json["items"][0]["status"], "open");
    assert!(!r.text.contains(&token));
    let r = app.admin_delete(&format!("/invite-links/{link}")).await;
    assert_eq!(r.json["status"], "revoked", "{}", r.text);
    assert_eq!(join(&app, &token, "b@ext.test", true).await.status, 410);
    // Expired after 30 days.
    let token = app
        .admin_post("/invite-links", &json!({"product": "wiki"}))
        .await
        .json["token"]
        .as_str()
        .unwrap()
        .to_owned();
    clock.advance(30 * DAY_US + 1);
    let r = app
        .api_post(
            &format!("/invite-links/{token}/join"),
            &json!({"email": "c@ext.test", "email_verified": true}),
        )
        .await;
    assert_eq!(r.status, 410, "{}", r.text);
    assert_eq!(
        app.audit_actions("&action=invite_link.joined").await.len(),
        1
    );
}

#[actix_web::test]
async fn each_product_says_whom_it_may_be_invited_to() {
    let app = TestApp::new().await;
    app.create_product("acme", "wiki", None).await;
    app.set_policy(
        "",
        &json!({"approved_domains": [{"domain": "partner.test", "mode": "direct"}]}),
    )
    .await;
    let mode = |m: &str| {
        app.admin(Method::PATCH, "/products/wiki")
            .raw(
                "application/json",
                json!({"invite_mode": m}).to_string().into_bytes(),
            )
            .send()
    };
    assert_eq!(mode("approved_domains").await.status, 200);
    let r = invite(&app, json!({"email": "a@else.test", "product": "wiki"})).await;
    assert_eq!(r.status, 403, "{}", r.text);
    assert_eq!(r.json["setting"], "invite_mode");
    let r = invite(&app, json!({"email": "a@partner.test", "product": "wiki"})).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let open = id(&r.json);
    // With approval: the invitation becomes an access request.
    assert_eq!(mode("admin_approval").await.status, 200);
    let r = invite(&app, json!({"email": "b@else.test", "product": "wiki"})).await;
    assert_eq!(r.status, 202, "{}", r.text);
    assert_eq!(r.json["status"], "pending_approval");
    assert_eq!(r.json["request"]["origin"], "invitation");
    let request = r.json["request"]["id"].as_str().unwrap().to_owned();
    let r = app
        .admin_post(&format!("/access-requests/{request}/approve"), &json!({}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let link = app
        .admin_post("/invite-links", &json!({"product": "wiki"}))
        .await
        .json;
    let r = app
        .api_post(
            &format!("/invite-links/{}/join", link["token"].as_str().unwrap()),
            &json!({"email": "c@else.test", "email_verified": true}),
        )
        .await;
    assert_eq!(
        (r.status, r.json["status"].clone()),
        (201, json!("pending")),
        "{}",
        r.text
    );
    // Off: no invitations, open ones revoked, links dead; bad modes refused.
    assert_eq!(mode("off").await.status, 200);
    let r = invite(&app, json!({"email": "d@partner.test", "product": "wiki"})).await;
    assert_eq!(r.status, 403, "{}", r.text);
    let r = app.admin_get(&format!("/invitations/{open}")).await;
    assert_eq!(r.json["status"], "revoked");
    let r = app
        .api_get(&format!(
            "/invite-links/{}",
            link["token"].as_str().unwrap()
        ))
        .await;
    assert_eq!(r.status, 410);
    assert_eq!(mode("sometimes").await.status, 400);
}
