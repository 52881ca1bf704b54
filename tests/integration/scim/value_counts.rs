//! `department eq "…"` and `name.familyName eq "…"` on Users: pages from
//! the index, totals from the kept counts per value (store::value_counts),
//! which follow every way a user's value changes: created with it, a
//! PATCH that sets, replaces or removes it, a PUT, a delete, a case-only
//! change; the server's upkeep folding the counts; another directory's
//! users, who are its own.

use serde_json::{json, Value};

use super::filter_query;
use super::group_filter::{
    finds_by_every_page, list, other_directory_with, patch_user, total_as, u,
};
use crate::support::TestApp;

const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

fn department_eq(value: &str) -> String {
    format!("{ENTERPRISE}:department eq \"{value}\"")
}

fn family_eq(value: &str) -> String {
    format!("name.familyName eq \"{value}\"")
}

/// `filter` finds the users numbered `expected` by every kind of page,
/// and every total is what the compiled filter counts.
async fn finds(app: &TestApp, filter: &str, expected: &[usize]) {
    let expected: Vec<String> = expected.iter().map(|&i| u(i)).collect();
    finds_by_every_page(app, filter, &expected).await;
}

fn body(i: usize, department: Option<&str>, family: Option<&str>) -> Value {
    let mut body = super::user_body(&u(i));
    match family {
        Some(f) => body["name"]["familyName"] = json!(f),
        None => body["name"] = json!({"givenName": "Given"}),
    }
    match department {
        Some(d) => body[ENTERPRISE]["department"] = json!(d),
        None => body[ENTERPRISE] = json!({"employeeNumber": "7"}),
    }
    body
}

#[actix_web::test]
async fn department_and_family_name_totals_follow_every_change() {
    let app = TestApp::new().await;
    let arrivals = [
        (Some("Finance"), Some("Smith")),
        (Some("FINANCE"), Some("smith")),
        (Some("Sales"), Some("Müller")),
        (None, None),
        (Some("finance "), Some("SMITH")),
        (Some("Finance"), Some("Nguyen")),
    ];
    let mut ids = Vec::new();
    for (i, (department, family)) in arrivals.into_iter().enumerate() {
        let r = app
            .post("/scim/v2/Users", &body(i, department, family))
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
        ids.push(r.json["id"].as_str().unwrap().to_owned());
    }
    finds(&app, &department_eq("finance"), &[0, 1, 5]).await;
    finds(&app, &department_eq("Finance "), &[4]).await;
    finds(&app, &department_eq("Marketing"), &[]).await;
    finds(&app, &family_eq("Smith"), &[0, 1, 4]).await;
    finds(&app, &family_eq("Müller"), &[2]).await;

    // Set where it was missing, replaced, removed, changed in case only;
    // a write that leaves it as it was moves nothing.
    patch_user(
        &app,
        &ids[3],
        json!([{"op": "add", "path": format!("{ENTERPRISE}:department"), "value": "Finance"}]),
    )
    .await;
    patch_user(
        &app,
        &ids[0],
        json!([{"op": "replace", "path": format!("{ENTERPRISE}:department"), "value": "Sales"}]),
    )
    .await;
    patch_user(
        &app,
        &ids[1],
        json!([{"op": "remove", "path": "name.familyName"}]),
    )
    .await;
    patch_user(
        &app,
        &ids[5],
        json!([{"op": "replace", "path": format!("{ENTERPRISE}:department"), "value": "fInAnCe"}]),
    )
    .await;
    patch_user(
        &app,
        &ids[2],
        json!([{"op": "replace", "path": "displayName", "value": "Someone else"}]),
    )
    .await;
    let r = app
        .put(
            &format!("/scim/v2/Users/{}", ids[4]),
            &body(4, Some("Finance"), Some("Nguyen")),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    finds(&app, &department_eq("Finance"), &[1, 3, 4, 5]).await;
    finds(&app, &department_eq("finance "), &[]).await;
    finds(&app, &department_eq("sales"), &[0, 2]).await;
    finds(&app, &family_eq("smith"), &[0]).await;
    finds(&app, &family_eq("nguyen"), &[4, 5]).await;

    // Deleted.
    let r = app.delete(&format!("/scim/v2/Users/{}", ids[5])).await;
    assert_eq!(r.status, 204, "{}", r.text);
    finds(&app, &department_eq("Finance"), &[1, 3, 4]).await;
    finds(&app, &family_eq("Nguyen"), &[4]).await;

    // The upkeep folds the kept rows (and drops a value nobody holds):
    // the same totals, and they go on following changes.
    app.state
        .store
        .write_now(gatehouse::access::directories::fold_kept_counts)
        .unwrap();
    finds(&app, &department_eq("Finance"), &[1, 3, 4]).await;
    finds(&app, &family_eq("Smith"), &[0]).await;
    finds(&app, &family_eq("Müller"), &[2]).await;
    patch_user(
        &app,
        &ids[1],
        json!([{"op": "replace", "path": format!("{ENTERPRISE}:department"), "value": "Sales"}]),
    )
    .await;
    finds(&app, &department_eq("Finance"), &[3, 4]).await;
    finds(&app, &department_eq("Sales"), &[0, 1, 2]).await;

    // Another directory's users are its own.
    let mut elsewhere = super::user_body("elsewhere@example.com");
    elsewhere[ENTERPRISE]["department"] = json!("Finance");
    let other = other_directory_with(&app, &elsewhere).await;
    finds(&app, &department_eq("Finance"), &[3, 4]).await;
    assert_eq!(total_as(&app, &other, &department_eq("finance")).await, 1);
}

/// After a bulk load every user left a row per value; the upkeep folds at
/// most 2,000 values a pass (one write transaction each), the rest on the
/// next, and no total is wrong in between.
#[actix_web::test]
async fn a_bulk_load_is_folded_over_several_passes_without_a_wrong_total() {
    let app = TestApp::new().await;
    let users = (0..2_100).map(|i| {
        json!({"schemas": [super::USER], "userName": u(i), "name": {"familyName": format!("Fam{i}")}})
    });
    super::bulk_create_users(&app, users).await;
    let fold = || {
        app.state.store.write_now(|conn| {
            gatehouse::store::value_counts::fold(conn).map_err(gatehouse::store::StoreError::from)
        })
    };
    let totals_hold = || async {
        for i in [0, 1_999, 2_000, 2_099] {
            let filter = family_eq(&format!("fam{i}"));
            let r = list(&app, &format!("filter={}&count=0", filter_query(&filter))).await;
            assert_eq!(r["totalResults"], 1, "{filter}: {r}");
        }
    };
    totals_hold().await;
    assert_eq!(fold().unwrap(), 2_000, "the first pass folds 2,000 values");
    totals_hold().await;
    let second = fold().unwrap();
    assert!(
        (100..2_000).contains(&second),
        "the second pass folds the rest: {second}"
    );
    totals_hold().await;
    assert_eq!(fold().unwrap(), 0, "nothing is left");
    totals_hold().await;
}
