//! A write that touches many pages at once succeeds. On SQLite each write
//! runs in a savepoint of its batch (`store::group_commit`), and SQLite
//! journals every page the write changes; past `SQLITE_STMTJRNL_SPILL`
//! (`.cargo/config.toml`) that journal moves to a temp file, written out
//! a chunk of that size per call, and the unix VFS writes at most 128 KiB
//! per call. With the spill size set to 256 KiB or 4 MiB, a write whose
//! journal outgrew it failed with SQLITE_FULL ("database or disk is
//! full"). Removing 2,000 members changes some 900 KB of pages that
//! existed before the write (their rows and four indexes), past today's
//! 124 KiB and past 256 KiB, so the journal spills here.

use actix_web::http::Method;
use serde_json::json;

use crate::scim::{bulk_users, GROUP};
use crate::support::app::TestApp;

#[actix_web::test]
async fn removing_two_thousand_members_at_once_spills_its_journal_and_succeeds() {
    let app = TestApp::new().await;
    let ids = bulk_users(&app, (0..2000).map(|i| format!("big{i:04}@example.com"))).await;
    let members: Vec<&str> = ids.iter().map(String::as_str).collect();
    let group = app.create_group("Everyone", &members).await;
    let id = group["id"].as_str().unwrap();

    let removed = app
        .request(Method::PATCH, &format!("/scim/v2/Groups/{id}"))
        .json(&json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "remove", "path": "members"}],
        }))
        .send()
        .await;
    assert!(
        matches!(removed.status, 200 | 204),
        "{} {}",
        removed.status,
        removed.text
    );

    let read = app.get(&format!("/scim/v2/Groups/{id}")).await;
    assert_eq!(read.status, 200, "{}", read.text);
    assert_eq!(read.json["schemas"][0], GROUP);
    assert!(
        read.json["members"].as_array().is_none_or(Vec::is_empty),
        "{}",
        read.text
    );
    app.assert_group_counts_kept();
    // The users themselves are untouched.
    let user = app.get(&format!("/scim/v2/Users/{}", ids[1999])).await;
    assert_eq!(user.status, 200, "{}", user.text);
}
