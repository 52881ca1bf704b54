//! `groups[value eq "…"]` on Users (an auditor's "who is in this group"):
//! the group's users in creation order with their total, by startIndex
//! and by cursor, exactly the users the same filter finds when it is
//! part of a larger one.

use actix_web::http::Method;
use serde_json::{json, Value};

use super::filter_query;
use crate::support::TestApp;

pub(super) const PATCH_OP: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

pub(super) fn names(r: &Value) -> Vec<String> {
    r["Resources"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|u| u["userName"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn enc(cursor: &Value) -> String {
    url::form_urlencoded::byte_serialize(cursor.as_str().unwrap().as_bytes()).collect()
}

pub(super) fn u(i: usize) -> String {
    format!("u{i}@x.org")
}

/// PATCHes a user with these operations; it must answer 200.
pub(super) async fn patch_user(app: &TestApp, id: &str, operations: Value) {
    let r = app
        .request(Method::PATCH, &format!("/scim/v2/Users/{id}"))
        .json(&json!({"schemas": [PATCH_OP], "Operations": operations}))
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
}

pub(super) async fn list(app: &TestApp, query: &str) -> Value {
    let r = app.get(&format!("/scim/v2/Users?{query}")).await;
    assert_eq!(r.status, 200, "{query}: {}", r.text);
    r.json
}

/// Every page of `filter`, `count` at a time, by startIndex: the names
/// and the totals each page gave.
pub(super) async fn by_start_index(
    app: &TestApp,
    filter: &str,
    count: usize,
) -> (Vec<String>, Vec<i64>) {
    let (mut seen, mut totals) = (Vec::new(), Vec::new());
    let mut start = 1;
    loop {
        let page = list(
            app,
            &format!(
                "filter={}&startIndex={start}&count={count}",
                filter_query(filter)
            ),
        )
        .await;
        totals.push(page["totalResults"].as_i64().unwrap());
        let got = names(&page);
        if got.is_empty() {
            return (seen, totals);
        }
        start += got.len();
        seen.extend(got);
    }
}

/// The page of `filter`, `count` at a time, at `cursor` (a page's
/// `nextCursor` or `previousCursor`; `None` starts a walk).
pub(super) async fn cursor_page(
    app: &TestApp,
    filter: &str,
    count: usize,
    cursor: Option<&Value>,
) -> Value {
    let cursor = cursor.map(enc).unwrap_or_default();
    list(
        app,
        &format!(
            "filter={}&count={count}&cursor={cursor}",
            filter_query(filter)
        ),
    )
    .await
}

/// Every page of `filter`, `count` at a time, by cursor.
pub(super) async fn by_cursor(app: &TestApp, filter: &str, count: usize) -> Vec<String> {
    let mut seen = Vec::new();
    let mut page = cursor_page(app, filter, count, None).await;
    loop {
        seen.extend(names(&page));
        match page.get("nextCursor") {
            Some(next) => page = cursor_page(app, filter, count, Some(next)).await,
            None => return seen,
        }
    }
}

/// `filter`'s users, every page of each of `counts` by startIndex (each
/// page's total checked) and by cursor, all the same as `expected`.
pub(super) async fn pages_of_each_size(
    app: &TestApp,
    filter: &str,
    counts: &[usize],
    expected: &[String],
) {
    for &count in counts {
        let (seen, totals) = by_start_index(app, filter, count).await;
        assert_eq!(seen, expected, "{filter}, pages of {count}");
        assert!(
            totals.iter().all(|&t| t == expected.len() as i64),
            "{filter}, pages of {count}: {totals:?}"
        );
        assert_eq!(by_cursor(app, filter, count).await, expected, "{filter}");
    }
}

/// `filter` finds the users `expected` by every kind of page: startIndex
/// pages of 2 and of 100, each giving the same total, the cursor walk, a
/// `count=0` total; and the same total when the filter is counted as part
/// of a larger one (an `or` that no plan of its own reads), so a total the
/// store keeps or reads its own way is checked against the count.
pub(super) async fn finds_by_every_page(app: &TestApp, filter: &str, expected: &[String]) {
    pages_of_each_size(app, filter, &[2, 100], expected).await;
    let r = list(app, &format!("filter={}&count=0", filter_query(filter))).await;
    assert_eq!(r["totalResults"], expected.len(), "{filter}: {r}");
    let counted = format!("({filter}) or userName eq \"nobody\"");
    let r = list(app, &format!("filter={}&count=0", filter_query(&counted))).await;
    assert_eq!(r["totalResults"], expected.len(), "{counted}: {r}");
}

/// A second directory holding one user, `body`: its token.
pub(super) async fn other_directory_with(app: &TestApp, body: &Value) -> String {
    let other = app.other_directory("other");
    let r = app
        .request_as(&other.token, Method::POST, "/scim/v2/Users")
        .json(body)
        .send()
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    other.token
}

/// The total of `filter` as the directory of `token` sees it.
pub(super) async fn total_as(app: &TestApp, token: &str, filter: &str) -> Value {
    let r = app
        .request_as(
            token,
            Method::GET,
            &format!("/scim/v2/Users?count=0&filter={}", filter_query(filter)),
        )
        .send()
        .await;
    assert_eq!(r.status, 200, "{filter}: {}", r.text);
    r.json["totalResults"].clone()
}

#[actix_web::test]
async fn a_group_s_users_come_in_creation_order_with_their_total() {
    let app = TestApp::new().await;
    let mut ids = Vec::new();
    for i in 0..12 {
        ids.push(
            app.create_user(&u(i)).await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let nested = app.create_group("Nested", &[&ids[0]]).await;
    let nested_id = nested["id"].as_str().unwrap().to_owned();
    // Added out of creation order, with a group among the members.
    let odd: Vec<&str> = [11, 3, 7, 1, 9, 5]
        .iter()
        .map(|&i| ids[i].as_str())
        .collect();
    let group = app.create_group("Odd", &odd).await;
    let group_id = group["id"].as_str().unwrap().to_owned();
    let r = app
        .request(Method::PATCH, &format!("/scim/v2/Groups/{group_id}"))
        .json(&json!({"schemas": [PATCH_OP], "Operations": [
            {"op": "add", "path": "members", "value": [{"value": nested_id, "type": "Group"}]}]}))
        .send()
        .await;
    assert!(r.status == 200 || r.status == 204, "{}", r.text);
    app.create_group("Even", &[&ids[0], &ids[2]]).await;

    let odd_names: Vec<String> = [1, 3, 5, 7, 9, 11].iter().map(|&i| u(i)).collect();
    for filter in [
        format!("groups[value eq \"{group_id}\"]"),
        format!("groups.value eq \"{group_id}\""),
    ] {
        // Pages of 4 and of 5 by startIndex: every page tells the whole total.
        for count in [4, 5] {
            let (seen, totals) = by_start_index(&app, &filter, count).await;
            assert_eq!(seen, odd_names, "{filter}, pages of {count}");
            assert!(totals.iter().all(|&t| t == 6), "{filter}: {totals:?}");
        }
        assert_eq!(by_cursor(&app, &filter, 4).await, odd_names, "{filter}");
        // The same users as the filter finds inside a larger one.
        let (generic, _) = by_start_index(&app, &format!("{filter} and active eq true"), 100).await;
        assert_eq!(generic, odd_names, "{filter}");
        // count=0: the total alone.
        let r = list(&app, &format!("filter={}&count=0", filter_query(&filter))).await;
        assert_eq!(r["totalResults"], 6, "{r}");
        assert_eq!(names(&r), Vec::<String>::new());
    }

    // A cursor's previous page reads the same users backwards.
    let filter = format!("groups[value eq \"{group_id}\"]");
    let first = cursor_page(&app, &filter, 4, None).await;
    assert_eq!(first["totalResults"], 6);
    let second = cursor_page(&app, &filter, 4, Some(&first["nextCursor"])).await;
    assert_eq!(names(&second), [u(9), u(11)]);
    let back = cursor_page(&app, &filter, 4, Some(&second["previousCursor"])).await;
    assert_eq!(names(&back), odd_names[..4]);

    // Membership changes show at once: u3 leaves, u0 (older) and a new
    // user join, u5 is deleted. u0 is sent twice and u7 is a member
    // already: each stays one membership.
    let late = app.create_user(&u(12)).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = app
        .request(Method::PATCH, &format!("/scim/v2/Groups/{group_id}"))
        .json(&json!({"schemas": [PATCH_OP], "Operations": [
            {"op": "remove", "path": format!("members[value eq \"{}\"]", ids[3])},
            {"op": "add", "path": "members", "value": [
                {"value": ids[0]}, {"value": late}, {"value": ids[0]}, {"value": ids[7]}]}]}))
        .send()
        .await;
    assert!(r.status == 200 || r.status == 204, "{}", r.text);
    let r = app.delete(&format!("/scim/v2/Users/{}", ids[5])).await;
    assert_eq!(r.status, 204, "{}", r.text);
    let expected: Vec<String> = [0, 1, 7, 9, 11, 12].iter().map(|&i| u(i)).collect();
    let (seen, totals) = by_start_index(&app, &filter, 4).await;
    assert_eq!(seen, expected);
    assert!(totals.iter().all(|&t| t == 6), "{totals:?}");
    assert_eq!(by_cursor(&app, &filter, 5).await, expected);

    // A PUT replaces every member; a deleted group has no one.
    let r = app
        .put(
            &format!("/scim/v2/Groups/{group_id}"),
            &json!({"schemas": [super::GROUP], "displayName": "Odd",
                "members": [{"value": ids[2]}, {"value": ids[1]}, {"value": nested_id}]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let (seen, totals) = by_start_index(&app, &filter, 1).await;
    assert_eq!(seen, [u(1), u(2)]);
    assert!(totals.iter().all(|&t| t == 2), "{totals:?}");
    let r = app.delete(&format!("/scim/v2/Groups/{group_id}")).await;
    assert_eq!(r.status, 204, "{}", r.text);
    let r = list(&app, &format!("filter={}", filter_query(&filter))).await;
    assert_eq!(r["totalResults"], 0, "{r}");
}

#[actix_web::test]
async fn only_a_group_of_the_directory_itself_has_users_there() {
    let app = TestApp::new().await;
    let ada = app.create_user("ada@x.org").await;
    let group = app
        .create_group("Team", &[ada["id"].as_str().unwrap()])
        .await;
    let group_id = group["id"].as_str().unwrap();
    let other = app.other_directory("other");
    for filter in [
        format!("groups[value eq \"{group_id}\"]"),
        format!("groups.value eq \"{group_id}\""),
    ] {
        // Its own directory sees the member.
        let r = list(&app, &format!("filter={}", filter_query(&filter))).await;
        assert_eq!(names(&r), ["ada@x.org"]);
        // Another directory's token asking for this group sees no one.
        let r = app
            .request_as(
                &other.token,
                Method::GET,
                &format!("/scim/v2/Users?filter={}", filter_query(&filter)),
            )
            .send()
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.json["totalResults"], 0, "{}", r.text);
        assert_eq!(names(&r.json), Vec::<String>::new());
    }
    // No such group: no one, and no error.
    let r = list(
        &app,
        &format!("filter={}", filter_query("groups[value eq \"nope\"]")),
    )
    .await;
    assert_eq!(r["totalResults"], 0, "{r}");
}

/// Users in the same groups deleted at once: every delete succeeds and
/// the groups' kept totals end where their members do. Half the users
/// joined the two groups in one order and half in the other, so their
/// deletes reach the groups' counts in different orders unless the store
/// takes them in one.
#[actix_web::test]
async fn users_sharing_groups_deleted_at_once_all_go() {
    let app = TestApp::new().await;
    let mut ids = Vec::new();
    for i in 0..24 {
        ids.push(
            app.create_user(&u(i)).await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let a = app.create_group("A", &[]).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let b = app.create_group("B", &[]).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let keeper = app.create_user("keeper@x.org").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for (i, id) in ids.iter().chain([&keeper]).enumerate() {
        let order = if i % 2 == 0 { [&a, &b] } else { [&b, &a] };
        for group in order {
            let r = app
                .request(Method::PATCH, &format!("/scim/v2/Groups/{group}"))
                .json(&json!({"schemas": [PATCH_OP], "Operations": [
                    {"op": "add", "path": "members", "value": [{"value": id}]}]}))
                .send()
                .await;
            assert!(r.status == 200 || r.status == 204, "{}", r.text);
        }
    }
    let deletes = ids.iter().map(|id| {
        app.request(Method::DELETE, &format!("/scim/v2/Users/{id}"))
            .send()
    });
    for r in futures_util::future::join_all(deletes).await {
        assert_eq!(r.status, 204, "{}", r.text);
    }
    for group in [&a, &b] {
        let filter = format!("groups[value eq \"{group}\"]");
        let r = list(&app, &format!("filter={}", filter_query(&filter))).await;
        assert_eq!(r["totalResults"], 1, "{r}");
        assert_eq!(names(&r), ["keeper@x.org"]);
    }
}
