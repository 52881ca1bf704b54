//! Migrations: the same on both databases, reversible, and upgrading
//! databases older releases left.

use std::collections::BTreeSet;

use gatehouse::store::migrations;

use super::bare_connection;
use crate::support::TestApp;

fn migration_names(backend: &str) -> BTreeSet<String> {
    std::fs::read_dir(format!(
        "{}/migrations/{backend}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
    .map(|e| e.unwrap().file_name().into_string().unwrap())
    .collect()
}

/// `sql`'s one row's `n` (a `SELECT count(*) AS n …`), read through the
/// app's store.
fn count_rows(app: &TestApp, sql: &'static str) -> i64 {
    use diesel::sql_types::BigInt;
    use diesel::{QueryableByName, RunQueryDsl};

    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    app.state
        .store
        .read_now(move |conn| {
            diesel::sql_query(sql)
                .get_result::<Count>(conn)
                .map_err(gatehouse::store::StoreError::from)
        })
        .unwrap()
        .n
}

/// The total and the ids (in order) of the users an admin's `filter`
/// over every directory finds.
async fn admin_filter(app: &TestApp, filter: &str) -> (i64, Vec<String>) {
    let r = app
        .request_as(
            &app.admin_token,
            actix_web::http::Method::GET,
            &format!(
                "/scim/v2/Users?attributes=userName&filter={}",
                crate::scim::filter_query(filter)
            ),
        )
        .send()
        .await;
    assert_eq!(r.status, 200, "{filter}: {}", r.text);
    let ids = r.json["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap().to_owned())
        .collect();
    (r.json["totalResults"].as_i64().unwrap(), ids)
}

#[test]
fn both_backends_have_the_same_migrations() {
    let sqlite = migration_names("sqlite");
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, migration_names("postgres"));
}

#[actix_web::test]
async fn migrations_run_up_down_up() {
    let app = TestApp::new().await;
    app.state
        .store
        .change_schema_now(|conn| {
            migrations::revert_all(conn)?;
            migrations::run_pending(conn)
        })
        .unwrap();
}

/// A database left by the release before persons: its accounts are linked
/// into persons when it is next opened, by verified email.
#[actix_web::test]
async fn accounts_made_before_persons_are_linked_when_the_database_opens() {
    use diesel::connection::SimpleConnection;

    let db = crate::support::db::TestDb::new();
    let mut conn = bare_connection(&db.url);
    gatehouse::store::migrations::run_until(&mut conn, "2026-12-02-000006_idp_compatibility")
        .unwrap();
    let user = |id: &str, dir: &str, name: &str, attributes: &str| {
        format!(
            "INSERT INTO users (id, directory_id, user_name, user_name_key, active, attributes,
                                version, created_at, updated_at, portal_only, suspended)
             VALUES ('{id}', '{dir}', '{name}', '{}', true, '{attributes}', 1, 1, 1, false, false);",
            name.to_lowercase()
        )
    };
    conn.batch_execute(&format!(
        "INSERT INTO directories (id, name, created_at) VALUES ('okta', 'Okta', 0);
         {} {} {}",
        user(
            "idp-alice",
            "okta",
            "E100",
            r#"{"emails": [{"value": "Alice@acme.com", "type": "work", "primary": true}]}"#
        ),
        user("local-alice", "local", "alice@acme.com", "{}"),
        user("idp-bot", "okta", "svc-bot", "{}"),
    ))
    .unwrap();
    drop(conn);

    let app = TestApp::builder().database(db).start().await;
    let r = app.admin_get("/people?email=alice@acme.com").await;
    let alice = &r.json["items"][0];
    let mut accounts: Vec<&str> = alice["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    accounts.sort();
    assert_eq!(accounts, ["idp-alice", "local-alice"], "{}", r.text);
    assert_eq!(alice["managed"], true);
    assert_eq!(alice["live"], true);
    let r = app.admin_get("/people/idp-bot").await;
    assert_eq!(r.json["email"], serde_json::Value::Null, "{}", r.text);
    assert_eq!(r.json["accounts"].as_array().unwrap().len(), 1);
    // Nothing is left unlinked.
    let r = app.admin_get("/people?limit=1000").await;
    let linked: usize = r.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["accounts"].as_array().unwrap().len())
        .sum();
    assert_eq!(linked, 3);
}

/// A database left by the release that folded case with Rust's
/// `to_lowercase` (and, in SQLite, with the built-in ASCII-only `lower()`
/// for its indexes): its keys are folded again and its `lower()` indexes
/// rebuilt when it is next opened, so old rows are found by the new fold.
#[actix_web::test]
async fn keys_folded_the_old_way_are_folded_again_when_the_database_opens() {
    use diesel::connection::SimpleConnection;

    let db = crate::support::db::TestDb::new();
    // A bare connection, as the old release had: no Unicode lower().
    let mut conn = bare_connection(&db.url);
    migrations::run_until(&mut conn, "2026-12-02-000008_self_service").unwrap();
    let user_name = "ΟΔΥΣΣΕΥΣ@acme.test";
    let email = "İNGA@acme.test";
    // What the old release wrote: Rust's full lowercase mapping.
    let (old_name_key, old_email_key) = (user_name.to_lowercase(), email.to_lowercase());
    assert_eq!(old_name_key, "οδυσσευς@acme.test");
    assert_eq!(old_email_key, "i\u{307}nga@acme.test");
    conn.batch_execute(&format!(
        r#"INSERT INTO directories (id, name, created_at) VALUES ('okta', 'Okta', 0);
           INSERT INTO persons (id, email_key, managed, live, created_at, updated_at)
           VALUES ('p1', '{old_email_key}', true, true, 1, 1);
           INSERT INTO users (id, directory_id, user_name, user_name_key, display_name, active,
                              attributes, version, created_at, updated_at, portal_only,
                              suspended, person_id, email_verified)
           VALUES ('u1', 'okta', '{user_name}', '{old_name_key}', 'ÉLISE', true,
                   '{{"emails": [{{"value": "{email}", "primary": true}}]}}', 1, 1, 1, false,
                   false, 'p1', true);
           INSERT INTO user_emails (user_id, value_key) VALUES ('u1', '{old_email_key}');"#
    ))
    .unwrap();
    drop(conn);

    let app = TestApp::builder().database(db).start().await;
    let count = |sql: &'static str| count_rows(&app, sql);
    let found = [
        "SELECT count(*) AS n FROM users WHERE directory_id = 'okta' AND user_name_key = 'οδυσσευσ@acme.test'",
        // Through the index on lower(display_name), rebuilt on SQLite.
        "SELECT count(*) AS n FROM users WHERE directory_id = 'okta' AND lower(display_name) = lower('élise')",
        "SELECT count(*) AS n FROM user_emails WHERE value_key = 'inga@acme.test'",
        "SELECT count(*) AS n FROM persons WHERE email_key = 'inga@acme.test'",
    ];
    for sql in found {
        assert_eq!(count(sql), 1, "{sql}");
    }
    assert_eq!(count("SELECT count(*) AS n FROM store_tasks"), 0);
    // The person keeps its id and is found by the new fold.
    let r = app.admin_get("/people?email=Inga@ACME.test").await;
    assert_eq!(r.json["items"][0]["id"], "p1", "{}", r.text);
}

/// Email keys stored before migration 000012 get their reversal when the
/// server next opens the database (SQLite has no reverse(); PostgreSQL's
/// migration fills them itself), so `emails.value ew` finds them at once.
#[actix_web::test]
async fn email_keys_stored_before_the_suffix_index_are_found_by_ew() {
    use diesel::connection::SimpleConnection;

    let db = crate::support::db::TestDb::new();
    let mut conn = bare_connection(&db.url);
    migrations::run_until(&mut conn, "2026-12-05-000011_scale").unwrap();
    conn.batch_execute(
        r#"INSERT INTO directories (id, name, created_at) VALUES ('okta', 'Okta', 0);
           INSERT INTO users (id, directory_id, user_name, user_name_key, active, attributes,
                              version, created_at, updated_at, portal_only, suspended, email_verified)
           VALUES ('u1', 'okta', 'ann@contractor.example', 'ann@contractor.example', true,
                   '{"emails": [{"value": "ann@contractor.example", "type": "work"}]}',
                   1, 1, 1, false, false, true),
                  ('u2', 'okta', 'bo@staff.example', 'bo@staff.example', true,
                   '{"emails": [{"value": "bo@staff.example", "type": "work"}]}',
                   1, 2, 2, false, false, true);
           INSERT INTO user_emails (user_id, value_key)
           VALUES ('u1', 'ann@contractor.example'), ('u2', 'bo@staff.example');"#,
    )
    .unwrap();
    drop(conn);

    let app = TestApp::builder().database(db).start().await;
    for filter in [
        "emails.value ew \"@Contractor.example\"",
        "emails[type eq \"work\" and value ew \"@contractor.example\"]",
    ] {
        let (total, ids) = admin_filter(&app, filter).await;
        assert_eq!(total, 1, "{filter}");
        assert_eq!(ids.first().map(String::as_str), Some("u1"), "{filter}");
    }
}

/// Migration 000018 gives every stored email element its type (from the
/// user's JSON: one address under two types becomes two elements), its
/// user's directory and creation time, and its marks as the first at its
/// domain (of its type); an address with no element in the JSON has no
/// type. The domain filters then find them by type.
#[actix_web::test]
async fn email_elements_stored_before_their_types_get_them() {
    use diesel::connection::SimpleConnection;

    let db = crate::support::db::TestDb::new();
    let mut conn = bare_connection(&db.url);
    migrations::run_until(&mut conn, "2026-12-11-000017_inactive_counts").unwrap();
    conn.batch_execute(
        r#"INSERT INTO directories (id, name, created_at) VALUES ('okta', 'Okta', 0);
           INSERT INTO users (id, directory_id, user_name, user_name_key, active, attributes,
                              version, created_at, updated_at, portal_only, suspended, email_verified)
           VALUES ('u1', 'okta', 'ann', 'ann', true,
                   '{"emails": [{"value": "Ann@Contractor.example", "type": "Work"},
                                {"value": "ann@contractor.example", "type": "home"}]}',
                   1, 11, 11, false, false, true),
                  ('u2', 'okta', 'bo', 'bo', true,
                   '{"emails": [{"value": "bo@contractor.example"}]}',
                   1, 22, 22, false, false, true),
                  ('u3', 'okta', 'cy', 'cy', true, '{}', 1, 33, 33, false, false, true),
                  ('u4', 'okta', 'di', 'di', true,
                   '{"emails": [{"value": "contractor.example", "type": "work"}]}',
                   1, 44, 44, false, false, true);
           INSERT INTO user_emails (user_id, value_key, value_reversed)
           VALUES ('u1', 'ann@contractor.example', 'elpmaxe.rotcartnoc@nna'),
                  ('u2', 'bo@contractor.example', 'elpmaxe.rotcartnoc@ob'),
                  ('u3', 'cy@contractor.example', 'elpmaxe.rotcartnoc@yc'),
                  ('u4', 'contractor.example', 'elpmaxe.rotcartnoc');"#,
    )
    .unwrap();
    drop(conn);

    let app = TestApp::builder().database(db).start().await;
    let count = |sql: &'static str| count_rows(&app, sql);
    let expected = [
        ("SELECT count(*) AS n FROM user_emails", 5),
        // A domain runs from the last '@'; an address without one is its
        // own.
        (
            "SELECT count(*) AS n FROM user_emails WHERE domain_key = '@contractor.example'",
            4,
        ),
        (
            "SELECT count(*) AS n FROM user_emails WHERE user_id = 'u4' \
             AND domain_key = 'contractor.example'",
            1,
        ),
        // ann's home element is her first at the domain; each is the
        // first of its type there.
        (
            "SELECT count(*) AS n FROM user_emails WHERE first_at_domain",
            4,
        ),
        (
            "SELECT count(*) AS n FROM user_emails WHERE first_at_domain \
             AND user_id = 'u1' AND type_key = 'home'",
            1,
        ),
        (
            "SELECT count(*) AS n FROM user_emails WHERE first_at_domain_of_type",
            5,
        ),
        (
            "SELECT count(*) AS n FROM user_emails WHERE user_id = 'u1' AND directory_id = 'okta' \
             AND user_created_at = 11 AND type_key IN ('work', 'home')",
            2,
        ),
        (
            "SELECT count(*) AS n FROM user_emails WHERE user_id = 'u2' AND type_key = '' \
             AND user_created_at = 22",
            1,
        ),
        (
            "SELECT count(*) AS n FROM user_emails WHERE user_id = 'u3' AND type_key = '' \
             AND value_reversed = 'elpmaxe.rotcartnoc@yc'",
            1,
        ),
    ];
    for (sql, n) in expected {
        assert_eq!(count(sql), n, "{sql}");
    }
    for (filter, ids) in [
        (
            "emails[type eq \"work\" and value ew \"@contractor.example\"]",
            vec!["u1"],
        ),
        (
            "emails[type eq \"home\" and value ew \"@contractor.example\"]",
            vec!["u1"],
        ),
        (
            "emails.value ew \"@contractor.example\"",
            vec!["u1", "u2", "u3"],
        ),
        (
            "emails.value ew \"contractor.example\"",
            vec!["u1", "u2", "u3", "u4"],
        ),
    ] {
        let (total, found) = admin_filter(&app, filter).await;
        assert_eq!(found, ids, "{filter}");
        assert_eq!(total, ids.len() as i64, "{filter}");
    }
}
