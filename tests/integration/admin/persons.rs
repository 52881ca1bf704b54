//! Persons: one human, one account set, one license per product; the IdP
//! decides. Every self-service road into a person who also has an IdP
//! identity is closed when the identity goes, and opens again with it.

use serde_json::{json, Value};

use super::{id, scim_patch};
use crate::scim::USER;
use crate::support::TestApp;

/// An IdP user with a work email.
fn identity(email: &str) -> Value {
    json!({"schemas": [USER], "userName": email, "active": true,
           "emails": [{"value": email, "type": "work", "primary": true}]})
}

async fn decision(app: &TestApp, who: &str, product: &str) -> Value {
    let r = app
        .api_get(&format!("/decisions?user={who}&product={product}"))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.json
}

async fn person(app: &TestApp, email: &str) -> Value {
    let r = app.admin_get(&format!("/people?email={email}")).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let items = r.json["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{email}: {}", r.text);
    items[0].clone()
}

async fn access_of(app: &TestApp, email: &str) -> Value {
    let p = person(app, email).await;
    let r = app
        .admin_get(&format!("/people/{}/access", p["id"].as_str().unwrap()))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.json["entitlements"].clone()
}

async fn leavers(app: &TestApp) -> Value {
    let r = app.admin_get("/reports/leavers").await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.json["items"].clone()
}

