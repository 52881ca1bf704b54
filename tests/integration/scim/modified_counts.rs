//! `meta.lastModified gt|ge|lt|le "<time>"` on Users (an auditor's "what
//! changed in the last hour"): pages from the index, totals from the
//! minutes kept per directory (store::value_counts::modified), which
//! follow every write that moves a user's lastModified: a create, a
//! PATCH, a PUT, a membership change (the user's `groups`), a delete;
//! times inside a minute, on a minute's edge, and around every user; the
//! server's upkeep folding the rows.

use std::sync::Arc;

use gatehouse::clock::FixedClock;
use serde_json::json;

use super::filter_query;
use super::group_filter::{
    finds_by_every_page, list, other_directory_with, patch_user, total_as, u,
};
use crate::support::TestApp;

const MINUTE: i64 = 60_000_000;

/// 2026-01-01T00:00:00Z, in microseconds: a minute's start.
const START: i64 = 1_767_225_600_000_000;

fn time(micros: i64) -> String {
    chrono::DateTime::from_timestamp_micros(micros)
        .unwrap()
        .to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// Each of `gt`, `ge`, `lt` and `le` at `at` finds the users whose last
/// modification (`modified`, by user number) meets it, by every kind of
/// page, and every page's total is what the compiled filter counts.
async fn finds_around(app: &TestApp, at: i64, modified: &[(usize, i64)]) {
    for (op, meets) in [
        ("gt", (|m: i64, t: i64| m > t) as fn(i64, i64) -> bool),
        ("ge", |m, t| m >= t),
        ("lt", |m, t| m < t),
        ("le", |m, t| m <= t),
    ] {
        let filter = format!("meta.lastModified {op} \"{}\"", time(at));
        let expected: Vec<String> = modified
            .iter()
            .filter(|(_, m)| meets(*m, at))
            .map(|(i, _)| u(*i))
            .collect();
        finds_by_every_page(app, &filter, &expected).await;
    }
    // Negated, the compiled test alone (on PostgreSQL a NOT EXISTS on the
    // users' rows in `user_modified_at`): every user modified at or
    // before the time.
    let filter = format!("not (meta.lastModified gt \"{}\")", time(at));
    let expected: Vec<String> = modified
        .iter()
        .filter(|(_, m)| *m <= at)
        .map(|(i, _)| u(*i))
        .collect();
    finds_by_every_page(app, &filter, &expected).await;
}

/// Every time worth asking about: each user's own, a microsecond either
/// side, the minute's edges around it, and long before and after.
async fn finds_at_every_time(app: &TestApp, modified: &[(usize, i64)]) {
    let mut times = vec![0, START - 10 * MINUTE, START + 100 * MINUTE];
    for &(_, m) in modified {
        let minute = m.div_euclid(MINUTE) * MINUTE;
        times.extend([
            m - 1,
            m,
            m + 1,
            minute,
            minute + MINUTE - 1,
            minute + MINUTE,
        ]);
    }
    times.sort_unstable();
    times.dedup();
    for at in times {
        finds_around(app, at, modified).await;
    }
}

#[actix_web::test]
async fn last_modified_totals_follow_every_change() {
    let clock = Arc::new(FixedClock::at(START + 5_000_000));
    let app = TestApp::builder().clock(clock.clone()).start().await;
    let mut ids = Vec::new();
    let mut modified: Vec<(usize, i64)> = Vec::new();
    let now = |clock: &FixedClock| gatehouse::clock::Clock::now_micros(clock);
    // Two users in the first minute, one in the next, one three minutes on.
    for (i, step) in [(0, 0), (1, 20_000_000), (2, 50_000_000), (3, 3 * MINUTE)] {
        clock.advance(step);
        let r = app.post("/scim/v2/Users", &super::user_body(&u(i))).await;
        assert_eq!(r.status, 201, "{}", r.text);
        ids.push(r.json["id"].as_str().unwrap().to_owned());
        modified.push((i, now(&clock)));
    }
    finds_at_every_time(&app, &modified).await;

    // A PATCH and a PUT move a user's lastModified to now, within the
    // minute and across minutes; a delete takes one away.
    clock.advance(30_000_000);
    patch_user(
        &app,
        &ids[0],
        json!([{"op": "replace", "path": "displayName", "value": "Moved"}]),
    )
    .await;
    modified[0].1 = now(&clock);
    clock.advance(2 * MINUTE);
    let r = app
        .put(
            &format!("/scim/v2/Users/{}", ids[1]),
            &super::user_body(&u(1)),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    modified[1].1 = now(&clock);
    let r = app.delete(&format!("/scim/v2/Users/{}", ids[3])).await;
    assert_eq!(r.status, 204, "{}", r.text);
    modified.retain(|(i, _)| *i != 3);
    finds_at_every_time(&app, &modified).await;

    // The upkeep folds the kept rows: the same totals; then a group's new
    // member is modified (its `groups` changed).
    app.state
        .store
        .write_now(gatehouse::access::directories::fold_kept_counts)
        .unwrap();
    finds_at_every_time(&app, &modified).await;
    clock.advance(MINUTE + 7);
    let r = app
        .post(
            "/scim/v2/Groups",
            &json!({
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                "displayName": "Movers",
                "members": [{"value": ids[2]}]
            }),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let group = r.json["id"].as_str().unwrap().to_owned();
    modified[2].1 = now(&clock);
    let r = list(
        &app,
        &format!(
            "filter={}",
            filter_query(&format!("userName eq \"{}\"", u(2)))
        ),
    )
    .await;
    assert_eq!(
        r["Resources"][0]["meta"]["lastModified"],
        time(modified[2].1),
        "{r}"
    );
    finds_at_every_time(&app, &modified).await;

    // One change that touches several users at once (on PostgreSQL one
    // statement, whose minutes are moved together): two users leave
    // different minutes, and one stays in its own (modified this minute).
    clock.advance(1_000_000);
    let r = app
        .request(
            actix_web::http::Method::PATCH,
            &format!("/scim/v2/Groups/{group}"),
        )
        .json(&json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [
                {"op": "add", "path": "members", "value": [{"value": ids[0]}, {"value": ids[1]}]},
                {"op": "remove", "path": format!("members[value eq \"{}\"]", ids[2])}
            ]
        }))
        .send()
        .await;
    assert!(r.status == 200 || r.status == 204, "{}", r.text);
    for m in modified.iter_mut() {
        m.1 = now(&clock);
    }
    finds_at_every_time(&app, &modified).await;

    // Another directory's users are its own.
    let other = other_directory_with(&app, &super::user_body("elsewhere@example.com")).await;
    finds_at_every_time(&app, &modified).await;
    let since = format!("meta.lastModified gt \"{}\"", time(START));
    assert_eq!(total_as(&app, &other, &since).await, 1);
}
