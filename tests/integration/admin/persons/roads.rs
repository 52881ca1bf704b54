//! Every self-service road into a person who also has an IdP identity is
//! closed when the identity goes, and opens again with it: signup, an
//! approved request, an accepted invitation, a guest space, a service-desk
//! customer, an admin grant through a local group and a break-glass grant.
//! One test walks all seven, so that each IdP change is seen to reach every
//! road at once.

use serde_json::{json, Value};

use super::{accepted_invitation, decision, identity, in_local_group, person, set_active};
use crate::admin::id;
use crate::support::TestApp;

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
    accepted_invitation(
        &app,
        &json!({"email": "invitee@acme.com", "product": "wiki"}),
    )
    .await;
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
    in_local_group(&app, "Portal", "desk", "customer", &customer).await;
    // An admin grant through a local group.
    let granted = accepted_invitation(
        &app,
        &json!({"email": "granted@acme.com", "product": "wiki", "role": "guest"}),
    )
    .await;
    in_local_group(&app, "Notes extras", "notes", "user", &granted).await;
    // A break-glass grant in IT-only mode.
    let glass = accepted_invitation(
        &app,
        &json!({"email": "glass@acme.com", "product": "notes"}),
    )
    .await;
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
