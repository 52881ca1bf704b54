//! Keycloak: the `keycloak-scim` outbound provisioning extension
//! (sh.libre.scim; forks mitodl/keycloak-scim, netzbegruenung/keycloak-scim),
//! which pushes Keycloak users and groups with the UnboundID SCIM 2 SDK.
//!
//! Sources (mitodl/keycloak-scim):
//! - src/main/java/sh/libre/scim/core/ScimClient.java: `create` POSTs the
//!   resource to `Users`/`Groups`; `replace` PUTs the whole resource to its
//!   `meta.location`; `delete` DELETEs; the sync "import" lists the endpoint
//!   (`searchRequest` without a filter) and maps by userName/email; the
//!   "content-type" setting (`application/json` here).
//! - src/main/java/sh/libre/scim/core/UserAdapter.java: `toSCIM` sends
//!   `externalId` (Keycloak's id), `userName`, `displayName` ("first last", or
//!   the username), one email `{"value","primary":true}` without a type,
//!   `active` (enabled), `roles` as `[{"value": role}]` for roles marked
//!   `scim=true`, and on replace `id` and `meta.location` "Users/{id}".
//! - src/main/java/sh/libre/scim/core/GroupAdapter.java: `displayName`,
//!   `externalId`, members `{"value": scimId, "$ref": "Users/{scimId}"}` (no
//!   `members` key when empty); membership changes and renames replace the
//!   whole group; `meta.location` "Groups/{id}".
//! - Keycloak's own SCIM work (keycloak/keycloak#46216) is a server, not a
//!   client; Captain-P-Goldfish/scim-for-keycloak and Metatavu
//!   keycloak-scim-server likewise, so they are not replayed here.

use serde_json::{json, Value};

use super::{assert_no_issues, id, members, sorted, sync_health, Replay, GROUP, USER};
use crate::support::TestApp;

fn kc_user(
    scim_id: Option<&str>,
    kc_id: &str,
    username: &str,
    display: &str,
    active: bool,
    roles: &[&str],
) -> Value {
    let roles: Vec<Value> = roles.iter().map(|r| json!({"value": r})).collect();
    let mut u = json!({
        "schemas": [USER],
        "externalId": kc_id,
        "userName": username,
        "displayName": display,
        "active": active,
        "emails": [{"value": format!("{username}@example.org"), "primary": true}],
        "roles": roles
    });
    if let Some(scim_id) = scim_id {
        u["id"] = json!(scim_id);
        u["meta"] = json!({"location": format!("Users/{scim_id}")});
    }
    u
}

fn kc_group(scim_id: Option<&str>, kc_id: &str, name: &str, member_ids: &[&str]) -> Value {
    let mut g = json!({"schemas": [GROUP], "externalId": kc_id, "displayName": name});
    if !member_ids.is_empty() {
        let m: Vec<Value> = member_ids
            .iter()
            .map(|m| json!({"value": m, "$ref": format!("Users/{m}")}))
            .collect();
        g["members"] = json!(m);
    }
    if let Some(scim_id) = scim_id {
        g["id"] = json!(scim_id);
        g["meta"] = json!({"location": format!("Groups/{scim_id}")});
    }
    g
}

#[actix_web::test]
async fn keycloak_scim_extension_cycle() {
    let app = TestApp::new().await;
    let mut kc = Replay::directory_url(&app).content_type("application/json");

    // Sync "import" first lists what the service already holds.
    assert_eq!(kc.get("/Users", 200).await.json["totalResults"], 0);
    assert_eq!(kc.get("/Groups", 200).await.json["totalResults"], 0);

    // REGISTER / CREATE events: users pushed as Keycloak holds them.
    let jdoe_kc = "5f4dcc3b-5aa7-4f2a-8f1c-6b2b9e6b1a01";
    let r = kc
        .post(
            "/Users",
            &kc_user(None, jdoe_kc, "jdoe", "John Doe", true, &["scim-admin"]),
            201,
        )
        .await;
    let jdoe = id(&r);
    assert_eq!(r.json["roles"], json!([{"value": "scim-admin"}]));
    let asmith_kc = "5f4dcc3b-5aa7-4f2a-8f1c-6b2b9e6b1a02";
    // A user without first and last name: displayName falls back to the username.
    let asmith = id(&kc
        .post(
            "/Users",
            &kc_user(None, asmith_kc, "asmith", "asmith", true, &[]),
            201,
        )
        .await);

    // UPDATE event: the whole user replaced at its meta.location.
    let r = kc
        .put(
            &format!("/Users/{jdoe}"),
            &kc_user(
                Some(&jdoe),
                jdoe_kc,
                "jdoe",
                "Johnny Doe",
                true,
                &["scim-admin", "scim-auditor"],
            ),
            200,
        )
        .await;
    assert_eq!(r.json["displayName"], "Johnny Doe");
    assert_eq!(r.json["roles"].as_array().map(Vec::len), Some(2));

    // Group created (no members yet), then membership and rename replace it.
    let group_kc = "a1b2c3d4-0000-4000-8000-000000000001";
    let r = kc
        .post("/Groups", &kc_group(None, group_kc, "developers", &[]), 201)
        .await;
    let group = id(&r);
    let gpath = format!("/Groups/{group}");
    kc.put(
        &gpath,
        &kc_group(Some(&group), group_kc, "developers", &[&jdoe, &asmith]),
        200,
    )
    .await;
    kc.put(
        &gpath,
        &kc_group(Some(&group), group_kc, "developers", &[&jdoe]),
        200,
    )
    .await;
    let r = kc
        .put(
            &gpath,
            &kc_group(Some(&group), group_kc, "platform-developers", &[&jdoe]),
            200,
        )
        .await;
    assert_eq!(r.json["displayName"], "platform-developers");

    // The user is disabled in Keycloak: replaced with active false, and the
    // roles it lost.
    let r = kc
        .put(
            &format!("/Users/{jdoe}"),
            &kc_user(Some(&jdoe), jdoe_kc, "jdoe", "Johnny Doe", false, &[]),
            200,
        )
        .await;
    assert_eq!(r.json["active"], false);

    // What an admin expects.
    let r = kc.get(&format!("/Users/{jdoe}"), 200).await;
    assert_eq!(r.json["active"], false);
    assert_eq!(r.json["externalId"], jdoe_kc);
    assert!(
        r.json.get("roles").is_none() || r.json["roles"] == json!([]),
        "{}",
        r.text
    );
    let r = kc.get(&gpath, 200).await;
    assert_eq!(members(&r.json), sorted(&[&jdoe]));
    assert_eq!(r.json["externalId"], group_kc);

    // DELETE events.
    kc.delete(&format!("/Users/{asmith}"), 204).await;
    kc.delete(&gpath, 204).await;
    assert_eq!(kc.get("/Users", 200).await.json["totalResults"], 1);
    assert_no_issues(&sync_health(&app).await);
}
