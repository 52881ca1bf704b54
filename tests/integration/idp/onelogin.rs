//! OneLogin: "SCIM Provisioner with SAML (SCIM v2 Enterprise)".
//!
//! Sources:
//! - goauthentik/authentik#11249 (nginx logs of OneLogin provisioning an
//!   authentik SCIM source): `GET /Users?filter=userName+eq+%22…%22&` with a
//!   trailing `&`; `PUT /Users/{id}?` with a trailing `?` for user updates;
//!   bodies with `"schemas":["urn:scim:schemas:core:2.0",
//!   "urn:scim:schemas:extension:enterprise:2.0"]`, `name.familyName` with a
//!   leading space as typed in OneLogin; group creation works and members are
//!   then added with PATCH on /Groups; no meaningful User-Agent.
//! - OneLogin developer docs, "Define Your SCIM User Schema"
//!   (developers.onelogin.com/scim/define-user-schema): the JSON template
//!   (`userName` from `{$parameters.scimusername}`, `name.formatted` from
//!   `{$user.display_name}`, `title`, enterprise `department`).
//! - OneLogin app rules ("Refresh entitlements" reads `GET /Groups`,
//!   example-a.com answer 44686570 citing developers.onelogin.com/scim/create-app).
//! - (?) The member PATCH bodies and the suspend-by-PUT are the RFC 7644
//!   shapes: the logs show only that OneLogin PATCHes /Groups.

use serde_json::{json, Value};

use super::{
    assert_no_issues, id, listed, members, q, sorted, sync_health, Replay, ENTERPRISE, USER,
};
use crate::support::TestApp;

const CORE_ALIAS: &str = "urn:scim:schemas:core:2.0";
const ENTERPRISE_ALIAS: &str = "urn:scim:schemas:extension:enterprise:2.0";

fn onelogin_user(user_name: &str, given: &str, family: &str, title: &str, active: bool) -> Value {
    json!({
        "schemas": [CORE_ALIAS, ENTERPRISE_ALIAS],
        "userName": user_name,
        "name": {"familyName": family, "givenName": given, "formatted": format!("{given}{family}")},
        "emails": [{"value": format!("{user_name}@example.com"), "type": "work", "primary": true}],
        "title": title,
        "active": active,
        ENTERPRISE_ALIAS: {"department": "Support", "organization": "Example Inc"}
    })
}

#[actix_web::test]
async fn onelogin_cycle_with_legacy_urns_and_trailing_separators() {
    let app = TestApp::new().await;
    let mut onelogin = Replay::new(&app).header("User-Agent", "");

    // Lookup before create, with the trailing '&'.
    let lookup = |name: &str| format!("/Users?filter={}&", q(&format!("userName eq \"{name}\"")));
    let r = onelogin.get(&lookup("onelogin-test-user01"), 200).await;
    assert_eq!(r.json["totalResults"], 0);
    let mut body = onelogin_user(
        "onelogin-test-user01",
        "AAA Test",
        " User 01",
        "Engineer",
        true,
    );
    let r = onelogin.post("/Users?", &body, 201).await;
    let user = id(&r);
    // Responses speak RFC URNs only; the alias's attributes land under the
    // enterprise extension.
    assert_eq!(r.json["schemas"], json!([USER, ENTERPRISE]));
    assert_eq!(r.json[ENTERPRISE]["department"], "Support");
    assert!(r.json.get(ENTERPRISE_ALIAS).is_none(), "{}", r.text);
    assert_eq!(r.json["name"]["familyName"], " User 01");

    onelogin.get(&lookup("onelogin-test-user02"), 200).await;
    let other = id(&onelogin
        .post(
            "/Users?",
            &onelogin_user(
                "onelogin-test-user02",
                "BBB Test",
                " User 02",
                "Manager",
                true,
            ),
            201,
        )
        .await);

    // Update: the whole user by PUT, with the trailing '?'.
    let r = onelogin.get(&lookup("onelogin-test-user01"), 200).await;
    assert_eq!(listed(&r), sorted(&[&user]));
    body["title"] = json!("Senior Engineer");
    body[ENTERPRISE_ALIAS]["department"] = json!("Platform");
    let r = onelogin.put(&format!("/Users/{user}?"), &body, 200).await;
    assert_eq!(r.json["title"], "Senior Engineer");
    assert_eq!(r.json[ENTERPRISE]["department"], "Platform");

    // Refresh entitlements reads the groups; a group is created, then its
    // members are PATCHed.
    onelogin.get("/Groups?", 200).await;
    let r = onelogin
        .post(
            "/Groups?",
            &json!({"schemas": [CORE_ALIAS], "displayName": "Support Tier 1"}),
            201,
        )
        .await;
    assert_eq!(
        r.json["schemas"],
        json!(["urn:ietf:params:scim:schemas:core:2.0:Group"])
    );
    let group = id(&r);
    let gpath = format!("/Groups/{group}?");
    onelogin
        .patch(
            &gpath,
            json!([{"op": "add", "path": "members", "value": [{"value": user}, {"value": other}]}]),
            204,
        )
        .await;
    onelogin
        .patch(
            &gpath,
            json!([{"op": "remove", "path": format!("members[value eq \"{other}\"]")}]),
            204,
        )
        .await;
    onelogin
        .patch(
            &gpath,
            json!([{"op": "replace", "path": "displayName", "value": "Support Tier One"}]),
            204,
        )
        .await;

    // Suspend in OneLogin: the whole user again, inactive.
    body["active"] = json!(false);
    let r = onelogin.put(&format!("/Users/{user}?"), &body, 200).await;
    assert_eq!(r.json["active"], false);

    // What an admin expects.
    let r = onelogin.get(&format!("/Users/{user}?"), 200).await;
    assert_eq!(r.json["active"], false);
    assert_eq!(r.json[ENTERPRISE]["organization"], "Example Inc");
    let r = onelogin.get(&format!("/Groups/{group}"), 200).await;
    assert_eq!(r.json["displayName"], "Support Tier One");
    assert_eq!(members(&r.json), sorted(&[&user]));

    // Deprovisioning action "Delete".
    onelogin.delete(&format!("/Users/{other}?"), 204).await;
    onelogin.delete(&gpath, 204).await;
    assert_eq!(onelogin.get("/Groups?", 200).await.json["totalResults"], 0);
    assert_no_issues(&sync_health(&app).await);
}
