//! An auditor's "everyone at this domain" on Users:
//! `emails[type eq "work" and value ew "@contractor.example"]`,
//! `emails.value ew "…"` and the `eq` lookups IdPs make, read from the
//! indexed email elements (`store::email_filter`). Every page and total
//! must say what the compiled filter says, through every way a user's
//! emails change: several addresses at the domain, one address under two
//! types, an element without a type, PATCH, PUT, delete, another
//! directory.

use actix_web::http::Method;
use serde_json::{json, Value};

use super::filter_query;
use super::group_filter::{by_start_index, finds_by_every_page, list, names, patch_user, u};
use crate::support::TestApp;

const WORK_AT_DOMAIN: &str = "emails[type eq \"work\" and value ew \"@contractor.example\"]";
const HOME_AT_DOMAIN: &str = "emails[value ew \"@contractor.example\" and type eq \"HOME\"]";
const AT_DOMAIN: &str = "emails.value ew \"@Contractor.example\"";
const AT_DOMAIN_BRACKETS: &str = "emails[value ew \"@contractor.EXAMPLE\"]";

/// `filter` finds the users `expected` (by index in `u`) by every kind of
/// page, with one total throughout; the same as the compiled filter (an
/// `or` that no plan of its own reads) and the same set by `sortBy`.
async fn finds(app: &TestApp, filter: &str, expected: &[usize]) {
    let expected: Vec<String> = expected.iter().map(|&i| u(i)).collect();
    finds_by_every_page(app, filter, &expected).await;
    let counted = format!("({filter}) or userName eq \"nobody\"");
    let (seen, totals) = by_start_index(app, &counted, 3).await;
    assert_eq!(seen, expected, "{counted}");
    assert!(
        totals.iter().all(|&t| t == expected.len() as i64),
        "{counted}: {totals:?}"
    );
    let r = list(
        app,
        &format!(
            "filter={}&sortBy=userName&sortOrder=descending&count=100",
            filter_query(filter)
        ),
    )
    .await;
    let mut sorted = names(&r);
    sorted.sort();
    let mut want = expected.clone();
    want.sort();
    assert_eq!(sorted, want, "{filter}, sorted by userName");
}

/// A user `u(i)` with these `emails`.
fn with_emails(i: usize, emails: Value) -> Value {
    let mut body = super::user_body(&u(i));
    body["emails"] = emails;
    body
}

