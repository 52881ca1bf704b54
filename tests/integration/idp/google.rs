//! Google Workspace: automatic user provisioning to a custom SAML app.
//!
//! Sources:
//! - grokability/snipe-it#12642 ("SCIM using Google Workspace not working",
//!   scim.log excerpts): the lookup
//!   `GET /scim/v2/Users?filter=userName%20eq%20%22…%22&startIndex=1` (no
//!   `count`); the create carries
//!   `"schemas":["urn:scim:schemas:core:1.0","urn:ietf:params:scim:schemas:core:2.0:User"]`.
//! - shared/IDP-NOTES.md (third-party docs, marked "?"): the connection probe
//!   `GET /Users?count=1`.
//! - (?) Google's update and suspension requests are not published; they are
//!   written here as a PUT of the whole user, as Google's log excerpts show
//!   whole-resource bodies; the final DELETE likewise. No group request from
//!   Google appears in any published log (its custom-app provisioning scopes
//!   users by group but pushes users), so this cycle has no group steps.

use serde_json::{json, Value};

use super::{assert_no_issues, id, listed, q, sorted, sync_health, Replay, USER};
use crate::support::TestApp;

const SCIM1: &str = "urn:scim:schemas:core:1.0";

fn google_user(email: &str, given: &str, family: &str, title: &str, active: bool) -> Value {
    json!({
        "schemas": [SCIM1, USER],
        "userName": email,
        "name": {"givenName": given, "familyName": family, "formatted": format!("{given} {family}")},
        "displayName": format!("{given} {family}"),
        "title": title,
        "preferredLanguage": "en-US",
        "active": active,
        "emails": [{"value": email, "type": "work", "primary": true}],
        "phoneNumbers": [{"value": "+1 650 555 0100", "type": "work", "primary": true}]
    })
}

#[actix_web::test]
async fn google_workspace_user_cycle() {
    let app = TestApp::new().await;
    let mut google = Replay::new(&app);

    // Connection probe.
    let r = google.get("/Users?count=1", 200).await;
    assert_eq!(r.json["totalResults"], 0);

    // Lookup then create, for two users.
    let lookup = |email: &str| {
        format!(
            "/Users?filter={}&startIndex=1",
            q(&format!("userName eq \"{email}\""))
        )
    };
    let mut ids = Vec::new();
    for (email, given, family) in [
        ("ana@example.com", "Ana", "Lima"),
        ("raj@example.com", "Raj", "Patel"),
    ] {
        assert_eq!(
            google.get(&lookup(email), 200).await.json["totalResults"],
            0
        );
        let r = google
            .post(
                "/Users",
                &google_user(email, given, family, "Analyst", true),
                201,
            )
            .await;
        // The 1.0 URN is an alias: the answer carries the RFC URN once.
        assert_eq!(r.json["schemas"], json!([USER]), "{}", r.text);
        ids.push(id(&r));
    }
    let ana = ids[0].clone();

    // Lookups later in the cycle find the user, whatever the case.
    let r = google.get(&lookup("Ana@Example.com"), 200).await;
    assert_eq!(listed(&r), sorted(&[&ana]));

    // Title change, then suspension (?).
    let path = format!("/Users/{ana}");
    let r = google
        .put(
            &path,
            &google_user("ana@example.com", "Ana", "Lima", "Lead Analyst", true),
            200,
        )
        .await;
    assert_eq!(r.json["title"], "Lead Analyst");
    assert_eq!(r.json["schemas"], json!([USER]));
    let r = google
        .put(
            &path,
            &google_user("ana@example.com", "Ana", "Lima", "Lead Analyst", false),
            200,
        )
        .await;
    assert_eq!(r.json["active"], false);

    // What an admin expects: ana kept, inactive, still found.
    let r = google.get(&lookup("ana@example.com"), 200).await;
    assert_eq!(r.json["Resources"][0]["active"], false);
    assert_eq!(
        r.json["Resources"][0]["phoneNumbers"][0]["value"],
        "+1 650 555 0100"
    );
    assert_eq!(
        google.get("/Users?startIndex=1", 200).await.json["totalResults"],
        2
    );

    // Deleting the user in Google (?).
    google.delete(&format!("/Users/{}", ids[1]), 204).await;
    assert_eq!(
        google.get("/Users?count=1", 200).await.json["totalResults"],
        1
    );
    assert_no_issues(&sync_health(&app).await);
}