async fn set_active(app: &TestApp, user: &str, active: bool) {
    let r = scim_patch(
        app,
        &format!("/scim/v2/Users/{user}"),
        json!([{"op": "replace", "value": {"active": active}}]),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
}

/// (email, product) the person holds through a self-service road.
const ROADS: [(&str, &str); 7] = [
    ("signup@acme.com", "wiki"),
    ("asker@acme.com", "wiki"),
    ("invitee@acme.com", "wiki"),
    ("guest@partner.org", "wiki"),
    ("customer@acme.com", "desk"),
    ("granted@acme.com", "notes"),
    ("glass@acme.com", "wiki"),
];

#[actix_web::test]
async fn every_self_service_road_closes_when_the_idp_lets_the_person_go() {
    let app = TestApp::new().await;
    app.create_product("acme", "wiki", Some(10)).await;
    app.create_product("acme", "notes", None).await;
    let r = app
        .admin_post(
            "/products",
            &json!({"site": "acme", "key": "desk", "service_desk": true}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    app.set_policy(
        "",
        &json!({"approved_domains": [{"domain": "acme.com", "mode": "direct"}],
                "verified_domains": ["acme.com"]}),
    )
    .await;

    // Signup through an approved domain.
    let r = app
        .api_post(
            "/signups",
            &json!({"email": "signup@acme.com", "product": "wiki", "email_verified": true}),
        )
        .await;
    assert_eq!(r.json["status"], "joined", "{}", r.text);
    // An approved request of a new user.
    let r = app
        .api_post(
            "/access-requests",
            &json!({"requester": "asker@acme.com", "product": "wiki", "email_verified": true}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let r = app
        .admin_post(
            &format!("/access-requests/{}/approve", id(&r.json)),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    // An accepted invitation.
    let r = app
        .api_post(
            "/invitations",
            &json!({"email": "invitee@acme.com", "product": "wiki"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let r = app
        .api_post(&format!("/invitations/{}/accept", id(&r.json)), &json!({}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    // A guest in a space.
    let r = app
        .admin_post(
            "/guests",
            &json!({"email": "guest@partner.org", "site": "acme"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let r = app
        .admin_post(
            &format!("/guests/{}/spaces", id(&r.json)),
            &json!({"space": "PROJ", "product": "wiki"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    // A portal-only customer of the service desk.
    let r = app
        .admin_post("/customers", &json!({"email": "customer@acme.com"}))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let customer = r.json["user"].as_str().unwrap().to_owned();
    let portal = id(&app
        .admin_post("/groups", &json!({"displayName": "Portal"}))
        .await
        .json);
    app.map(&portal, "desk", "customer").await;
    let r = app
        .admin_post(
            &format!("/groups/{portal}/members"),
            &json!({"users": [customer]}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    // An admin grant through a local group.
    let r = app
        .api_post(
            "/invitations",
            &json!({"email": "granted@acme.com", "product": "wiki", "role": "guest"}),
        )
        .await;
    let r = app
        .api_post(&format!("/invitations/{}/accept", id(&r.json)), &json!({}))
        .await;
    let granted = r.json["user"].as_str().unwrap().to_owned();
    let extras = id(&app
        .admin_post("/groups", &json!({"displayName": "Notes extras"}))
        .await
        .json);
    app.map(&extras, "notes", "user").await;
    let r = app
        .admin_post(
            &format!("/groups/{extras}/members"),
            &json!({"users": [granted]}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    // A break-glass grant in IT-only mode.
    let r = app
        .api_post(
            "/invitations",
            &json!({"email": "glass@acme.com", "product": "notes"}),
        )
        .await;
    let r = app
        .api_post(&format!("/invitations/{}/accept", id(&r.json)), &json!({}))
        .await;
    let glass = r.json["user"].as_str().unwrap().to_owned();
    app.set_policy("", &json!({"it_only": true})).await;
    let wiki_group = app.admin_get("/products/wiki").await.json["default_group"].clone();
    let wiki_group = wiki_group
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| wiki_group["id"].as_str().unwrap().to_owned());
    let r = app
        .admin_post(
            &format!("/groups/{wiki_group}/members"),
            &json!({"users": [glass], "break_glass_reason": "incident 7"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);

    for (email, product) in ROADS {
        assert_eq!(
            decision(&app, email, product).await["allow"],
            true,
            "{email}"
        );
    }
    let wiki_before = app.licenses_used("wiki").await;

    // The IdP pushes each of them: the same person, one license each.
    let mut identities = Vec::new();
    for (email, _) in ROADS {
        let r = app.post("/scim/v2/Users", &identity(email)).await;
        assert_eq!(r.status, 201, "{}", r.text);
        identities.push(id(&r.json));
        let p = person(&app, email).await;
        assert_eq!(p["managed"], true, "{p}");
        assert_eq!(p["live"], true);
        assert_eq!(p["accounts"].as_array().unwrap().len(), 2, "{p}");
    }
    assert_eq!(app.licenses_used("wiki").await, wiki_before);
    let held: Vec<Value> = {
        let mut v = Vec::new();
        for (email, _) in ROADS {
            v.push(access_of(&app, email).await);
        }
        v
    };
    let audit = app.audit_actions("&action=person.linked").await;
    assert_eq!(audit.len(), ROADS.len(), "{audit:?}");

    // The IdP deactivates them: nothing is left, on any road.
    for user in &identities {
        set_active(&app, user, false).await;
    }
    for (email, product) in ROADS {
        let d = decision(&app, email, product).await;
        assert_eq!(d["allow"], false, "{email}: {d}");
        assert_eq!(access_of(&app, email).await, json!([]), "{email}");
        assert_eq!(person(&app, email).await["live"], false);
    }
    assert_eq!(app.licenses_used("wiki").await, 0);
    assert_eq!(app.licenses_used("notes").await, 0);
    assert_eq!(leavers(&app).await, json!([]));

    // Reactivated: exactly what was held.
    for user in &identities {
        set_active(&app, user, true).await;
    }
    for (i, (email, product)) in ROADS.iter().enumerate() {
        assert_eq!(
            decision(&app, email, product).await["allow"],
            true,
            "{email}"
        );
        assert_eq!(access_of(&app, email).await, held[i], "{email}");
    }
    assert_eq!(app.licenses_used("wiki").await, wiki_before);

    // Deleted by the IdP: the same.
    for user in &identities {
        assert_eq!(
            app.delete(&format!("/scim/v2/Users/{user}")).await.status,
            204
        );
    }
    for (email, product) in ROADS {
        assert_eq!(
            decision(&app, email, product).await["allow"],
            false,
            "{email}"
        );
        let p = person(&app, email).await;
        assert_eq!(
            (p["managed"].clone(), p["live"].clone()),
            (json!(true), json!(false))
        );
    }
    assert_eq!(app.licenses_used("wiki").await, 0);
    assert_eq!(leavers(&app).await, json!([]));
    // Pushed again: whole again (the local grants were kept, inert).
    for (email, _) in ROADS {
        let r = app.post("/scim/v2/Users", &identity(email)).await;
        assert_eq!(r.status, 201, "{}", r.text);
    }
    for (email, product) in ROADS {
        assert_eq!(
            decision(&app, email, product).await["allow"],
            true,
            "{email}"
        );
    }
    assert_eq!(app.licenses_used("wiki").await, wiki_before);
}

#[actix_web::test]
async fn two_directories_one_person_one_license() {
    let app = TestApp::new().await;
    app.create_product("acme", "wiki", Some(1)).await;
    let other = app.other_directory("Second IdP");
    let push = |token: &str, body: Value| {
        app.request_as(token, actix_web::http::Method::POST, "/scim/v2/Users")
            .json(&body)
            .send()
    };
    let a = push(&app.directory.token, identity("alice@acme.com")).await;
    assert_eq!(a.status, 201, "{}", a.text);
    let b = push(&other.token, identity("ALICE@acme.com")).await;
    assert_eq!(b.status, 201, "{}", b.text);
    let (a, b) = (id(&a.json), id(&b.json));
    // Each directory maps a group of its own to wiki.
    let ga = id(&app.create_group("Wiki A", &[&a]).await);
    app.map(&ga, "wiki", "user").await;
    let r = app
        .request_as(&other.token, actix_web::http::Method::POST, "/scim/v2/Groups")
        .json(&json!({"schemas": [crate::scim::GROUP], "displayName": "Wiki B", "members": [{"value": b}]}))
        .send()
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let gb = id(&r.json);
    let r = app
        .admin_post(
            "/mappings",
            &json!({"group": gb, "product": "wiki", "role": "user", "directory": other.id}),
        )
        .await;
    // One person: the cap of 1 is not exceeded by the second account.
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(app.licenses_used("wiki").await, 1);
    let p = person(&app, "alice@acme.com").await;
    assert_eq!(p["accounts"].as_array().unwrap().len(), 2);
    // An admin's customer account for the same email joins the person too.
    let r = app
        .admin_post("/customers", &json!({"email": "alice@acme.com"}))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(
        person(&app, "alice@acme.com").await["accounts"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert_eq!(app.licenses_used("wiki").await, 1);
    // Decisions by any account or the email answer for the person.
    for who in [a.as_str(), b.as_str(), "alice@acme.com"] {
        assert_eq!(decision(&app, who, "wiki").await["allow"], true, "{who}");
    }

    // Deactivated in one directory, active in the other: still in.
    set_active(&app, &a, false).await;
    assert_eq!(
        decision(&app, "alice@acme.com", "wiki").await["allow"],
        true
    );
    assert_eq!(app.licenses_used("wiki").await, 1);
    // Deactivated in both: out.
    let r = app
        .request_as(
            &other.token,
            actix_web::http::Method::PATCH,
            &format!("/scim/v2/Users/{b}"),
        )
        .json(
            &json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                      "Operations": [{"op": "replace", "path": "active", "value": false}]}),
        )
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        decision(&app, "alice@acme.com", "wiki").await["allow"],
        false
    );
    assert_eq!(app.licenses_used("wiki").await, 0);
    // Back in through one: the cap (1) still holds the single license.
    set_active(&app, &a, true).await;
    assert_eq!(app.licenses_used("wiki").await, 1);
}

#[actix_web::test]
async fn reactivation_that_would_pass_a_cap_is_refused_whole() {
    let app = TestApp::new().await;
    app.create_product("acme", "wiki", Some(1)).await;
    let a = id(&app
        .post("/scim/v2/Users", &identity("a@acme.com"))
        .await
        .json);
    let b = id(&app
        .post("/scim/v2/Users", &identity("b@acme.com"))
        .await
        .json);
    let g = id(&app.create_group("Wiki", &[&a, &b]).await);
    set_active(&app, &b, false).await;
    app.map(&g, "wiki", "user").await;
    assert_eq!(app.licenses_used("wiki").await, 1);
    let r = scim_patch(
        &app,
        &format!("/scim/v2/Users/{b}"),
        json!([{"op": "replace", "path": "active", "value": true}]),
    )
    .await;
    assert_eq!(r.status, 403, "{}", r.text);
    assert_eq!(
        app.get(&format!("/scim/v2/Users/{b}")).await.json["active"],
        false
    );
    assert_eq!(person(&app, "b@acme.com").await["live"], false);
}

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

#[actix_web::test]
async fn person_views_and_unverified_emails() {
    let app = TestApp::new().await;
    app.create_product("acme", "wiki", None).await;
    let r = app.admin_get("/people/nobody").await;
    assert_eq!(r.status, 404, "{}", r.text);
    let r = app.admin_get("/people?limit=abc").await;
    assert_eq!(r.status, 400, "{}", r.text);
    let user = id(&app
        .post("/scim/v2/Users", &identity("v@acme.com"))
        .await
        .json);
    // By account id, by email, by person id: the same person.
    let by_account = app.admin_get(&format!("/people/{user}")).await;
    assert_eq!(by_account.status, 200, "{}", by_account.text);
    let pid = by_account.json["id"].as_str().unwrap().to_owned();
    assert_eq!(
        app.admin_get(&format!("/people/{pid}")).await.json["id"],
        pid.as_str()
    );
    assert_eq!(person(&app, "V@ACME.com").await["id"], pid.as_str());
    assert_eq!(by_account.json["accounts"][0]["identity"], true);
    // An IdP user with no email and a userName that is none: a person of its own.
    let r = app
        .post(
            "/scim/v2/Users",
            &json!({"schemas": [USER], "userName": "E-1001"}),
        )
        .await;
    let lone = app.admin_get(&format!("/people/{}", id(&r.json))).await;
    assert_eq!(lone.json["email"], Value::Null);
    assert_eq!(lone.json["accounts"].as_array().unwrap().len(), 1);
    // The list pages.
    let r = app.admin_get("/people?limit=1").await;
    assert_eq!(r.json["items"].as_array().unwrap().len(), 1);
    let r = app.admin_get("/people?offset=1&limit=10").await;
    assert_eq!(r.json["items"].as_array().unwrap().len(), 1);
}
