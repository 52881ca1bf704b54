//! `/Groups`: Okta group push (create empty, then members), Entra reads
//! without members, replace and delete.

use actix_web::http::Method;
use serde_json::json;

use super::{error_body, filter_query, GROUP};
use crate::support::TestApp;

#[actix_web::test]
async fn okta_group_push_lookup_create_and_members() {
    let app = TestApp::new().await;
    let q = filter_query("displayName eq \"Sales\"");
    let r = app.get(&format!("/scim/v2/Groups?filter={q}")).await;
    assert_eq!(r.json["totalResults"], 0);

    let r = app
        .post(
            "/scim/v2/Groups",
            &json!({"schemas": [GROUP], "displayName": "Sales", "members": []}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.json["id"].as_str().unwrap().to_owned();
    assert_eq!(r.json["members"], json!([]));
    assert_eq!(r.json["meta"]["resourceType"], "Group");
    assert_eq!(r.header("etag").unwrap(), "W/\"1\"");

    let a = app.create_user("a@example.com").await;
    let b = app.create_user("b@example.com").await;
    let body = json!({
        "schemas": [GROUP],
        "displayName": "Sales",
        "members": [{"value": a["id"]}, {"value": b["id"], "type": "User"}]
    });
    let r = app.put(&format!("/scim/v2/Groups/{id}"), &body).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["meta"]["version"], "W/\"2\"");
    let mut values: Vec<&str> = r.json["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["value"].as_str().unwrap())
        .collect();
    values.sort();
    let mut expected = vec![a["id"].as_str().unwrap(), b["id"].as_str().unwrap()];
    expected.sort();
    assert_eq!(values, expected);
    let first = &r.json["members"][0];
    assert_eq!(first["type"], "User");
    assert!(first["$ref"]
        .as_str()
        .unwrap()
        .starts_with(&format!("{}/scim/v2/Users/", app.base)));
    // display is computed and returned when asked for (returned "request").
    assert!(first.get("display").is_none());
    let r = app
        .get(&format!(
            "/scim/v2/Groups/{id}?attributes=members,members.display"
        ))
        .await;
    assert!(r.json["members"][0]["display"]
        .as_str()
        .unwrap()
        .starts_with("Display "));

    // Found by displayName, case-insensitively.
    let q = filter_query("displayName eq \"sales\"");
    let r = app.get(&format!("/scim/v2/Groups?filter={q}")).await;
    assert_eq!(r.json["totalResults"], 1);
    assert_eq!(
        r.json["Resources"][0]["members"].as_array().unwrap().len(),
        2
    );
}

#[actix_web::test]
async fn entra_reads_groups_without_members() {
    let app = TestApp::new().await;
    let u = app.create_user("m@example.com").await;
    let g = app.create_group("Big", &[u["id"].as_str().unwrap()]).await;
    let id = g["id"].as_str().unwrap();
    let r = app
        .get(&format!("/scim/v2/Groups/{id}?excludedAttributes=members"))
        .await;
    assert_eq!(r.status, 200);
    assert!(r.json.get("members").is_none());
    assert_eq!(r.json["displayName"], "Big");
    let q = filter_query("displayName eq \"Big\"");
    let r = app
        .get(&format!(
            "/scim/v2/Groups?excludedAttributes=members&filter={q}"
        ))
        .await;
    assert!(r.json["Resources"][0].get("members").is_none());
    let r = app
        .get(&format!("/scim/v2/Groups/{id}?attributes=displayName"))
        .await;
    assert_eq!(
        r.json,
        json!({"schemas": [GROUP], "id": id, "displayName": "Big"})
    );
}

#[actix_web::test]
async fn duplicate_display_name_is_409() {
    let app = TestApp::new().await;
    app.create_group("Ops", &[]).await;
    let r = app
        .post(
            "/scim/v2/Groups",
            &json!({"schemas": [GROUP], "displayName": "OPS"}),
        )
        .await;
    assert_eq!(r.status, 409);
    assert_eq!(
        r.json,
        error_body(
            409,
            Some("uniqueness"),
            "a group with displayName \"OPS\" already exists in this directory"
        )
    );
}

/// An IdP does not retry a refused push (Okta, on a 400): an id the
/// directory does not hold is skipped and the rest of the push applies.
#[actix_web::test]
async fn unknown_members_are_skipped_and_the_rest_applied() {
    let app = TestApp::new().await;
    let u = app.create_user("real@example.com").await;
    let v = app.create_user("other@example.com").await;
    let body = json!({
        "schemas": [GROUP],
        "displayName": "Half",
        "members": [{"value": u["id"]}, {"value": "no-such-user"}]
    });
    let r = app.post("/scim/v2/Groups", &body).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let ids: Vec<&str> = r.json["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["value"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [u["id"].as_str().unwrap()]);
    let group = r.json["id"].as_str().unwrap().to_owned();
    // PATCH and PUT alike; a bare id is a member too.
    let r = app
        .request(Method::PATCH, &format!("/scim/v2/Groups/{group}"))
        .json(
            &json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "add", "path": "members", "value": ["ghost", v["id"]]}]}),
        )
        .send()
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    let r = app.get(&format!("/scim/v2/Groups/{group}")).await;
    assert_eq!(r.json["members"].as_array().unwrap().len(), 2, "{}", r.text);
    let r = app
        .put(
            &format!("/scim/v2/Groups/{group}"),
            &json!({"schemas": [GROUP], "displayName": "Half", "members": [{"value": v["id"]}, {"value": "ghost2"}]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["members"].as_array().unwrap().len(), 1, "{}", r.text);
    // Each skip is listed in the directory's sync health.
    let health = app
        .admin_get(&format!("/directories/{}/sync-health", app.directory.id))
        .await;
    assert_eq!(health.status, 200, "{}", health.text);
    let skipped: Vec<(&str, &str)> = health.json["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["kind"].as_str().unwrap(), i["member"].as_str().unwrap()))
        .collect();
    assert_eq!(
        skipped,
        [
            ("skipped_member", "ghost2"),
            ("skipped_member", "ghost"),
            ("skipped_member", "no-such-user")
        ]
    );
}

#[actix_web::test]
async fn put_replaces_members_by_difference() {
    let app = TestApp::new().await;
    let ids: Vec<String> = {
        let mut v = Vec::new();
        for i in 0..4 {
            v.push(
                app.create_user(&format!("u{i}@example.com")).await["id"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
            );
        }
        v
    };
    let g = app
        .create_group("Rotating", &[&ids[0], &ids[1], &ids[2]])
        .await;
    let id = g["id"].as_str().unwrap();
    let body = json!({"schemas": [GROUP], "displayName": "Rotating", "members": [{"value": ids[1]}, {"value": ids[3]}]});
    let r = app.put(&format!("/scim/v2/Groups/{id}"), &body).await;
    assert_eq!(r.status, 200);
    let mut got: Vec<String> = r.json["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["value"].as_str().unwrap().to_owned())
        .collect();
    got.sort();
    let mut want = vec![ids[1].clone(), ids[3].clone()];
    want.sort();
    assert_eq!(got, want);
    // The user that stayed keeps its group; the one removed lost it.
    let u1 = app.get(&format!("/scim/v2/Users/{}", ids[1])).await;
    assert_eq!(u1.json["groups"][0]["value"], id);
    let u0 = app.get(&format!("/scim/v2/Users/{}", ids[0])).await;
    assert!(u0.json.get("groups").is_none());
}

#[actix_web::test]
async fn nested_groups_are_stored_as_members() {
    let app = TestApp::new().await;
    let inner = app.create_group("Inner", &[]).await;
    let outer = app
        .create_group("Outer", &[inner["id"].as_str().unwrap()])
        .await;
    assert_eq!(outer["members"][0]["type"], "Group");
    let path = format!("/scim/v2/Groups/{}", outer["id"].as_str().unwrap());
    let r = app.get(&format!("{path}?attributes=members.display")).await;
    assert_eq!(r.json["members"][0]["display"], "Inner");
    // Deleting the inner group removes it from the outer one.
    let r = app
        .delete(&format!(
            "/scim/v2/Groups/{}",
            inner["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(r.status, 204);
    let r = app
        .get(&format!(
            "/scim/v2/Groups/{}",
            outer["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(r.json["members"], json!([]));
}

#[actix_web::test]
async fn delete_group_keeps_its_users() {
    let app = TestApp::new().await;
    let u = app.create_user("stays@example.com").await;
    let g = app.create_group("Temp", &[u["id"].as_str().unwrap()]).await;
    let path = format!("/scim/v2/Groups/{}", g["id"].as_str().unwrap());
    assert_eq!(app.delete(&path).await.status, 204);
    assert_eq!(app.get(&path).await.status, 404);
    assert_eq!(app.delete(&path).await.status, 404);
    let r = app
        .get(&format!("/scim/v2/Users/{}", u["id"].as_str().unwrap()))
        .await;
    assert_eq!(r.status, 200);
    assert!(r.json.get("groups").is_none());
}

#[actix_web::test]
async fn large_group_round_trip() {
    let app = TestApp::new().await;
    let mut members = Vec::new();
    for i in 0..60 {
        members.push(
            app.create_user(&format!("bulk{i}@example.com")).await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let refs: Vec<&str> = members.iter().map(String::as_str).collect();
    let g = app.create_group("Sixty", &refs).await;
    assert_eq!(g["members"].as_array().unwrap().len(), 60);
}