#[actix_web::test]
async fn users_at_a_domain_follow_their_email_elements() {
    let app = TestApp::new().await;
    let emails = [
        json!([{"value": "ann@contractor.example", "type": "work", "primary": true}]),
        // At the domain only at home.
        json!([{"value": "bo@staff.example", "type": "work"},
               {"value": "bo@contractor.example", "type": "home"}]),
        // Two work addresses at the domain (one user, once), case mixed.
        json!([{"value": "Cy@Contractor.Example", "type": "Work"},
               {"value": "cy2@contractor.example", "type": "work"}]),
        // One address under two types.
        json!([{"value": "di@contractor.example", "type": "work"},
               {"value": "DI@contractor.example", "type": "home"}]),
        // No type.
        json!([{"value": "ed@contractor.example"}]),
        // Ends with the domain's name, not with the domain.
        json!([{"value": "fay@contractor.example.org", "type": "work"},
               {"value": "fay@subcontractor.example", "type": "work"}]),
        json!([{"value": "gil@contractor.example", "type": "work"}]),
        // No emails at all.
        json!([]),
        // An "address" that is the domain's name alone: no `@`, so it
        // does not end with "@contractor.example".
        json!([{"value": "contractor.example", "type": "work"}]),
    ];
    let mut ids = Vec::new();
    for (i, e) in emails.into_iter().enumerate() {
        let r = app.post("/scim/v2/Users", &with_emails(i, e)).await;
        assert_eq!(r.status, 201, "{}", r.text);
        ids.push(r.json["id"].as_str().unwrap().to_owned());
    }
    // Another directory's contractor is not this directory's.
    let other = app.other_directory("other");
    let r = app
        .request_as(&other.token, Method::POST, "/scim/v2/Users")
        .json(&with_emails(
            20,
            json!([{"value": "zed@contractor.example", "type": "work"}]),
        ))
        .send()
        .await;
    assert_eq!(r.status, 201, "{}", r.text);

    finds(&app, WORK_AT_DOMAIN, &[0, 2, 3, 6]).await;
    finds(&app, HOME_AT_DOMAIN, &[1, 3]).await;
    finds(&app, AT_DOMAIN, &[0, 1, 2, 3, 4, 6]).await;
    finds(&app, AT_DOMAIN_BRACKETS, &[0, 1, 2, 3, 4, 6]).await;
    let exact = "emails[type eq \"work\" and value eq \"DI@Contractor.example\"]";
    finds(&app, exact, &[3]).await;
    finds(&app, "emails.value eq \"cy2@contractor.example\"", &[2]).await;
    // Not a whole domain: fay's subcontractor address ends with it too.
    finds(
        &app,
        "emails.value ew \"contractor.example\"",
        &[0, 1, 2, 3, 4, 5, 6, 8],
    )
    .await;
    finds(
        &app,
        "emails[type eq \"home\" and value eq \"ann@contractor.example\"]",
        &[],
    )
    .await;

    // ann moves her address home (PATCH), fay's becomes a contractor's
    // (PUT), gil leaves, cy changes only his name: the lists follow.
    patch_user(
        &app,
        &ids[0],
        json!([{"op": "replace", "path": "emails[value eq \"ann@contractor.example\"].type",
                "value": "home"}]),
    )
    .await;
    let r = app
        .put(
            &format!("/scim/v2/Users/{}", ids[5]),
            &with_emails(
                5,
                json!([{"value": "fay@contractor.example", "type": "work"}]),
            ),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = app.delete(&format!("/scim/v2/Users/{}", ids[6])).await;
    assert_eq!(r.status, 204, "{}", r.text);
    patch_user(
        &app,
        &ids[2],
        json!([{"op": "replace", "path": "displayName", "value": "Cy"}]),
    )
    .await;
    finds(&app, WORK_AT_DOMAIN, &[2, 3, 5]).await;
    finds(&app, HOME_AT_DOMAIN, &[0, 1, 3]).await;
    finds(&app, AT_DOMAIN, &[0, 1, 2, 3, 4, 5]).await;

    // The upkeep folds the kept totals per domain (store::value_counts):
    // the same totals, and they go on following changes.
    app.state
        .store
        .write_now(gatehouse::access::directories::fold_kept_counts)
        .unwrap();
    finds(&app, WORK_AT_DOMAIN, &[2, 3, 5]).await;
    finds(&app, AT_DOMAIN, &[0, 1, 2, 3, 4, 5]).await;

    // Emails removed altogether.
    patch_user(&app, &ids[3], json!([{"op": "remove", "path": "emails"}])).await;
    finds(&app, WORK_AT_DOMAIN, &[2, 5]).await;
    finds(&app, HOME_AT_DOMAIN, &[0, 1]).await;
    finds(&app, "emails.value eq \"di@contractor.example\"", &[]).await;
    // A domain nobody is at any more.
    let r = app.delete(&format!("/scim/v2/Users/{}", ids[5])).await;
    assert_eq!(r.status, 204, "{}", r.text);
    patch_user(
        &app,
        &ids[2],
        json!([{"op": "replace", "path": "emails",
                "value": [{"value": "cy@staff.example", "type": "work"}]}]),
    )
    .await;
    finds(&app, WORK_AT_DOMAIN, &[]).await;
    finds(
        &app,
        "emails[type eq \"work\" and value ew \"@staff.example\"]",
        &[1, 2],
    )
    .await;
}

/// On PostgreSQL a domain's total is kept, not counted
/// (`value_counts::email_domain`): a user's elements at the domain keep +1
/// for it, under its type and under any type, and a page's total is what
/// those rows sum to — a row written by hand moves it, which a count of
/// the elements would not. (SQLite counts: the other tests here.)
#[actix_web::test]
async fn a_domain_s_total_is_kept_per_domain_and_type() {
    use diesel::connection::SimpleConnection;
    let app = TestApp::new().await;
    if app.state.store.backend() != gatehouse::store::Backend::Postgres {
        return;
    }
    for i in 0..3 {
        let body = with_emails(
            i,
            json!([{"value": format!("p{i}@contractor.example"), "type": "work"},
                   {"value": format!("q{i}@Contractor.example"), "type": "work"},
                   {"value": format!("p{i}@contractor.example"), "type": "home"}]),
        );
        let r = app.post("/scim/v2/Users", &body).await;
        assert_eq!(r.status, 201, "{}", r.text);
    }
    let kept = |kind: Option<&str>| {
        app.state
            .store
            .write_now(|conn| {
                gatehouse::store::value_counts::email_domain(
                    conn,
                    &app.directory.id,
                    kind,
                    "@contractor.example",
                )
                .map_err(gatehouse::store::StoreError::from)
            })
            .unwrap()
            .expect("kept on PostgreSQL")
    };
    assert_eq!(kept(Some("work")), 3, "once a user, not once an address");
    assert_eq!(kept(Some("home")), 3);
    assert_eq!(kept(None), 3);
    assert_eq!(kept(Some("other")), 0);
    finds(&app, WORK_AT_DOMAIN, &[0, 1, 2]).await;

    let total = |filter: &'static str| {
        let app = &app;
        async move {
            let r = list(app, &format!("filter={}&count=1", filter_query(filter))).await;
            r["totalResults"].as_i64().unwrap()
        }
    };
    let by_hand = |sql: String| {
        app.state
            .store
            .write_now(|conn| {
                conn.batch_execute(&sql)
                    .map_err(gatehouse::store::StoreError::from)
            })
            .unwrap()
    };
    by_hand(format!(
        "INSERT INTO user_value_counts (directory_id, attribute, value_key, users) \
         VALUES ('{}', 'emails.domain:work', '@contractor.example', 10)",
        app.directory.id
    ));
    assert_eq!(total(WORK_AT_DOMAIN).await, 13);
    assert_eq!(total(AT_DOMAIN).await, 3);
    by_hand("DELETE FROM user_value_counts WHERE users = 10".to_owned());
    assert_eq!(total(WORK_AT_DOMAIN).await, 3);
}

