//! An auditor's SCIM read of a person's local account: the access its
//! local groups give shows while the person is live, and goes when the
//! IdP deactivates the person's identity (the account itself stays
//! active). The identity's own entitlements follow its own `active`.

use actix_web::http::Method;
use serde_json::{json, Value};

use super::{accepted_invitation, identity, in_local_group, set_active};
use crate::admin::id;
use crate::idp::sorted;
use crate::scim::{filter_query, sorted_values};
use crate::support::TestApp;

/// The entitlement values of each account a read shows, by account id:
/// the user read by id and, as a page, every user named `email`.
async fn entitlements(app: &TestApp, email: &str, ids: &[&str]) -> Vec<(String, Vec<String>)> {
    let values = |user: &Value| sorted_values(&user["entitlements"]);
    let admin = app.admin_token.clone();
    let filter = filter_query(&format!("userName eq \"{email}\""));
    let page = app
        .request_as(
            &admin,
            Method::GET,
            &format!("/scim/v2/Users?filter={filter}"),
        )
        .send()
        .await;
    assert_eq!(page.status, 200, "{}", page.text);
    let listed = page.json["Resources"].as_array().unwrap();
    assert_eq!(listed.len(), ids.len(), "{}", page.text);
    let mut out = Vec::new();
    for user in ids {
        let one = app
            .request_as(&admin, Method::GET, &format!("/scim/v2/Users/{user}"))
            .send()
            .await;
        assert_eq!(one.status, 200, "{}", one.text);
        let in_page = listed.iter().find(|u| u["id"] == *user).unwrap();
        assert_eq!(values(in_page), values(&one.json), "{user}: page and read");
        out.push(((*user).to_owned(), values(&one.json)));
    }
    out
}

#[actix_web::test]
async fn a_local_account_shows_its_access_only_while_its_person_is_live() {
    let app = TestApp::new().await;
    app.create_product("acme", "wiki", Some(10)).await;
    app.create_product("acme", "notes", None).await;
    // A local account, from an accepted invitation, in a local group
    // mapped to notes.
    let local = accepted_invitation(
        &app,
        &json!({"email": "local@acme.com", "product": "wiki", "role": "guest"}),
    )
    .await;
    in_local_group(&app, "Notes extras", "notes", "user", &local).await;
    // The IdP pushes the same person, in a group mapped to wiki.
    let r = app
        .post("/scim/v2/Users", &identity("local@acme.com"))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let pushed = id(&r.json);
    let staff = id(&app.create_group("Staff", &[&pushed]).await);
    app.map(&staff, "wiki", "user").await;
    let ids = [local.as_str(), pushed.as_str()];
    // What `entitlements` should answer: each account with these values.
    let held = |local: &[&str], pushed: &[&str]| -> Vec<(String, Vec<String>)> {
        ids.iter()
            .zip([local, pushed])
            .map(|(id, values)| ((*id).to_owned(), sorted(values)))
            .collect()
    };
    let live = held(&["notes:user", "wiki:guest"], &["wiki:user"]);
    assert_eq!(entitlements(&app, "local@acme.com", &ids).await, live);

    // Deactivated by the IdP: the person is no longer live, and the local
    // account, still active, shows nothing either.
    set_active(&app, &pushed, false).await;
    assert_eq!(
        entitlements(&app, "local@acme.com", &ids).await,
        held(&[], &[])
    );
    set_active(&app, &pushed, true).await;
    assert_eq!(entitlements(&app, "local@acme.com", &ids).await, live);
}
