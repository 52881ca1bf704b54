//! Seed 000: access requests, their review, and "denied can't ask again".

use serde_json::json;

use crate::admin::id;
use crate::support::TestApp;

#[actix_web::test]
async fn requests_are_filed_reviewed_approved_and_denied_for_good() {
    let app = TestApp::new().await;
    app.create_product("acme", "wiki", None).await;
    let alice = id(&app.create_user("alice@acme.test").await);
    let bob = id(&app.create_user("bob@acme.test").await);
    let staff = id(&app.create_group("Staff", &[&alice]).await);
    app.map(&staff, "wiki", "user").await;

    // Bob asks for himself.
    let r = app
        .api_post(
            "/access-requests",
            &json!({"requester": bob, "product": "wiki"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json["status"], "pending");
    let bob_request = id(&r.json);
    let r = app
        .api_post(
            "/access-requests",
            &json!({"requester": "BOB@acme.test", "product": "wiki"}),
        )
        .await;
    assert_eq!(
        r.status, 409,
        "one pending request per person and product: {}",
        r.text
    );
    // Alice has access already.
    let r = app
        .api_post(
            "/access-requests",
            &json!({"requester": alice, "product": "wiki"}),
        )
        .await;
    assert_eq!(r.status, 409, "{}", r.text);

    // A new user needs a verified email, and asks only for themselves.
    let r = app
        .api_post(
            "/access-requests",
            &json!({"requester": "carol@ext.test", "product": "wiki"}),
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.text);
    assert!(r.json["detail"]
        .as_str()
        .unwrap()
        .contains("verified email"));
    let r = app
        .api_post(
            "/access-requests",
            &json!({"requester": "carol@ext.test", "for": "dan@ext.test",
                                              "product": "wiki", "email_verified": true}),
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.text);
    let r = app
        .api_post(
            "/access-requests",
            &json!({"requester": "carol@ext.test", "product": "wiki", "email_verified": true}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let carol_request = id(&r.json);

    // A user with the product asks for a new user; one without may not.
    let r = app
        .api_post(
            "/access-requests",
            &json!({"requester": alice, "for": "dan@new.test", "product": "wiki"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json["for_self"], false);
    let dan_request = id(&r.json);
    let r = app
        .api_post(
            "/access-requests",
            &json!({"requester": bob, "for": "erin@new.test", "product": "wiki"}),
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.text);
    assert_eq!(
        app.api_post(
            "/access-requests",
            &json!({"requester": bob, "product": "nope"})
        )
        .await
        .status,
        404
    );
    assert_eq!(
        app.api_post(
            "/access-requests",
            &json!({"requester": "nobody", "product": "wiki"})
        )
        .await
        .status,
        404
    );

    // The admin sees everything about the people in each request.
    let r = app.admin_get("/access-requests?status=pending").await;
    assert_eq!(r.status, 200, "{}", r.text);
    let pending = r.json["items"].as_array().unwrap();
    assert_eq!(pending.len(), 3);
    let dan = pending
        .iter()
        .find(|p| p["id"] == dan_request.as_str())
        .unwrap();
    assert_eq!(dan["requester"]["userName"], "alice@acme.test");
    assert_eq!(dan["requester"]["entitlements"], json!(["wiki:user"]));
    assert_eq!(dan["requester"]["synced"], true);
    assert_eq!(dan["subject"]["new_user"], true);
    assert_eq!(dan["subject"]["email"], "dan@new.test");
    assert_eq!(
        app.admin_get("/access-requests?status=bogus").await.status,
        400
    );

    // Approval: the default group, licensing starts; the source says why.
    let r = app
        .admin_post(
            &format!("/access-requests/{bob_request}/approve"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["status"], "approved");
    assert_eq!(app.entitlements(&bob).await, ["wiki:user"]);
    assert_eq!(app.licenses_used("wiki").await, 2);
    let r = app
        .admin_post(
            &format!("/access-requests/{bob_request}/approve"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, 409, "decided already: {}", r.text);
    let r = app.admin_get("/reports/non-synced-access").await;
    assert_eq!(r.json["items"][0]["user"], bob.as_str());
    assert_eq!(r.json["items"][0]["source"], "access_request");

    // A new user's approval makes the account.
    let r = app
        .admin_post(
            &format!("/access-requests/{dan_request}/approve"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let dan_id = r.json["subject"]["id"].as_str().unwrap().to_owned();
    assert_eq!(app.entitlements(&dan_id).await, ["wiki:user"]);
    assert_eq!(r.json["subject"]["directory"], "local");

    // Denial, with a message, is for good.
    let r = app
        .admin_post(
            &format!("/access-requests/{carol_request}/deny"),
            &json!({"message": "contractors use the portal"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["status"], "denied");
    assert_eq!(r.json["message"], "contractors use the portal");
    for body in [
        json!({"requester": "carol@ext.test", "product": "wiki", "email_verified": true}),
        json!({"requester": alice, "for": "Carol@ext.test", "product": "wiki"}),
    ] {
        let r = app.api_post("/access-requests", &body).await;
        assert_eq!(r.status, 403, "{}", r.text);
        assert!(
            r.json["detail"]
                .as_str()
                .unwrap()
                .contains("can't be requested again"),
            "{}",
            r.text
        );
    }

    // Requests switched off: refused, naming the setting.
    app.set_policy("", &json!({"access_requests": "off"})).await;
    let r = app
        .api_post(
            "/access-requests",
            &json!({"requester": "fay@ext.test", "product": "wiki", "email_verified": true}),
        )
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(
        r.header("content-type").unwrap(),
        "application/problem+json"
    );
    assert_eq!(r.json["setting"], "access_requests");

    let actions = app.audit_actions("&action=access_request.*").await;
    assert_eq!(
        actions,
        [
            "access_request.created",
            "access_request.created",
            "access_request.created",
            "access_request.approved",
            "access_request.approved",
            "access_request.denied"
        ]
    );
    // Each refusal is on the record too.
    let refused = app.audit_actions("&action=policy.rejected").await;
    assert_eq!(refused.len(), 6, "{refused:?}");
}

async fn decide(app: &TestApp, user: &str, product: &str) -> crate::support::app::TestResponse {
    let user: String = url::form_urlencoded::byte_serialize(user.as_bytes()).collect();
    app.api_get(&format!("/decisions?user={user}&product={product}"))
        .await
}

#[actix_web::test]
async fn decisions_answer_who_may_use_a_product() {
    let app = TestApp::new().await;
    app.create_product("acme", "wiki", None).await;
    app.create_product("acme", "docs", None).await;
    let alice = id(&app.create_user("alice@acme.test").await);
    let uaa = id(&app.create_user("uaa@acme.test").await);
    let admins = id(&app.create_group("Wiki admins", &[&alice]).await);
    app.map(&admins, "wiki", "admin").await;
    let access_admins = id(&app.create_group("Wiki access admins", &[&uaa]).await);
    app.map(&access_admins, "wiki", "user-access-admin").await;
    let r = decide(&app, &alice, "wiki").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["allow"], true);
    assert_eq!(r.json["role"], "admin");
    assert_eq!(
        decide(&app, "ALICE@acme.test", "wiki").await.json["allow"],
        true
    );
    let r = decide(&app, &uaa, "wiki").await;
    assert_eq!(
        r.json["allow"], false,
        "user-access-admin alone: {}",
        r.text
    );
    assert_eq!(decide(&app, &alice, "docs").await.json["allow"], false);
    assert_eq!(
        decide(&app, "stranger@x.test", "wiki").await.json["allow"],
        false
    );
    assert_eq!(decide(&app, &alice, "nope").await.status, 404);
    assert_eq!(app.api_get("/decisions?user=x").await.status, 400);

    // Anonymous access lets unknown people in, with no license.
    let r = app
        .admin(actix_web::http::Method::PATCH, "/products/docs")
        .raw(
            "application/json",
            json!({"anonymous_access": true}).to_string().into_bytes(),
        )
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = decide(&app, "stranger@x.test", "docs").await;
    assert_eq!(r.json["allow"], true);
    assert_eq!(r.json["role"], "anonymous");
    assert_eq!(app.licenses_used("docs").await, 0);

    // Deactivation ends it at once.
    let r = crate::admin::scim_patch(
        &app,
        &format!("/scim/v2/Users/{alice}"),
        json!([{"op": "Replace", "path": "active", "value": "False"}]),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = decide(&app, &alice, "wiki").await;
    assert_eq!(r.json["allow"], false);
    assert!(r.json["reason"].as_str().unwrap().contains("deactivated"));

    // The product API wants a product token.
    let r = app
        .request(
            actix_web::http::Method::GET,
            "/api/v1/decisions?user=a&product=wiki",
        )
        .send()
        .await;
    assert_eq!(r.status, 401);
    let r = app
        .request_as(
            &app.admin_token,
            actix_web::http::Method::GET,
            "/api/v1/decisions?user=a&product=wiki",
        )
        .send()
        .await;
    assert_eq!(r.status, 401);
}
