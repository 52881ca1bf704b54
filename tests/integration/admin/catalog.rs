//! Sites, products and their default groups; admin API errors.

use actix_web::http::Method;
use serde_json::json;

use super::id;
use crate::support::TestApp;

#[actix_web::test]
async fn a_product_comes_with_roles_and_a_default_group_mapped_to_user() {
    let app = TestApp::new().await;
    let r = app.admin_post("/sites", &json!({"name": "acme"})).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.header("content-type").unwrap(), "application/json");
    let site = id(&r.json);
    let r = app
        .admin_post(
            "/products",
            &json!({"site": site, "key": "jira-software", "name": "Jira", "license_cap": 10}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json["key"], "jira-software");
    assert_eq!(r.json["site"], site.as_str());
    assert_eq!(r.json["license_cap"], 10);
    assert_eq!(
        r.json["roles"],
        json!(["user", "admin", "user-access-admin", "guest"])
    );
    assert_eq!(
        r.json["default_group"]["displayName"],
        "jira-software-users-acme"
    );
    let default_group = r.json["default_group"]["id"].as_str().unwrap().to_owned();

    // A service desk also has portal customers.
    let r = app
        .admin_post(
            "/products",
            &json!({"site": "acme", "key": "jira-service-management"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(
        r.json["roles"],
        json!(["user", "admin", "user-access-admin", "guest", "customer"])
    );

    // The default group is local, mapped to `user`, and grants it.
    let r = app.admin_get(&format!("/groups/{default_group}")).await;
    assert_eq!(r.json["synced"], false);
    assert_eq!(r.json["default_for"], "jira-software");
    let r = app.admin_get("/mappings?product=jira-software").await;
    let mappings = r.json["items"].as_array().unwrap();
    assert_eq!(mappings.len(), 1);
    assert_eq!(mappings[0]["role"], "user");
    assert_eq!(mappings[0]["group"]["id"], default_group.as_str());
    let user = id(&app.create_user("dana@acme.test").await);
    let r = app
        .admin_post(
            &format!("/groups/{default_group}/members"),
            &json!({"users": [user]}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json["items"][0]["source"], "admin");
    assert_eq!(app.entitlements(&user).await, ["jira-software:user"]);
    assert_eq!(app.licenses_used("jira-software").await, 1);
    let r = app.admin_get(&format!("/users/{user}/access")).await;
    assert_eq!(r.json["entitlements"][0]["via"][0]["synced"], false);
    // The IdP sees the access, not the local group it can't read.
    let r = app.get(&format!("/scim/v2/Users/{user}")).await;
    assert!(r.json.get("groups").is_none(), "{}", r.text);
    assert_eq!(r.json["entitlements"][0]["value"], "jira-software:user");
    assert_eq!(
        super::users_matching(&app, "groups pr").await,
        Vec::<String>::new()
    );
    // Nor can it find the local group's members through it.
    for filter in [
        format!("groups[value eq \"{default_group}\"]"),
        "groups.display eq \"jira-software-users-acme\"".to_owned(),
    ] {
        assert_eq!(
            super::users_matching(&app, &filter).await,
            Vec::<String>::new(),
            "{filter}"
        );
    }
    assert_eq!(
        super::users_matching(&app, r#"entitlements[value eq "jira-software:user"]"#).await,
        vec![user.clone()]
    );

    // It can't be deleted, nor can its mapping to `user`.
    let r = app.admin_delete(&format!("/groups/{default_group}")).await;
    assert_eq!(r.status, 409, "{}", r.text);
    let r = app
        .admin_delete(&format!(
            "/mappings/{}",
            mappings[0]["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(r.status, 409, "{}", r.text);

    // An IdP can't push a group onto a default group's name.
    let r = app
        .post(
            "/scim/v2/Groups",
            &json!({"schemas": [crate::scim::GROUP], "displayName": "JIRA-SOFTWARE-USERS-ACME"}),
        )
        .await;
    assert_eq!(r.status, 409, "{}", r.text);
    assert_eq!(r.json["scimType"], "uniqueness");
    assert!(r.json["detail"]
        .as_str()
        .unwrap()
        .contains("default group of product \"jira-software\""));

    // Removing the member takes the access away.
    let r = app
        .admin_delete(&format!("/groups/{default_group}/members/{user}"))
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    assert!(app.entitlements(&user).await.is_empty());
    let r = app.admin_get("/licenses").await;
    assert_eq!(
        r.json["items"],
        json!([{"product": "jira-service-management", "used": 0, "cap": null},
               {"product": "jira-software", "used": 0, "cap": 10}])
    );
}

#[actix_web::test]
async fn admin_errors_are_problem_documents() {
    let app = TestApp::new().await;
    // No token, a directory token, a wrong token: 401.
    for r in [
        app.request(Method::GET, "/admin/v1/sites")
            .without_auth()
            .send()
            .await,
        app.get("/admin/v1/sites").await,
        app.request_as("gh_nope", Method::GET, "/admin/v1/sites")
            .send()
            .await,
    ] {
        assert_eq!(r.status, 401, "{}", r.text);
        assert_eq!(
            r.header("content-type").unwrap(),
            "application/problem+json"
        );
        assert_eq!(r.json["code"], "unauthorized");
        assert!(r.header("www-authenticate").unwrap().starts_with("Bearer"));
    }
    let r = app
        .admin(Method::POST, "/sites")
        .raw("application/json", b"{not json".to_vec())
        .send()
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json["type"], "about:blank");
    assert_eq!(r.json["title"], "Bad Request");
    assert_eq!(r.json["status"], 400);
    assert_eq!(r.json["code"], "invalid");
    let r = app
        .admin_post("/sites", &json!({"name": "acme", "colour": "red"}))
        .await;
    assert_eq!(r.status, 400);
    assert!(
        r.json["detail"].as_str().unwrap().contains("colour"),
        "{}",
        r.text
    );
    assert_eq!(
        app.admin_post("/sites", &json!({"name": " "})).await.status,
        400
    );
    assert_eq!(
        app.admin_post("/sites", &json!({"name": "acme"}))
            .await
            .status,
        201
    );
    assert_eq!(
        app.admin_post("/sites", &json!({"name": "ACME"}))
            .await
            .status,
        409
    );

    let product = |key: &str| json!({"site": "acme", "key": key});
    assert_eq!(
        app.admin_post("/products", &product("Bad Key"))
            .await
            .status,
        400
    );
    assert_eq!(
        app.admin_post("/products", &product("a:b")).await.status,
        400
    );
    let r = app
        .admin_post("/products", &json!({"site": "nowhere", "key": "wiki"}))
        .await;
    assert_eq!(r.status, 404, "{}", r.text);
    let r = app
        .admin_post(
            "/products",
            &json!({"site": "acme", "key": "wiki", "license_cap": -1}),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.text);
    assert_eq!(
        app.admin_post("/products", &product("wiki")).await.status,
        201
    );
    let r = app.admin_post("/products", &product("wiki")).await;
    assert_eq!(r.status, 409);
    assert_eq!(r.json["code"], "conflict");

    assert_eq!(app.admin_get("/products/nope").await.status, 404);
    assert_eq!(app.admin_get("/products/nope/licenses").await.status, 404);
    assert_eq!(app.admin_get("/users/nope/access").await.status, 404);
    assert_eq!(app.admin_get("/mappings/nope").await.status, 404);
    assert_eq!(app.admin_delete("/mappings/nope").await.status, 404);
    assert_eq!(app.admin_get("/groups/nope").await.status, 404);
    let r = app
        .admin_post(
            "/mappings",
            &json!({"group": "g", "product": "wiki", "role": "owner"}),
        )
        .await;
    assert_eq!(r.status, 400);
    assert!(
        r.json["detail"].as_str().unwrap().contains("user, admin"),
        "{}",
        r.text
    );
    let r = app
        .admin_post(
            "/mappings",
            &json!({"group": "g", "product": "wiki", "role": "customer"}),
        )
        .await;
    assert_eq!(
        r.status, 400,
        "no customer role outside service desks: {}",
        r.text
    );
    let r = app
        .admin_post(
            "/mappings",
            &json!({"group": "g", "product": "wiki", "role": "user", "directory": "nope"}),
        )
        .await;
    assert_eq!(r.status, 404, "{}", r.text);
    let first = app.map("g", "wiki", "user").await;
    let r = app
        .admin_post(
            "/mappings",
            &json!({"group": "G", "product": "wiki", "role": "user"}),
        )
        .await;
    assert_eq!(r.status, 200, "the same waiting mapping twice: {}", r.text);
    assert_eq!(r.json["id"], first["id"], "not duplicated");

    let r = app.admin_get("/no/such/thing").await;
    assert_eq!(r.status, 404);
    assert_eq!(r.json["code"], "not_found");
    let r = app.admin(Method::PUT, "/sites").send().await;
    assert_eq!(r.status, 405);
    assert_eq!(r.json["code"], "method_not_allowed");
}

#[actix_web::test]
async fn a_group_name_in_two_directories_needs_the_directory() {
    let app = TestApp::new().await;
    app.create_product("acme", "wiki", None).await;
    let other = app.other_directory("Entra");
    app.create_group("Staff", &[]).await;
    let r = app
        .request_as(&other.token, Method::POST, "/scim/v2/Groups")
        .json(&json!({"schemas": [crate::scim::GROUP], "displayName": "Staff"}))
        .send()
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let r = app
        .admin_post(
            "/mappings",
            &json!({"group": "Staff", "product": "wiki", "role": "user"}),
        )
        .await;
    assert_eq!(r.status, 409, "{}", r.text);
    let r = app
        .admin_post(
            "/mappings",
            &json!({"group": "Staff", "product": "wiki", "role": "user", "directory": other.id}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json["group"]["directory"], other.id.as_str());
}

#[actix_web::test]
async fn a_key_lives_on_each_site_and_the_second_is_named_key_at_site() {
    let app = TestApp::new().await;
    let acme = app.create_product("acme", "jira-software", None).await;
    assert_eq!(
        (acme["id"].clone(), acme["key"].clone()),
        (json!("jira-software"), json!("jira-software"))
    );
    let beta = app.create_product("Beta", "jira-software", Some(1)).await;
    assert_eq!(beta["id"], "jira-software@beta");
    assert_eq!(beta["key"], "jira-software");
    assert_eq!(
        beta["default_group"]["displayName"],
        "jira-software-users-beta"
    );
    let r = app
        .admin_post(
            "/products",
            &json!({"site": "beta", "key": "jira-software"}),
        )
        .await;
    assert_eq!(r.status, 409, "{}", r.text);

    // The short form stays the first site's; `?site=` or the id reach the other.
    let r = app.admin_get("/products/jira-software").await;
    assert_eq!(r.json["site"], acme["site"]);
    for path in [
        "/products/jira-software?site=Beta",
        "/products/jira-software@beta",
    ] {
        let r = app.admin_get(path).await;
        assert_eq!(
            (r.status, r.json["id"].clone()),
            (200, json!("jira-software@beta")),
            "{path}: {}",
            r.text
        );
    }
    assert_eq!(
        app.admin_get("/products/jira-software?site=nowhere")
            .await
            .status,
        404
    );
    let r = app
        .admin(Method::PATCH, "/products/jira-software?site=beta")
        .json(&json!({"license_cap": 2}))
        .send()
        .await;
    assert_eq!(
        (r.status, r.json["license_cap"].clone()),
        (200, json!(2)),
        "{}",
        r.text
    );
    assert_eq!(
        app.admin_get("/products/jira-software").await.json["license_cap"],
        json!(null)
    );

    // Entitlements and licenses name the product by its id.
    let ann = id(&app.create_user("ann@acme.test").await);
    let g = id(&app.create_group("Beta devs", &[&ann]).await);
    app.map(&g, "jira-software@beta", "user").await;
    assert_eq!(app.entitlements(&ann).await, ["jira-software@beta:user"]);
    assert_eq!(app.licenses_used("jira-software@beta").await, 1);
    assert_eq!(app.licenses_used("jira-software").await, 0);
}

#[actix_web::test]
async fn a_product_never_makes_a_second_group_of_a_name_an_idp_holds() {
    let app = TestApp::new().await;
    app.create_product("acme", "jira-software", None).await;
    let pushed = id(&app.create_group("wiki-users-acme", &[]).await);
    let r = app
        .admin_post("/products", &json!({"site": "acme", "key": "wiki"}))
        .await;
    assert_eq!(r.status, 409, "{}", r.text);
    assert!(
        r.json["detail"].as_str().unwrap().contains(&pushed),
        "{}",
        r.text
    );
    assert_eq!(app.admin_get("/products/wiki").await.status, 404);
    // Renamed in the IdP: the product can be made.
    let r = crate::admin::scim_patch(
        &app,
        &format!("/scim/v2/Groups/{pushed}"),
        json!([{"op": "replace", "path": "displayName", "value": "Wiki readers"}]),
    )
    .await;
    assert!(r.status < 300, "{}", r.text);
    app.create_product("acme", "wiki", None).await;

    // Sites whose names would share product ids and group names: refused.
    assert_eq!(
        app.admin_post("/sites", &json!({"name": "New York"}))
            .await
            .status,
        201
    );
    let r = app.admin_post("/sites", &json!({"name": "new-york"})).await;
    assert_eq!(r.status, 409, "{}", r.text);
}

#[actix_web::test]
async fn an_oversized_body_is_a_problem_document_on_admin_and_product_apis() {
    let app = TestApp::builder()
        .settings(|s| s.max_payload_bytes = 4096)
        .start()
        .await;
    let big = json!({"name": "x".repeat(8192)}).to_string().into_bytes();
    for (r, what) in [
        (
            app.admin(Method::POST, "/sites")
                .raw("application/json", big.clone())
                .send()
                .await,
            "admin",
        ),
        (
            app.request_as(&app.product_token, Method::POST, "/api/v1/access-requests")
                .raw("application/json", big.clone())
                .send()
                .await,
            "product",
        ),
    ] {
        assert_eq!(r.status, 413, "{what}: {}", r.text);
        assert_eq!(
            r.header("content-type").unwrap(),
            "application/problem+json",
            "{what}"
        );
        assert_eq!(r.json["status"], 413, "{what}: {}", r.text);
    }
    assert_eq!(app.admin_get("/sites").await.json["items"], json!([]));
}
