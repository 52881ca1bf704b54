//! Admin roles: each role against every admin and SCIM route (a table
//! written out here, not derived from the server's own), the scope of the
//! scoped roles against real sites and products, scoped tokens (expiry,
//! last use, revocation), and grants to persons and groups.

use actix_web::http::Method;
use serde_json::{json, Value};

use super::id;
use crate::support::TestApp;

/// Who gets past each route's door: O org-admin, S site-admin, U
/// user-access-admin, A auditor. Routes that touch one site's or one
/// product's things let the scoped roles in here and check their scope on
/// the thing (see the scope tests below).
const ADMIN_ROUTES: &[(&str, &str, &str)] = &[
    ("GET", "/directories", "OSUA"),
    ("GET", "/directories/{id}", "OSUA"),
    ("PATCH", "/directories/{id}", "O"),
    ("GET", "/directories/{id}/sync-health", "OSUA"),
    ("GET", "/schemas", "OSUA"),
    ("POST", "/schemas", "O"),
    ("GET", "/schemas/{urn}", "OSUA"),
    ("DELETE", "/schemas/{urn}", "O"),
    ("GET", "/sites", "OSUA"),
    ("POST", "/sites", "O"),
    ("GET", "/products", "OSUA"),
    ("POST", "/products", "OS"),
    ("GET", "/products/{key}", "OSUA"),
    ("PATCH", "/products/{key}", "OS"),
    ("GET", "/products/{key}/licenses", "OSUA"),
    ("GET", "/licenses", "OSUA"),
    ("GET", "/mappings", "OSUA"),
    ("POST", "/mappings", "OS"),
    ("GET", "/mappings/{id}", "OSUA"),
    ("DELETE", "/mappings/{id}", "OS"),
    ("GET", "/groups", "OSUA"),
    ("POST", "/groups", "O"),
    ("GET", "/groups/{id}", "OSUA"),
    ("DELETE", "/groups/{id}", "O"),
    ("GET", "/groups/{id}/members", "OSUA"),
    ("POST", "/groups/{id}/members", "OSU"),
    ("DELETE", "/groups/{id}/members/{user_id}", "OSU"),
    ("GET", "/people", "OSUA"),
    ("GET", "/people/{id}", "OSUA"),
    ("GET", "/people/{id}/access", "OSUA"),
    ("GET", "/users/{id}/access", "OSUA"),
    ("POST", "/users/{id}/suspend", "O"),
    ("POST", "/users/{id}/restore", "O"),
    ("POST", "/customers", "O"),
    ("GET", "/policy", "OSUA"),
    ("PUT", "/policy", "OS"),
    ("GET", "/access-requests", "OSUA"),
    ("GET", "/access-requests/{id}", "OSUA"),
    ("POST", "/access-requests/{id}/approve", "OSU"),
    ("POST", "/access-requests/{id}/deny", "OSU"),
    ("GET", "/invitations", "OSUA"),
    ("GET", "/invitations/{id}", "OSUA"),
    ("DELETE", "/invitations/{id}", "O"),
    ("GET", "/invite-links", "OSUA"),
    ("POST", "/invite-links", "O"),
    ("DELETE", "/invite-links/{id}", "O"),
    ("GET", "/guests", "OSUA"),
    ("POST", "/guests", "OS"),
    ("GET", "/guests/{id}", "OSUA"),
    ("DELETE", "/guests/{id}", "OS"),
    ("POST", "/guests/{id}/spaces", "OS"),
    ("DELETE", "/guests/{id}/spaces/{space}", "OS"),
    ("POST", "/guests/{id}/promote", "O"),
    ("GET", "/audit", "OA"),
    ("GET", "/reports/access", "OA"),
    ("GET", "/reports/non-synced-access", "OA"),
    ("GET", "/reports/licenses", "OA"),
    ("GET", "/reports/leavers", "OA"),
    ("GET", "/admin-roles", "OA"),
    ("POST", "/admin-roles", "O"),
    ("DELETE", "/admin-roles/{id}", "O"),
    ("GET", "/admin-tokens", "O"),
    ("POST", "/admin-tokens", "O"),
    ("DELETE", "/admin-tokens/{id}", "O"),
    ("GET", "/me", "OSUA"),
];

