//! Auditors over SCIM: an admin token reads every directory's users and
//! groups (never writes), and entitlement filters run in the database.

use actix_web::http::Method;
use serde_json::json;

use super::{id, sorted};
use crate::support::TestApp;

async fn ids_as(app: &TestApp, token: &str, path: &str) -> Vec<String> {
    let r = app.request_as(token, Method::GET, path).send().await;
    assert_eq!(r.status, 200, "{path}: {}", r.text);
    let mut ids: Vec<String> = r.json["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids
}

fn q(filter: &str) -> String {
    url::form_urlencoded::byte_serialize(filter.as_bytes()).collect()
}

#[actix_web::test]
async fn an_admin_token_reads_all_directories_and_writes_nothing() {
    let app = TestApp::new().await;
    app.create_product("acme", "confluence", None).await;
    app.create_product("acme", "jira-software", None).await;
    let okta_user = id(&app.create_user("o@acme.test").await);
    let okta_group = id(&app.create_group("Okta staff", &[&okta_user]).await);
    let entra = app.other_directory("Entra");
    let r = app
        .request_as(&entra.token, Method::POST, "/scim/v2/Users")
        .json(&crate::scim::user_body("e@acme.test"))
        .send()
        .await;
    let entra_user = id(&r.json);
    let r = app
        .request_as(&entra.token, Method::POST, "/scim/v2/Groups")
        .json(
            &json!({"schemas": [crate::scim::GROUP], "displayName": "Entra staff",
                      "members": [{"value": entra_user}]}),
        )
        .send()
        .await;
    let entra_group = id(&r.json);
    app.map(&okta_group, "confluence", "user").await;
    app.map(&entra_group, "confluence", "admin").await;
    app.map(&entra_group, "jira-software", "user").await;

    let admin = app.admin_token.clone();
    assert_eq!(
        ids_as(&app, &admin, "/scim/v2/Users").await,
        sorted(&[&okta_user, &entra_user])
    );
    // Each directory token still sees only its own.
    assert_eq!(
        ids_as(&app, &entra.token, "/scim/v2/Users").await,
        vec![entra_user.clone()]
    );
    // The directory-scoped base narrows an admin's reads to that directory.
    assert_eq!(
        ids_as(
            &app,
            &admin,
            &format!("/scim/v2/directories/{}/Users", entra.id)
        )
        .await,
        vec![entra_user.clone()]
    );
    // Local (default) groups are visible to an admin, not to a directory.
    let groups = ids_as(&app, &admin, "/scim/v2/Groups").await;
    assert_eq!(groups.len(), 4, "two synced and two default groups");
    assert_eq!(
        ids_as(&app, &app.directory.token, "/scim/v2/Groups").await,
        vec![okta_group.clone()]
    );

    // The compliance questions, answered by the database.
    let cases: Vec<(&str, Vec<String>)> = vec![
        (
            r#"entitlements[value eq "confluence:user"] and active eq true"#,
            sorted(&[&okta_user, &entra_user]),
        ),
        (
            r#"entitlements.value eq "CONFLUENCE:ADMIN""#,
            vec![entra_user.clone()],
        ),
        (
            r#"entitlements[type eq "jira-software"]"#,
            vec![entra_user.clone()],
        ),
        (
            r#"entitlements.display sw "confluence adm""#,
            vec![entra_user.clone()],
        ),
        (r#"entitlements co "jira""#, vec![entra_user.clone()]),
        (r#"not (entitlements pr)"#, vec![]),
        (
            r#"entitlements[value eq "confluence:admin" or value eq "jira-software:user"]"#,
            vec![entra_user.clone()],
        ),
    ];
    let access = crate::scim::ACCESS;
    let grant_cases: Vec<(String, Vec<String>)> = vec![
        (
            format!(r#"{access}:grants[group eq "{okta_group}"]"#),
            vec![okta_user.clone()],
        ),
        (
            format!(r#"{access}:grants[groupDisplay eq "entra staff" and role eq "admin"]"#),
            vec![entra_user.clone()],
        ),
        (format!(r#"{access}:grants[synced eq false]"#), vec![]),
        (
            format!(r#"{access}:grants.product eq "jira-software""#),
            vec![entra_user.clone()],
        ),
        (
            format!(r#"schemas eq "{access}""#),
            sorted(&[&okta_user, &entra_user]),
        ),
    ];
    let all = cases
        .into_iter()
        .map(|(f, want)| (f.to_owned(), want))
        .chain(grant_cases);
    for (filter, want) in all {
        let got = ids_as(
            &app,
            &admin,
            &format!("/scim/v2/Users?filter={}", q(&filter)),
        )
        .await;
        assert_eq!(got, want, "{filter}");
    }
    let r = app
        .request_as(
            &admin,
            Method::GET,
            &format!(
                "/scim/v2/Users?filter={}",
                q(&format!("{access}:grants.nope eq 1"))
            ),
        )
        .send()
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json["scimType"], "invalidFilter");

    // Reads of one resource from any directory; writes are refused.
    let r = app
        .request_as(&admin, Method::GET, &format!("/scim/v2/Users/{entra_user}"))
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["entitlements"].as_array().unwrap().len(), 3);
    for (method, path, body) in [
        (
            Method::POST,
            "/scim/v2/Users".to_owned(),
            Some(crate::scim::user_body("x@acme.test")),
        ),
        (
            Method::PUT,
            format!("/scim/v2/Users/{okta_user}"),
            Some(crate::scim::user_body("o@acme.test")),
        ),
        (
            Method::DELETE,
            format!("/scim/v2/Groups/{okta_group}"),
            None,
        ),
        (
            Method::POST,
            "/scim/v2/Bulk".to_owned(),
            Some(json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
            "Operations": [{"method": "DELETE", "path": format!("/Users/{okta_user}")}]})),
        ),
    ] {
        let mut req = app.request_as(&admin, method.clone(), &path);
        if let Some(b) = &body {
            req = req.json(b);
        }
        let r = req.send().await;
        assert_eq!(r.status, 403, "{method} {path}: {}", r.text);
        assert_eq!(r.json["schemas"], json!([crate::scim::ERROR]));
    }
    assert_eq!(ids_as(&app, &admin, "/scim/v2/Users").await.len(), 2);
}
