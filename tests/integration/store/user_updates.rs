//! A user's row rewritten with its audit event (`store::user_updates`):
//! on PostgreSQL one statement; on both databases the row and one event
//! written, nothing when the stored version moved on (`Stale`), and a
//! taken userName refused as a `Conflict` with nothing written.

use diesel::prelude::*;
use gatehouse::store::models::{NewAuditEvent, UserRow};
use gatehouse::store::{schema, user_updates, users, DbConn, StoreError};

use super::kept_settle::Statements;
use super::kept_updates::{instrument, one_user};
use super::user_creates::events_of;
use crate::support::db::TestDb;

fn updated(user: &str) -> NewAuditEvent {
    NewAuditEvent {
        occurred_at: 7,
        request_id: Some("r2".to_owned()),
        actor_type: "directory_token".to_owned(),
        actor_id: "t1".to_owned(),
        directory_id: Some("okta".to_owned()),
        action: "user.updated".to_owned(),
        target_type: "User".to_owned(),
        target_id: user.to_owned(),
        before: Some("{}".to_owned()),
        after: Some(r#"{"title": "Lead"}"#.to_owned()),
        actor_person: None,
        actor_role: None,
        actor_scope: None,
    }
}

/// `before` with a new title, as a write makes its next version.
fn retitled(before: &UserRow, title: &str) -> UserRow {
    UserRow {
        attributes: format!(r#"{{"title": "{title}"}}"#),
        version: before.version + 1,
        updated_at: 7,
        ..before.clone()
    }
}

/// The stored (title attributes, version) of `id` and its audit events.
fn held(conn: &mut DbConn, id: &str) -> (String, i64, i64) {
    use schema::users;
    let (attributes, version) = users::table
        .filter(users::id.eq(id))
        .select((users::attributes, users::version))
        .first::<(String, i64)>(conn)
        .unwrap();
    (attributes, version, events_of(conn, id))
}

#[actix_web::test]
async fn a_users_update_is_written_with_its_event() {
    let db = TestDb::new();
    let mut conn = one_user(&db);
    let statements = Statements::default();
    instrument(&mut conn, &statements);
    let before = users::find(&mut conn, Some("okta"), "u1").unwrap();
    let row = retitled(&before, "Lead");
    user_updates::update_with_event(&mut conn, &before, &row, &updated("u1")).unwrap();
    if matches!(conn, DbConn::Postgres(_)) {
        let ran = statements.ran.lock().unwrap().clone();
        let writes: Vec<&String> = ran
            .iter()
            .filter(|s| s.contains("UPDATE") || s.contains("INSERT"))
            .collect();
        assert_eq!(writes.len(), 1, "{ran:#?}");
        assert!(!ran.iter().any(|s| s.contains("BEGIN")), "{ran:#?}");
    }
    assert_eq!(
        held(&mut conn, "u1"),
        (r#"{"title": "Lead"}"#.to_owned(), 2, 1)
    );
    // The written row is what `users::find` reads back.
    let back = users::find(&mut conn, Some("okta"), "u1").unwrap();
    let columns = |r: &UserRow| {
        (
            r.user_name.clone(),
            r.active,
            r.attributes.clone(),
            r.version,
            r.updated_at,
            r.person_id.clone(),
        )
    };
    assert_eq!(columns(&back), columns(&row));
}

#[actix_web::test]
async fn a_stale_update_writes_nothing() {
    let db = TestDb::new();
    let mut conn = one_user(&db);
    let before = users::find(&mut conn, Some("okta"), "u1").unwrap();
    user_updates::update_with_event(
        &mut conn,
        &before,
        &retitled(&before, "First"),
        &updated("u1"),
    )
    .unwrap();
    // A second write made from the same read: the version moved on.
    let late = user_updates::update_with_event(
        &mut conn,
        &before,
        &retitled(&before, "Second"),
        &updated("u1"),
    );
    assert!(matches!(late, Err(StoreError::Stale)), "{late:?}");
    assert_eq!(
        held(&mut conn, "u1"),
        (r#"{"title": "First"}"#.to_owned(), 2, 1)
    );
}

#[actix_web::test]
async fn a_taken_user_name_is_a_conflict_and_writes_nothing() {
    let db = TestDb::new();
    let mut conn = one_user(&db);
    let before = users::find(&mut conn, Some("okta"), "u1").unwrap();
    let other = UserRow {
        id: "u2".to_owned(),
        user_name: "Bob".to_owned(),
        user_name_key: "bob".to_owned(),
        person_id: None,
        ..before.clone()
    };
    users::insert(&mut conn, &other).unwrap();
    let row = UserRow {
        user_name: "BOB".to_owned(),
        user_name_key: "bob".to_owned(),
        ..retitled(&before, "Lead")
    };
    let taken = user_updates::update_with_event(&mut conn, &before, &row, &updated("u1"));
    assert!(matches!(taken, Err(StoreError::Conflict(_))), "{taken:?}");
    assert_eq!(held(&mut conn, "u1"), ("{}".to_owned(), 1, 0));
}