/// SCIM routes with an admin token: reads across directories are the org
/// admin's and the auditor's; no admin token writes IdP data.
const SCIM_ROUTES: &[(&str, &str, &str)] = &[
    ("GET", "/scim/v2/Users", "OA"),
    ("GET", "/scim/v2/Users/{id}", "OA"),
    ("GET", "/scim/v2/Groups", "OA"),
    ("GET", "/scim/v2/Groups/{id}", "OA"),
    ("POST", "/scim/v2/Users/.search", "OA"),
    ("POST", "/scim/v2/Groups/.search", "OA"),
    ("POST", "/scim/v2/.search", "OA"),
    ("GET", "/scim/v2/directories/{directory}/Users", "OA"),
    ("POST", "/scim/v2/Users", ""),
    ("PUT", "/scim/v2/Users/{id}", ""),
    ("PATCH", "/scim/v2/Users/{id}", ""),
    ("DELETE", "/scim/v2/Users/{id}", ""),
    ("POST", "/scim/v2/Groups", ""),
    ("PATCH", "/scim/v2/Groups/{id}", ""),
    ("DELETE", "/scim/v2/Groups/{id}", ""),
    ("POST", "/scim/v2/Bulk", ""),
    ("GET", "/metrics", "OA"),
];

fn method(name: &str) -> Method {
    Method::from_bytes(name.as_bytes()).unwrap()
}

/// A route's path with its parameters filled in with names of nothing
/// (the door is checked before anything is looked up).
fn fill(path: &str, directory: &str) -> String {
    path.replace("{directory}", directory)
        .replace("{urn}", "urn:nothing")
        .replace("{key}", "no-such-product")
        .replace("{user_id}", "no-such-user")
        .replace("{space}", "no-such-space")
        .replace("{id}", "no-such-id")
}

/// A SCIM body fit for the route, so a refusal is about the caller.
fn scim_body(verb: &str, path: &str) -> Value {
    if verb == "PATCH" {
        json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "replace", "path": "displayName", "value": "x"}]})
    } else if path.contains("/Groups") && !path.ends_with(".search") {
        json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "x"})
    } else if path.ends_with(".search") {
        json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"]})
    } else if path.ends_with("Bulk") {
        json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"], "Operations": []})
    } else {
        json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "x@acme.test"})
    }
}