/// The other directory sees only its own contractor, and an admin's
/// compliance read across directories sees both directories'.
#[actix_web::test]
async fn a_domain_is_read_per_directory() {
    let app = TestApp::new().await;
    let other = app.other_directory("other");
    for (token, i) in [(None, 0), (Some(&other.token), 1)] {
        let body = with_emails(
            i,
            json!([{"value": format!("p{i}@contractor.example"), "type": "work"}]),
        );
        let request = match token {
            Some(t) => app.request_as(t, Method::POST, "/scim/v2/Users"),
            None => app.request(Method::POST, "/scim/v2/Users"),
        };
        let r = request.json(&body).send().await;
        assert_eq!(r.status, 201, "{}", r.text);
    }
    finds(&app, WORK_AT_DOMAIN, &[0]).await;
    let r = app
        .request_as(
            &other.token,
            Method::GET,
            &format!("/scim/v2/Users?filter={}", filter_query(WORK_AT_DOMAIN)),
        )
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(names(&r.json), [u(1)], "{}", r.text);
    let r = app
        .request_as(
            &app.admin_token,
            Method::GET,
            &format!(
                "/scim/v2/Users?attributes=userName&filter={}",
                filter_query(WORK_AT_DOMAIN)
            ),
        )
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["totalResults"], 2, "{}", r.text);
}
