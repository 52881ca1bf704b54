//! Seed 004: "all access manually controlled by IT, with no self-service
//! or automatic provisioning" — IT-only mode.

use serde_json::json;

use crate::admin::id;
use crate::support::TestApp;

#[actix_web::test]
async fn it_only_mode_leaves_synced_groups_as_the_only_road_to_a_license() {
    let app = TestApp::new().await;
    let wiki = app.create_product("acme", "wiki", None).await;
    let wiki_default = wiki["default_group"]["id"].as_str().unwrap().to_owned();
    app.set_policy(
        "",
        &json!({
            "approved_domains": [{"domain": "acme.test", "mode": "direct"}],
            "invitations": "users",
            "verified_domains": ["acme.test"],
        }),
    )
    .await;

    // Before: access from outside the IdP, and a pending request.
    let insider = id(&app.create_user("insider@acme.test").await);
    let staff = id(&app.create_group("Staff", &[&insider]).await);
    app.map(&staff, "wiki", "user").await;
    let r = app
        .api_post(
            "/signups",
            &json!({"email": "joiner@acme.test", "product": "wiki", "email_verified": true}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json["status"], "joined");
    let joiner = r.json["user"].as_str().unwrap().to_owned();
    let outsider = id(&app.create_user("outsider@acme.test").await);
    let r = app
        .api_post(
            "/access-requests",
            &json!({"requester": outsider, "product": "wiki"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let pending = id(&r.json);

    // Lock down: pending requests close; non-synced access is listed.
    let r = app.set_policy("", &json!({"it_only": true})).await;
    assert_eq!(r.json["policy"]["effective"]["it_only"], true);
    assert_eq!(r.json["lockdown"]["closed_requests"], json!([pending]));
    let listed = r.json["lockdown"]["non_synced_access"].as_array().unwrap();
    assert_eq!(listed.len(), 1, "{}", r.text);
    assert_eq!(listed[0]["user"], joiner.as_str());
    assert_eq!(listed[0]["source"], "approved_domain");
    assert_eq!(r.json["lockdown"]["revoked"], 0);
    let r = app.admin_get(&format!("/access-requests/{pending}")).await;
    assert_eq!(r.json["status"], "closed");

    // Every self-service road answers 403 naming the setting.
    let attempts = [
        (
            "/access-requests",
            json!({"requester": outsider, "product": "wiki"}),
        ),
        (
            "/invitations",
            json!({"email": "friend@else.test", "product": "wiki", "invited_by": insider}),
        ),
        (
            "/signups",
            json!({"email": "late@acme.test", "product": "wiki", "email_verified": true}),
        ),
    ];
    for (path, body) in &attempts {
        let r = app.api_post(path, body).await;
        assert_eq!(r.status, 403, "{path}: {}", r.text);
        assert_eq!(r.json["setting"], "it_only", "{path}");
        assert_eq!(r.json["code"], "policy");
        assert!(r.json["detail"].as_str().unwrap().contains("IT-only"));
    }
    let r = app
        .admin_post(
            "/guests",
            &json!({"email": "guest@else.test", "site": "acme"}),
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.text);
    assert_eq!(r.json["setting"], "it_only");
    let r = app
        .admin_post(&format!("/access-requests/{pending}/approve"), &json!({}))
        .await;
    assert_eq!(r.status, 409, "closed requests stay closed: {}", r.text);
    // Direct grants and local-group mappings too…
    let r = app
        .admin_post(
            &format!("/groups/{wiki_default}/members"),
            &json!({"users": [outsider]}),
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.text);
    assert_eq!(r.json["setting"], "it_only");
    let local = id(&app
        .admin_post("/groups", &json!({"displayName": "Helpers"}))
        .await
        .json);
    let r = app
        .admin_post(
            "/mappings",
            &json!({"group": local, "product": "wiki", "role": "user"}),
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.text);
    assert_eq!(r.json["setting"], "it_only");
    // …unless an emergency says why: audited and reported until removed.
    let r = app
        .admin_post(
            &format!("/groups/{wiki_default}/members"),
            &json!({"users": [outsider], "break_glass_reason": "incident 4711"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let r = app.admin_get("/reports/non-synced-access").await;
    let glass: Vec<_> = r.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["break_glass_reason"] == "incident 4711")
        .collect();
    assert_eq!(glass.len(), 1, "{}", r.text);
    assert_eq!(glass[0]["user"], outsider.as_str());

    // Automatic access is off in IT-only mode.
    app.set_policy("", &json!({"auto_access": ["wiki"]})).await;
    let newcomer = id(&app.create_user("newcomer@acme.test").await);
    assert!(app.entitlements(&newcomer).await.is_empty());

    // The synced road still works.
    let r = crate::admin::scim_patch(
        &app,
        &format!("/scim/v2/Groups/{staff}"),
        json!([{"op": "add", "path": "members", "value": [{"value": newcomer}]}]),
    )
    .await;
    assert_eq!(r.status, 204, "{}", r.text);
    assert_eq!(app.entitlements(&newcomer).await, ["wiki:user"]);

    // On request, everything not from a synced group goes.
    let r = app.set_policy("?revoke_non_synced=true", &json!({})).await;
    assert_eq!(r.json["lockdown"]["revoked"], 2, "{}", r.text);
    assert!(app.entitlements(&joiner).await.is_empty());
    assert!(app.entitlements(&outsider).await.is_empty());
    let r = app.admin_get("/reports/non-synced-access").await;
    assert_eq!(r.json["items"], json!([]));
    let r = app.admin_get("/reports/access?product=wiki").await;
    let users: Vec<&str> = r.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["userName"].as_str().unwrap())
        .collect();
    assert_eq!(users, ["insider@acme.test", "newcomer@acme.test"]);
    assert!(r.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|l| l["via"][0]["synced"] == true));

    // Every refusal is an audit event; the toggles are a timeline.
    let refused = app.audit_actions("&action=policy.rejected").await;
    assert_eq!(refused.len(), 4, "{refused:?}");
    let settings = app.admin_get("/audit?action=settings.changed").await;
    let timeline: Vec<&serde_json::Value> = settings.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["after"]["effective"]["it_only"])
        .collect();
    assert_eq!(
        timeline,
        [&json!(false), &json!(true), &json!(true), &json!(true)]
    );

    // Off again: self-service and automatic access come back.
    app.set_policy("", &json!({"it_only": false})).await;
    let later = id(&app.create_user("later@acme.test").await);
    assert_eq!(app.entitlements(&later).await, ["wiki:user"]);
    let r = app
        .admin_get(&format!("/groups/{wiki_default}/members"))
        .await;
    let sources: Vec<&str> = r.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["source"].as_str().unwrap())
        .collect();
    assert_eq!(sources, ["auto_access"]);
}

#[actix_web::test]
async fn a_site_can_be_locked_down_alone() {
    let app = TestApp::new().await;
    app.create_product("locked", "wiki", None).await;
    app.create_product("open", "docs", None).await;
    let r = app.admin_get("/sites").await;
    let locked = r.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "locked")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = app
        .set_policy(&format!("?site={locked}"), &json!({"it_only": true}))
        .await;
    assert_eq!(r.json["policy"]["scope"], locked.as_str());
    assert_eq!(r.json["policy"]["overrides"], json!({"it_only": true}));
    let r = app.admin_get("/policy").await;
    assert_eq!(r.json["effective"]["it_only"], false);
    let r = app.admin_get("/policy?site=locked").await;
    assert_eq!(r.json["effective"]["it_only"], true);
    let bob = id(&app.create_user("bob@acme.test").await);
    let r = app
        .api_post(
            "/access-requests",
            &json!({"requester": bob, "product": "wiki"}),
        )
        .await;
    assert_eq!(r.status, 403);
    let r = app
        .api_post(
            "/access-requests",
            &json!({"requester": bob, "product": "docs"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    // Bad policy input is a clear 400 and changes nothing.
    for bad in [
        json!({"it_only": "yes"}),
        json!({"invitations": "everyone"}),
        json!({"access_requests": "maybe"}),
        json!({"approved_domains": [{"domain": "not a domain", "mode": "direct"}]}),
        json!({"auto_access": ["nope"]}),
        json!({"colour": "red"}),
    ] {
        let r = app
            .admin(actix_web::http::Method::PUT, "/policy")
            .raw("application/json", bad.to_string().into_bytes())
            .send()
            .await;
        assert!(r.status == 400 || r.status == 404, "{bad}: {}", r.text);
    }
    assert_eq!(app.admin_get("/policy").await.json["overrides"], json!({}));
    assert_eq!(app.admin_get("/policy?site=nowhere").await.status, 404);
}
