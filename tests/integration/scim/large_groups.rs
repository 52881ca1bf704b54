//! A group larger than a page of members (`MEMBERS_PER_PAGE`) is read as
//! a stream: the same group, members and all, as a small one would be.

use std::collections::HashSet;

use actix_web::http::Method;
use serde_json::{json, Value};

use super::{bulk_users, GROUP};
use crate::support::TestApp;
use gatehouse::access::provisioning::group_pages::{self, MEMBERS_PER_PAGE};

fn member_values(group: &Value) -> Vec<String> {
    group["members"]
        .as_array()
        .unwrap_or_else(|| panic!("no members: {group}"))
        .iter()
        .map(|m| m["value"].as_str().unwrap().to_owned())
        .collect()
}

#[actix_web::test]
async fn a_group_larger_than_a_page_is_streamed_whole() {
    let app = TestApp::new().await;
    // Three pages: the first, one between, and the last.
    let names = (0..2 * MEMBERS_PER_PAGE as usize + 50).map(|i| format!("member{i}@big.example"));
    let users = bulk_users(&app, names).await;
    let nested = app.create_group("Nested", &[]).await;
    let nested_id = nested["id"].as_str().unwrap().to_owned();
    let mut members: Vec<Value> = users.iter().map(|id| json!({"value": id})).collect();
    members.push(json!({"value": nested_id, "type": "Group"}));
    let r = app
        .post(
            "/scim/v2/Groups",
            &json!({"schemas": [GROUP], "displayName": "Everyone", "members": members}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.json["id"].as_str().unwrap().to_owned();
    let mut expected: HashSet<String> = users.iter().cloned().collect();
    expected.insert(nested_id.clone());

    // Streamed: every member once, the group's ETag, SCIM JSON.
    let r = app.get(&format!("/scim/v2/Groups/{id}")).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.header("etag").unwrap(), "W/\"1\"");
    assert!(r
        .header("content-type")
        .unwrap()
        .starts_with("application/scim+json"));
    let got = member_values(&r.json);
    assert_eq!(got.len(), expected.len(), "a member twice or missing");
    assert_eq!(got.iter().cloned().collect::<HashSet<_>>(), expected);
    assert_eq!(r.json["displayName"], "Everyone");
    assert_eq!(r.json["meta"]["resourceType"], "Group");
    assert_eq!(r.json["meta"]["version"], "W/\"1\"");
    let members = r.json["members"].as_array().unwrap();
    let group_member = members.iter().find(|m| m["value"] == nested_id).unwrap();
    assert_eq!(group_member["type"], "Group");
    assert!(group_member["$ref"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/Groups/{nested_id}")));
    let user_member = members.iter().find(|m| m["value"] == users[7]).unwrap();
    assert_eq!(user_member["type"], "User");

    // Projected members, page after page.
    let r = app
        .get(&format!("/scim/v2/Groups/{id}?attributes=members.value"))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.json.get("displayName").is_none());
    let members = r.json["members"].as_array().unwrap();
    assert_eq!(members.len(), expected.len());
    assert!(members
        .iter()
        .all(|m| m.as_object().unwrap().keys().eq(["value"].iter())));
    let r = app
        .get(&format!(
            "/scim/v2/Groups/{id}?attributes=members,members.display"
        ))
        .await;
    let display = r.json["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["value"] == users[7])
        .unwrap()["display"]
        .clone();
    assert_eq!(display, "Member 7");

    // Unchanged since the reader's copy: 304, nothing streamed.
    let r = app
        .request(Method::GET, &format!("/scim/v2/Groups/{id}"))
        .header("If-None-Match", "W/\"1\"")
        .send()
        .await;
    assert_eq!(r.status, 304);
    assert!(r.text.is_empty());

    // Without members, nothing is streamed either.
    let r = app
        .get(&format!("/scim/v2/Groups/{id}?excludedAttributes=members"))
        .await;
    assert_eq!(r.status, 200);
    assert!(r.json.get("members").is_none());

    // Another directory can't read it, streamed or not.
    let other = app.other_directory("Other");
    let r = app
        .request_as(&other.token, Method::GET, &format!("/scim/v2/Groups/{id}"))
        .send()
        .await;
    assert_eq!(r.status, 404, "{}", r.text);
}

#[actix_web::test]
async fn a_page_of_a_group_changed_since_its_first_page_is_refused() {
    let app = TestApp::new().await;
    let a = app.create_user("a@big.example").await;
    let group = app
        .create_group("Changing", &[a["id"].as_str().unwrap()])
        .await;
    let id = group["id"].as_str().unwrap().to_owned();
    let next = |version: i64| {
        let id = id.clone();
        app.state
            .store
            .read_now(move |conn| group_pages::next_page(conn, &id, version, ""))
    };
    // At the version the walk began with, the next page reads on.
    let page = next(1).unwrap();
    assert_eq!(page.members.len(), 1);
    assert!(page.next.is_none());
    // Changed midway: the walk must stop rather than mix two groups.
    let r = app
        .request(Method::PATCH, &format!("/scim/v2/Groups/{id}"))
        .json(
            &json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "replace", "path": "displayName", "value": "Changed"}]}),
        )
        .send()
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    assert_eq!(next(1).unwrap_err().status, 409);
    // Deleted midway: gone.
    let r = app.delete(&format!("/scim/v2/Groups/{id}")).await;
    assert_eq!(r.status, 204);
    assert_eq!(next(2).unwrap_err().status, 404);
}
