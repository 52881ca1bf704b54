//! `active eq false` and `active eq true` on Users (an auditor's leavers,
//! an IdP's active accounts): pages from the index, totals from the
//! directory's kept counts, which follow every way a user's `active`
//! changes: created inactive, deactivated, reactivated, replaced,
//! deleted; and the server's upkeep folding the counts.

use serde_json::json;

use super::group_filter::{finds_by_every_page, other_directory_with, patch_user, total_as, u};
use crate::support::TestApp;

/// `active eq <active>` finds `expected` by every kind of page, with the
/// total the compiled filter counts.
async fn finds(app: &TestApp, active: bool, expected: &[String]) {
    finds_by_every_page(app, &format!("active eq {active}"), expected).await;
}

async fn set_active(app: &TestApp, id: &str, active: bool) {
    patch_user(
        app,
        id,
        json!([{"op": "replace", "path": "active", "value": active}]),
    )
    .await;
}

fn users_named(indices: &[usize]) -> Vec<String> {
    indices.iter().map(|&i| u(i)).collect()
}

#[actix_web::test]
async fn active_and_inactive_totals_follow_every_change() {
    let app = TestApp::new().await;
    let mut ids = Vec::new();
    for i in 0..8 {
        let mut body = super::user_body(&u(i));
        // u1 and u6 arrive deactivated.
        body["active"] = json!(i != 1 && i != 6);
        let r = app.post("/scim/v2/Users", &body).await;
        assert_eq!(r.status, 201, "{}", r.text);
        ids.push(r.json["id"].as_str().unwrap().to_owned());
    }
    finds(&app, false, &users_named(&[1, 6])).await;
    finds(&app, true, &users_named(&[0, 2, 3, 4, 5, 7])).await;

    // Deactivated by PATCH and by PUT; reactivated; a write that leaves
    // `active` as it was moves nothing.
    set_active(&app, &ids[3], false).await;
    let mut body = super::user_body(&u(5));
    body["active"] = json!(false);
    let r = app.put(&format!("/scim/v2/Users/{}", ids[5]), &body).await;
    assert_eq!(r.status, 200, "{}", r.text);
    set_active(&app, &ids[1], true).await;
    set_active(&app, &ids[6], false).await;
    finds(&app, false, &users_named(&[3, 5, 6])).await;
    finds(&app, true, &users_named(&[0, 1, 2, 4, 7])).await;

    // Deleted while inactive, and while active.
    for i in [6, 7] {
        let r = app.delete(&format!("/scim/v2/Users/{}", ids[i])).await;
        assert_eq!(r.status, 204, "{}", r.text);
    }
    finds(&app, false, &users_named(&[3, 5])).await;
    finds(&app, true, &users_named(&[0, 1, 2, 4])).await;

    // The upkeep folds the kept rows into one: the same totals.
    app.state
        .store
        .write_now(gatehouse::access::directories::fold_kept_counts)
        .unwrap();
    finds(&app, false, &users_named(&[3, 5])).await;
    set_active(&app, &ids[0], false).await;
    finds(&app, false, &users_named(&[0, 3, 5])).await;
    finds(&app, true, &users_named(&[1, 2, 4])).await;

    // Another directory's users are its own.
    let mut body = super::user_body("elsewhere@example.com");
    body["active"] = json!(false);
    let other = other_directory_with(&app, &body).await;
    finds(&app, false, &users_named(&[0, 3, 5])).await;
    assert_eq!(total_as(&app, &other, "active eq false").await, 1);
}
