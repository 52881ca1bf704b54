//! Licenses are counted per person, not per account: a person pushed by two
//! directories, with a customer account besides, holds one license, and is
//! in while any of its identities is active. A reactivation that would pass
//! a product's cap is refused whole.

use serde_json::{json, Value};

use super::{decision, identity, person, push, set_active};
use crate::admin::{id, scim_patch};
use crate::support::TestApp;

#[actix_web::test]
async fn two_directories_one_person_one_license() {
    let app = TestApp::new().await;
    app.create_product("acme", "wiki", Some(1)).await;
    let other = app.other_directory("Second IdP");
    let a = push(&app, &app.directory.token, "alice@acme.com").await;
    assert_eq!(a.status, 201, "{}", a.text);
    let b = push(&app, &other.token, "ALICE@acme.com").await;
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

/// Accounts of one email pushed by several directories at once join one
/// person, whichever arrives first: the first adds the person, the others
/// find it (on PostgreSQL a create whose person is being added by another
/// waits for that one to commit).
#[actix_web::test]
async fn accounts_of_one_email_arriving_at_once_join_one_person() {
    let app = TestApp::new().await;
    let mut tokens = vec![app.directory.token.clone()];
    for n in 1..4 {
        tokens.push(app.other_directory(&format!("IdP {n}")).token);
    }
    for round in 0..5 {
        let email = format!("pat{round}@acme.com");
        let pushes = tokens.iter().map(|token| push(&app, token, &email));
        for r in futures_util::future::join_all(pushes).await {
            assert_eq!(r.status, 201, "{email}: {}", r.text);
        }
        let accounts = person(&app, &email).await["accounts"]
            .as_array()
            .unwrap()
            .len();
        assert_eq!(accounts, 4, "{email}");
    }
}

/// An account whose email its IdP changes leaves its person for the person
/// of the new email, and its licenses go with it; a later write that
/// leaves the email as it is (a new title) keeps it there.
#[actix_web::test]
async fn an_account_whose_email_changes_moves_to_that_emails_person() {
    let app = TestApp::new().await;
    app.create_product("acme", "wiki", Some(5)).await;
    let other = app.other_directory("Second IdP");
    let a = push(&app, &app.directory.token, "alice@acme.com").await;
    assert_eq!(a.status, 201, "{}", a.text);
    let b = push(&app, &app.directory.token, "bob@acme.com").await;
    assert_eq!(b.status, 201, "{}", b.text);
    let (a, b) = (id(&a.json), id(&b.json));
    let c = push(&app, &other.token, "carol@acme.com").await;
    assert_eq!(c.status, 201, "{}", c.text);
    let g = id(&app.create_group("Wiki", &[&a, &b]).await);
    app.map(&g, "wiki", "user").await;
    assert_eq!(app.licenses_used("wiki").await, 2);
    let accounts = |p: &Value| p["accounts"].as_array().unwrap().len();

    // Bob's IdP now says his email is carol's: one person, carol's.
    let r = scim_patch(
        &app,
        &format!("/scim/v2/Users/{b}"),
        json!([{"op": "replace", "path": "emails",
                "value": [{"value": "carol@acme.com", "type": "work", "primary": true}]}]),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(accounts(&person(&app, "carol@acme.com").await), 2);
    assert_eq!(app.licenses_used("wiki").await, 2);

    // A new title leaves him there.
    let r = scim_patch(
        &app,
        &format!("/scim/v2/Users/{b}"),
        json!([{"op": "replace", "path": "title", "value": "Lead"}]),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(accounts(&person(&app, "carol@acme.com").await), 2);

    // Alice's email becomes carol's too: the three accounts are one
    // person, holding one license.
    let r = scim_patch(
        &app,
        &format!("/scim/v2/Users/{a}"),
        json!([{"op": "replace", "path": "emails",
                "value": [{"value": "CAROL@acme.com", "type": "work", "primary": true}]}]),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(accounts(&person(&app, "carol@acme.com").await), 3);
    assert_eq!(app.licenses_used("wiki").await, 1);
}
