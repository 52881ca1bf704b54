//! Seed 003: guests — one space per site, promotion, removal.

use serde_json::json;

use crate::support::TestApp;

#[actix_web::test]
async fn a_guest_lives_in_one_space_per_site_and_uses_no_license() {
    let app = TestApp::new().await;
    app.create_product("acme", "jira-software", Some(1)).await;
    app.set_policy("", &json!({"verified_domains": ["acme.test"]}))
        .await;

    let r = app
        .admin_post(
            "/guests",
            &json!({"email": "staff@acme.test", "site": "acme"}),
        )
        .await;
    assert_eq!(r.status, 409, "guests are external: {}", r.text);
    assert_eq!(r.json["code"], "not_external");
    let r = app
        .admin_post(
            "/guests",
            &json!({"email": "vendor@ext.test", "site": "acme"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json["status"], "site_guest");
    let guest = r.json["id"].as_str().unwrap().to_owned();
    let user = r.json["user"].as_str().unwrap().to_owned();
    assert_eq!(
        app.admin_post(
            "/guests",
            &json!({"email": "VENDOR@ext.test", "site": "acme"})
        )
        .await
        .status,
        409
    );
    // A site guest sees nothing until a space admin adds them to a space.
    assert!(app.entitlements(&user).await.is_empty());

    let r = app
        .admin_post(
            &format!("/guests/{guest}/spaces"),
            &json!({"space": "PROJ"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json["status"], "in_space");
    assert_eq!(r.json["space"], "PROJ");
    assert_eq!(app.entitlements(&user).await, ["jira-software:guest"]);
    assert_eq!(app.licenses_used("jira-software").await, 0);
    let r = app.admin_get("/reports/licenses").await;
    assert_eq!(r.json["items"][0]["guests"], 1);
    let r = app
        .admin_post(
            &format!("/guests/{guest}/spaces"),
            &json!({"space": "OTHER"}),
        )
        .await;
    assert_eq!(r.status, 409, "one space per site: {}", r.text);

    // Out of the space: still a guest, no access.
    let r = app
        .admin_delete(&format!("/guests/{guest}/spaces/PROJ"))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["status"], "site_guest");
    assert!(app.entitlements(&user).await.is_empty());
    assert_eq!(
        app.admin_delete(&format!("/guests/{guest}/spaces/PROJ"))
            .await
            .status,
        404
    );
    let r = app
        .admin_post(
            &format!("/guests/{guest}/spaces"),
            &json!({"space": "OTHER"}),
        )
        .await;
    assert_eq!(
        r.status, 201,
        "the first removed, a second space is fine: {}",
        r.text
    );

    // Promotion: a licensed user, no longer a guest.
    let r = app
        .admin_post(
            &format!("/guests/{guest}/promote"),
            &json!({"product": "jira-software", "role": "guest"}),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.text);
    let r = app
        .admin_post(
            &format!("/guests/{guest}/promote"),
            &json!({"product": "jira-software", "role": "user"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(app.entitlements(&user).await, ["jira-software:user"]);
    assert_eq!(app.licenses_used("jira-software").await, 1);
    assert_eq!(app.admin_get(&format!("/guests/{guest}")).await.status, 404);

    // Another guest, removed from the site.
    let r = app
        .admin_post(
            "/guests",
            &json!({"email": "temp@ext.test", "site": "acme"}),
        )
        .await;
    let temp = r.json["id"].as_str().unwrap().to_owned();
    let temp_user = r.json["user"].as_str().unwrap().to_owned();
    app.admin_post(&format!("/guests/{temp}/spaces"), &json!({"space": "PROJ"}))
        .await;
    // Promotion past the cap is refused and leaves the guest as they were.
    let r = app
        .admin_post(
            &format!("/guests/{temp}/promote"),
            &json!({"product": "jira-software"}),
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.text);
    assert_eq!(app.entitlements(&temp_user).await, ["jira-software:guest"]);
    assert_eq!(
        app.admin_delete(&format!("/guests/{temp}")).await.status,
        204
    );
    assert!(app.entitlements(&temp_user).await.is_empty());
    assert_eq!(app.admin_get("/guests").await.json["items"], json!([]));

    let actions = app.audit_actions("&action=guest.*").await;
    assert_eq!(
        actions,
        [
            "guest.invited",
            "guest.space_assigned",
            "guest.space_removed",
            "guest.space_assigned",
            "guest.promoted",
            "guest.invited",
            "guest.space_assigned",
            "guest.removed",
        ]
    );
}

#[actix_web::test]
async fn guests_are_external_keep_their_space_when_promoted_elsewhere_and_re_adding_is_a_no_op() {
    let app = TestApp::new().await;
    app.create_product("acme", "jira-software", None).await;
    app.create_product("acme", "confluence", None).await;
    let refused = |r: &crate::support::app::TestResponse| {
        assert_eq!(r.status, 409, "{}", r.text);
        assert_eq!(r.json["code"], "not_external", "{}", r.text);
    };
    // An employee the IdP manages (on no verified domain: the IdP says so).
    app.create_user("employee@contractor.test").await;
    refused(
        &app.admin_post(
            "/guests",
            &json!({"email": "Employee@contractor.test", "site": "acme"}),
        )
        .await,
    );
    // A portal-only customer.
    let r = app
        .admin_post("/customers", &json!({"email": "pat@customer.test"}))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    refused(
        &app.admin_post(
            "/guests",
            &json!({"email": "pat@customer.test", "site": "acme"}),
        )
        .await,
    );
    assert_eq!(app.admin_get("/guests").await.json["items"], json!([]));

    let r = app
        .admin_post(
            "/guests",
            &json!({"email": "vendor@ext.test", "site": "acme"}),
        )
        .await;
    let (guest, user) = (
        r.json["id"].as_str().unwrap().to_owned(),
        r.json["user"].as_str().unwrap().to_owned(),
    );
    let space = json!({"space": "PROJ", "product": "jira-software"});
    let r = app
        .admin_post(&format!("/guests/{guest}/spaces"), &space)
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    // The same space again: nothing changes, 200.
    let r = app
        .admin_post(&format!("/guests/{guest}/spaces"), &space)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["space"], "PROJ");
    assert_eq!(
        app.audit_actions("&action=guest.space_assigned")
            .await
            .len(),
        1
    );

    // Promoted on Confluence: licensed there, still a guest in PROJ on Jira.
    let r = app
        .admin_post(
            &format!("/guests/{guest}/promote"),
            &json!({"product": "confluence"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        app.entitlements(&user).await,
        ["confluence:user", "jira-software:guest"]
    );
    let r = app.admin_get(&format!("/guests/{guest}")).await;
    assert_eq!(
        (r.status, r.json["space"].clone()),
        (200, json!("PROJ")),
        "{}",
        r.text
    );
    assert_eq!(app.licenses_used("jira-software").await, 0);
    // Promoted on the space's own product: no longer a guest.
    let r = app
        .admin_post(
            &format!("/guests/{guest}/promote"),
            &json!({"product": "jira-software"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        app.entitlements(&user).await,
        ["confluence:user", "jira-software:user"]
    );
    assert_eq!(app.admin_get(&format!("/guests/{guest}")).await.status, 404);
}