#[actix_web::test]
async fn each_role_reaches_exactly_its_admin_and_scim_routes() {
    let app = TestApp::new().await;
    app.create_product("acme", "jira-software", None).await;
    let tokens = app.role_tokens().await;

    // The table names every admin route the server has, and no other.
    let mut routed: Vec<(String, String)> = gatehouse::http::admin::operation_list()
        .into_iter()
        .filter(|(_, p)| *p != "/openapi.json")
        .map(|(m, p)| (m.to_uppercase(), p.to_owned()))
        .collect();
    let mut tabled: Vec<(String, String)> = ADMIN_ROUTES
        .iter()
        .map(|(m, p, _)| (m.to_string(), p.to_string()))
        .collect();
    routed.sort();
    tabled.sort();
    assert_eq!(routed, tabled, "the role table and the route table differ");

    let mut wrong = Vec::new();
    let routes = ADMIN_ROUTES
        .iter()
        .map(|(m, p, who)| (*m, format!("/admin/v1{}", fill(p, "")), *who))
        .chain(
            SCIM_ROUTES
                .iter()
                .map(|(m, p, who)| (*m, fill(p, &app.directory.id), *who)),
        );
    for (verb, path, who) in routes {
        for (letter, role, token) in &tokens {
            let body = if path.starts_with("/scim") {
                scim_body(verb, &path)
            } else {
                json!({})
            };
            let mut request = app.request_as(token, method(verb), &path);
            if verb != "GET" && verb != "DELETE" {
                let content_type = if path.starts_with("/scim") {
                    "application/scim+json"
                } else {
                    "application/json"
                };
                request = request.raw(content_type, body.to_string().into_bytes());
            }
            let r = request.send().await;
            let admitted = who.contains(*letter);
            // Refused at the door: 403 naming what the route needs and
            // what the caller holds. (An admitted scoped role may still
            // meet a 403 from the thing's scope; that is the next test's.)
            let at_door = r.status == 403 && r.text.contains("this route needs");
            if admitted == at_door || r.status == 401 {
                wrong.push(format!("{role} {verb} {path}: {} {}", r.status, r.text));
            }
            if at_door && !r.text.contains(role) {
                wrong.push(format!(
                    "{role} {verb} {path}: 403 without naming {role}: {}",
                    r.text
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[actix_web::test]
async fn scoped_roles_reach_only_their_site_and_product() {
    let app = TestApp::new().await;
    let jira = app.create_product("acme", "jira-software", None).await;
    app.create_product("acme", "confluence", None).await;
    app.create_product("globex", "globex-wiki", None).await;
    let acme_admin = app
        .scoped_token("site-admin", &json!({"site": "acme"}))
        .await;
    let jira_uaa = app
        .scoped_token("user-access-admin", &json!({"product": "jira-software"}))
        .await;
    let jira_default = jira["default_group"]["id"].as_str().unwrap().to_owned();
    let user = id(&app.create_user("pat@acme.test").await);
    let engineers = id(&app.create_group("Engineers", &[&user]).await);
    let globex_site = app.admin_get("/sites").await.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "globex")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let send = |token: &str, verb: Method, path: &str, body: Option<Value>| {
        let (token, path) = (token.to_owned(), path.to_owned());
        let app = &app;
        async move { app.admin_send_as(&token, verb, &path, body.as_ref()).await }
    };
    // (who, method, path, body, expected status)
    let cases: Vec<(&str, Method, String, Option<Value>, u16)> = vec![
        // Site-admin of acme: acme's products and mappings, not globex's.
        (
            &acme_admin,
            Method::PATCH,
            "/products/jira-software".into(),
            Some(json!({"name": "Jira"})),
            200,
        ),
        (
            &acme_admin,
            Method::PATCH,
            "/products/globex-wiki".into(),
            Some(json!({"name": "Wiki"})),
            403,
        ),
        (
            &acme_admin,
            Method::POST,
            "/products".into(),
            Some(json!({"site": "acme", "key": "acme-new"})),
            201,
        ),
        (
            &acme_admin,
            Method::POST,
            "/products".into(),
            Some(json!({"site": "globex", "key": "globex-new"})),
            403,
        ),
        (
            &acme_admin,
            Method::POST,
            "/mappings".into(),
            Some(json!({"group": engineers, "product": "confluence", "role": "user"})),
            201,
        ),
        (
            &acme_admin,
            Method::POST,
            "/mappings".into(),
            Some(json!({"group": engineers, "product": "globex-wiki", "role": "user"})),
            403,
        ),
        (
            &acme_admin,
            Method::PUT,
            "/policy?site=acme".into(),
            Some(json!({"access_requests": "off"})),
            200,
        ),
        (
            &acme_admin,
            Method::PUT,
            format!("/policy?site={globex_site}"),
            Some(json!({"access_requests": "off"})),
            403,
        ),
        (
            &acme_admin,
            Method::PUT,
            "/policy".into(),
            Some(json!({"access_requests": "off"})),
            403,
        ),
        (
            &acme_admin,
            Method::POST,
            format!("/groups/{jira_default}/members"),
            Some(json!({"users": [user]})),
            201,
        ),
        // UAA of jira-software: who holds Jira, nothing about its settings.
        (
            &jira_uaa,
            Method::PATCH,
            "/products/jira-software".into(),
            Some(json!({"name": "J"})),
            403,
        ),
        (
            &jira_uaa,
            Method::POST,
            "/mappings".into(),
            Some(json!({"group": engineers, "product": "jira-software", "role": "user"})),
            403,
        ),
        (
            &jira_uaa,
            Method::DELETE,
            format!("/groups/{jira_default}/members/{user}"),
            None,
            204,
        ),
        (
            &jira_uaa,
            Method::PUT,
            "/policy?site=acme".into(),
            Some(json!({"access_requests": "on"})),
            403,
        ),
    ];
    let mut wrong = Vec::new();
    for (token, verb, path, body, want) in cases {
        let label = format!("{verb} {path}");
        let r = send(token, verb, &path, body).await;
        if r.status != want {
            wrong.push(format!("{label}: {} (wanted {want}) {}", r.status, r.text));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // The scoped change is audited under the scope that allowed it.
    let r = app.admin_get("/audit?action=product.updated").await;
    let event = &r.json["items"][0];
    assert_eq!(event["role"], "site-admin", "{}", r.text);
    assert!(
        event["scope"].as_str().unwrap().starts_with("site:"),
        "{}",
        r.text
    );
}

#[actix_web::test]
async fn scoped_tokens_expire_record_their_last_use_and_are_revoked() {
    let app = TestApp::new().await;
    app.create_product("acme", "jira-software", None).await;
    // Bad scopes are refused with the reason.
    for (body, want) in [
        (json!({"role": "site-admin"}), "takes a site"),
        (
            json!({"role": "user-access-admin", "site": "acme"}),
            "takes a product",
        ),
        (
            json!({"role": "auditor", "product": "jira-software"}),
            "takes no site or product",
        ),
        (json!({"role": "root"}), "role must be one of"),
        (json!({"role": "auditor", "expires": "soon"}), "lifetime"),
        (
            json!({"role": "site-admin", "site": "nowhere"}),
            "not found",
        ),
    ] {
        let r = app.admin_post("/admin-tokens", &body).await;
        assert!(r.status == 400 || r.status == 404, "{body}: {}", r.text);
        assert!(r.text.contains(want), "{body}: {}", r.text);
    }
    let r = app
        .admin_post(
            "/admin-tokens",
            &json!({"role": "auditor", "name": "soc2", "expires": "90d"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let (token_id, secret) = (
        r.json["id"].as_str().unwrap().to_owned(),
        r.json["token"].as_str().unwrap().to_owned(),
    );
    let listed = |items: &Value| -> Value {
        items["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["id"] == token_id.as_str())
            .cloned()
            .unwrap()
    };
    let before = listed(&app.admin_get("/admin-tokens").await.json);
    assert_eq!(before["role"], "auditor");
    assert_eq!(before["status"], "live");
    assert!(before["expires"].is_string(), "{before}");
    assert!(before.get("last_used").is_none(), "{before}");
    assert!(before.get("token").is_none() && before.get("token_hash").is_none());

    let me = app.admin_send_as(&secret, Method::GET, "/me", None).await;
    assert_eq!(me.status, 200, "{}", me.text);
    assert_eq!(me.json["roles"][0]["role"], "auditor");
    let after = listed(&app.admin_get("/admin-tokens").await.json);
    assert!(after["last_used"].is_string(), "last use recorded: {after}");

    // Revoked: 401 from then on, and listed as revoked.
    let r = app.admin_delete(&format!("/admin-tokens/{token_id}")).await;
    assert_eq!(r.status, 204, "{}", r.text);
    let r = app.admin_send_as(&secret, Method::GET, "/me", None).await;
    assert_eq!(r.status, 401, "{}", r.text);
    assert_eq!(
        listed(&app.admin_get("/admin-tokens").await.json)["status"],
        "revoked"
    );
    let actions = app.audit_actions("").await;
    assert!(
        actions.contains(&"admin_token.created".to_owned()),
        "{actions:?}"
    );
    assert!(
        actions.contains(&"admin_token.revoked".to_owned()),
        "{actions:?}"
    );
}

#[actix_web::test]
async fn an_expired_token_is_refused() {
    let clock = std::sync::Arc::new(gatehouse::clock::FixedClock::at(1_000_000_000_000));
    let app = TestApp::builder().clock(clock.clone()).start().await;
    let r = app
        .admin_post(
            "/admin-tokens",
            &json!({"role": "auditor", "expires": "1h"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let secret = r.json["token"].as_str().unwrap().to_owned();
    let scim = |secret: &str| app.request_as(secret, Method::GET, "/scim/v2/Users").send();
    assert_eq!(scim(&secret).await.status, 200);
    clock.advance(61 * 60 * 1_000_000);
    assert_eq!(
        app.admin_send_as(&secret, Method::GET, "/me", None)
            .await
            .status,
        401
    );
    assert_eq!(scim(&secret).await.status, 401);
}

#[actix_web::test]
async fn roles_are_granted_to_persons_and_groups_and_the_last_org_admin_stays() {
    let app = TestApp::new().await;
    app.create_product("acme", "jira-software", None).await;
    let grant = |body: Value| {
        let app = &app;
        async move { app.admin_post("/admin-roles", &body).await }
    };
    let ann = grant(json!({"role": "org-admin", "email": "Ann@Acme.test"})).await;
    assert_eq!(ann.status, 201, "{}", ann.text);
    assert_eq!(ann.json["email"], "ann@acme.test", "kept folded");
    let again = grant(json!({"role": "org-admin", "email": "ann@acme.test"})).await;
    assert_eq!(again.status, 200, "granting what is held returns it");
    assert_eq!(again.json["id"], ann.json["id"]);
    let group = grant(json!({"role": "auditor", "group": "SOC2 Auditors"})).await;
    assert_eq!(group.status, 201, "{}", group.text);
    for (body, want) in [
        (json!({"role": "auditor"}), "one of the two"),
        (
            json!({"role": "auditor", "email": "a@b.test", "group": "G"}),
            "one of the two",
        ),
        (
            json!({"role": "auditor", "email": "not-an-email"}),
            "not an email",
        ),
        (
            json!({"role": "auditor", "email": "a@b.test", "directory": "d"}),
            "takes none",
        ),
        (
            json!({"role": "site-admin", "email": "a@b.test"}),
            "takes a site",
        ),
        (
            json!({"role": "auditor", "group": "g".repeat(321)}),
            "at most 320",
        ),
    ] {
        let r = grant(body.clone()).await;
        assert_eq!(r.status, 400, "{body}: {}", r.text);
        assert!(r.text.contains(want), "{body}: {}", r.text);
    }
    let listed = app.admin_get("/admin-roles").await;
    assert_eq!(
        listed.json["items"].as_array().unwrap().len(),
        2,
        "{}",
        listed.text
    );

    // Ann is the only person holding org-admin: she stays.
    let ann_id = ann.json["id"].as_str().unwrap();
    let r = app.admin_delete(&format!("/admin-roles/{ann_id}")).await;
    assert_eq!(r.status, 409, "{}", r.text);
    assert_eq!(r.json["code"], "last_org_admin", "{}", r.text);
    // With a second org admin, she can go.
    let bob = grant(json!({"role": "org-admin", "email": "bob@acme.test"})).await;
    assert_eq!(bob.status, 201);
    let r = app.admin_delete(&format!("/admin-roles/{ann_id}")).await;
    assert_eq!(r.status, 204, "{}", r.text);
    let actions = app.audit_actions("").await;
    assert_eq!(
        actions
            .iter()
            .filter(|a| *a == "admin_role.granted")
            .count(),
        3,
        "{actions:?}"
    );
    assert!(
        actions.contains(&"admin_role.revoked".to_owned()),
        "{actions:?}"
    );
}

#[actix_web::test]
async fn two_removals_at_once_leave_one_org_admin() {
    let app = TestApp::new().await;
    let mut ids = Vec::new();
    for email in ["ann@acme.test", "bob@acme.test"] {
        let r = app
            .admin_post(
                "/admin-roles",
                &json!({"role": "org-admin", "email": email}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
        ids.push(r.json["id"].as_str().unwrap().to_owned());
    }
    for _ in 0..5 {
        let (a, b) = futures_util::future::join(
            app.admin_delete(&format!("/admin-roles/{}", ids[0])),
            app.admin_delete(&format!("/admin-roles/{}", ids[1])),
        )
        .await;
        let mut statuses = [a.status, b.status];
        statuses.sort();
        assert_eq!(statuses, [204, 409], "{} / {}", a.text, b.text);
        let left = app.admin_get("/admin-roles").await.json["items"]
            .as_array()
            .unwrap()
            .len();
        assert_eq!(left, 1);
        // Grant the removed one again for the next round.
        let gone = if a.status == 204 { 0 } else { 1 };
        let email = ["ann@acme.test", "bob@acme.test"][gone];
        let r = app
            .admin_post(
                "/admin-roles",
                &json!({"role": "org-admin", "email": email}),
            )
            .await;
        ids[gone] = r.json["id"].as_str().unwrap().to_owned();
    }
}
