//! `entitlements[value eq "<product>:<role>"]` on Users, alone or with
//! more (an auditor's "who holds this, and is active"): the holders in
//! creation order with their total, by startIndex and by cursor, exactly
//! the users the same question finds when it is part of a larger filter.

use actix_web::http::Method;
use serde_json::json;

use super::filter_query;
use super::group_filter::{
    by_start_index, cursor_page, list, names, pages_of_each_size, patch_user, u, PATCH_OP,
};
use crate::support::TestApp;

/// `filter`'s users, every page of `count` by startIndex (checking each
/// page's total) and by cursor, all the same as `expected`.
async fn pages_agree(app: &TestApp, filter: &str, expected: &[String]) {
    pages_of_each_size(app, filter, &[2, 3, 100], expected).await;
    // The same users as the question finds inside a larger filter (the
    // compiled one, through the entitlements view).
    let (generic, _) =
        by_start_index(app, &format!("({filter}) or userName eq \"nobody\""), 100).await;
    assert_eq!(generic, expected, "{filter} as part of a larger filter");
    let r = list(app, &format!("filter={}&count=0", filter_query(filter))).await;
    assert_eq!(r["totalResults"], expected.len(), "{filter}: {r}");
    app.assert_group_counts_kept();
}

#[actix_web::test]
async fn an_entitlement_s_holders_come_in_creation_order_with_their_total() {
    let app = TestApp::new().await;
    app.create_product("acme", "wiki", None).await;
    let mut ids = Vec::new();
    for i in 0..10 {
        ids.push(
            app.create_user(&u(i)).await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    // Added out of creation order; u0 is in another group only.
    let members: Vec<&str> = [9, 2, 7, 1, 5, 3, 8]
        .iter()
        .map(|&i| ids[i].as_str())
        .collect();
    let staff = app.create_group("Staff", &members).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.create_group("Others", &[&ids[0]]).await;
    app.map(&staff, "wiki", "user").await;
    // u3 deactivated by the IdP, u5 suspended by an admin: neither holds it.
    patch_user(
        &app,
        &ids[3],
        json!([{"op": "replace", "value": {"active": false}}]),
    )
    .await;
    let r = app
        .admin_post(&format!("/users/{}/suspend", ids[5]), &json!({}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);

    let holders: Vec<String> = [1, 2, 7, 8, 9].iter().map(|&i| u(i)).collect();
    for filter in [
        "entitlements[value eq \"wiki:user\"]",
        "entitlements.value eq \"WIKI:User\"",
        "entitlements[value eq \"wiki:user\"] and active eq true",
        "active eq true and entitlements[value eq \"wiki:user\"]",
    ] {
        pages_agree(&app, filter, &holders).await;
    }
    // The rest of the filter narrows the holders.
    let filter = format!(
        "entitlements[value eq \"wiki:user\"] and (userName eq \"{}\" or userName eq \"{}\")",
        u(2),
        u(9)
    );
    pages_agree(&app, &filter, &[u(2), u(9)]).await;
    // Nobody holds a role no group grants, nor an unknown product's.
    pages_agree(&app, "entitlements[value eq \"wiki:admin\"]", &[]).await;
    pages_agree(
        &app,
        "entitlements[value eq \"nope:user\"] and active eq true",
        &[],
    )
    .await;

    // A cursor's previous page reads the same users backwards.
    let filter = "entitlements[value eq \"wiki:user\"] and active eq true";
    let first = cursor_page(&app, filter, 2, None).await;
    let second = cursor_page(&app, filter, 2, Some(&first["nextCursor"])).await;
    assert_eq!(names(&second), [u(7), u(8)]);
    let back = cursor_page(&app, filter, 2, Some(&second["previousCursor"])).await;
    assert_eq!(names(&back), [u(1), u(2)]);

    // Reactivated, u3 holds it again; removed from the group, u8 does not.
    patch_user(
        &app,
        &ids[3],
        json!([{"op": "replace", "path": "active", "value": true}]),
    )
    .await;
    let r = app
        .request(Method::PATCH, &format!("/scim/v2/Groups/{staff}"))
        .json(&json!({"schemas": [PATCH_OP], "Operations": [
            {"op": "remove", "path": format!("members[value eq \"{}\"]", ids[8])}]}))
        .send()
        .await;
    assert!(r.status == 200 || r.status == 204, "{}", r.text);
    let holders: Vec<String> = [1, 2, 3, 7, 9].iter().map(|&i| u(i)).collect();
    pages_agree(&app, filter, &holders).await;

    // A second group granting it (an admin role implies the user role):
    // the holders of both, still in creation order.
    let admins = app.create_group("Wiki admins", &[&ids[0], &ids[8]]).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.map(&admins, "wiki", "admin").await;
    let holders: Vec<String> = [0, 1, 2, 3, 7, 8, 9].iter().map(|&i| u(i)).collect();
    pages_agree(&app, filter, &holders).await;
    pages_agree(&app, "entitlements[value eq \"wiki:admin\"]", &[u(0), u(8)]).await;

    // Deleted by the IdP, u9 holds nothing; u2 deactivated neither (one
    // granting group again: the total read from the kept holders).
    let r = app.delete(&format!("/scim/v2/Users/{}", ids[9])).await;
    assert_eq!(r.status, 204, "{}", r.text);
    patch_user(
        &app,
        &ids[2],
        json!([{"op": "replace", "path": "active", "value": false}]),
    )
    .await;
    let r = app
        .request(Method::DELETE, &format!("/scim/v2/Groups/{admins}"))
        .send()
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    let holders: Vec<String> = [1, 3, 7].iter().map(|&i| u(i)).collect();
    pages_agree(&app, filter, &holders).await;
    pages_agree(&app, "entitlements[value eq \"wiki:user\"]", &holders).await;
}

#[actix_web::test]
async fn another_directory_s_token_sees_no_holders_of_this_one() {
    let app = TestApp::new().await;
    app.create_product("acme", "wiki", None).await;
    let ada = app.create_user("ada@x.org").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let staff = app.create_group("Staff", &[&ada]).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.map(&staff, "wiki", "user").await;
    let filter = "entitlements[value eq \"wiki:user\"] and active eq true";
    pages_agree(&app, filter, &["ada@x.org".to_owned()]).await;
    let other = app.other_directory("other");
    let r = app
        .request_as(
            &other.token,
            Method::GET,
            &format!("/scim/v2/Users?filter={}", filter_query(filter)),
        )
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["totalResults"], 0, "{}", r.text);
}
