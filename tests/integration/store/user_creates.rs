//! A provisioned user with a new person is written whole
//! (`store::user_creates`): on PostgreSQL in one statement, on both
//! databases with the same rows as the step-by-step inserts; nothing when
//! a person holds the email already; and a taken userName fails as
//! `users::insert` does.

use diesel::connection::Connection;
use diesel::prelude::*;
use gatehouse::store::models::{NewAuditEvent, PersonRow, UserRow};
use gatehouse::store::users::EmailKey;
use gatehouse::store::{schema, user_creates, DbConn};

use super::kept_settle::Statements;
use super::kept_updates::{instrument, one_user};
use crate::support::db::TestDb;

fn person(id: &str, email: &str) -> PersonRow {
    PersonRow {
        id: id.to_owned(),
        email_key: Some(email.to_owned()),
        managed: true,
        live: true,
        created_at: 5,
        updated_at: 5,
    }
}

fn account(id: &str, user_name: &str, person: &str) -> UserRow {
    UserRow {
        id: id.to_owned(),
        directory_id: "okta".to_owned(),
        user_name: user_name.to_owned(),
        user_name_key: user_name.to_lowercase(),
        external_id: None,
        display_name: Some("Bea".to_owned()),
        active: true,
        attributes: r#"{"title": "Engineer"}"#.to_owned(),
        version: 1,
        created_at: 5,
        updated_at: 5,
        portal_only: false,
        suspended: false,
        person_id: Some(person.to_owned()),
        email_verified: true,
        group_ids: String::new(),
    }
}

fn provisioned(user: &str) -> NewAuditEvent {
    NewAuditEvent {
        occurred_at: 5,
        request_id: Some("r1".to_owned()),
        actor_type: "directory_token".to_owned(),
        actor_id: "t1".to_owned(),
        directory_id: Some("okta".to_owned()),
        action: "user.provisioned".to_owned(),
        target_type: "User".to_owned(),
        target_id: user.to_owned(),
        before: None,
        after: Some("{}".to_owned()),
        actor_person: None,
        actor_role: None,
        actor_scope: None,
    }
}

fn key(value: &str, kind: &str) -> EmailKey {
    EmailKey {
        value: value.to_owned(),
        kind: kind.to_owned(),
    }
}

/// What the store holds of user `id`: its person, its email elements
/// (value, type, reversed, domain, first at domain, first of type), and
/// its audit events.
type Emails = Vec<(String, String, Option<String>, String, bool, bool)>;

fn held(conn: &mut DbConn, id: &str) -> (Option<String>, Emails, i64) {
    use schema::{user_emails, users};
    let person = users::table
        .filter(users::id.eq(id))
        .select(users::person_id)
        .first::<Option<String>>(conn)
        .optional()
        .unwrap()
        .flatten();
    let emails = user_emails::table
        .filter(user_emails::user_id.eq(id))
        .order((user_emails::value_key, user_emails::type_key))
        .select((
            user_emails::value_key,
            user_emails::type_key,
            user_emails::value_reversed,
            user_emails::domain_key,
            user_emails::first_at_domain,
            user_emails::first_at_domain_of_type,
        ))
        .load(conn)
        .unwrap();
    (person, emails, events_of(conn, id))
}

/// How many audit events target `id`.
pub(super) fn events_of(conn: &mut DbConn, id: &str) -> i64 {
    use schema::audit_events;
    audit_events::table
        .filter(audit_events::target_id.eq(id))
        .count()
        .get_result(conn)
        .unwrap()
}

#[actix_web::test]
async fn a_user_with_a_new_person_is_written_whole() {
    let db = TestDb::new();
    let mut conn = one_user(&db);
    let statements = Statements::default();
    instrument(&mut conn, &statements);
    let emails = [
        key("bea@example.com", "work"),
        key("bea@home.example", "home"),
        key("b@example.com", "work"),
        key("bea@example.com", "work"),
    ];
    let written = conn
        .transaction(|c| {
            user_creates::insert_with_new_person(
                c,
                &person("p2", "bea@example.com"),
                &account("u2", "Bea", "p2"),
                &emails,
                &provisioned("u2"),
            )
        })
        .unwrap();
    assert!(written);
    if matches!(conn, DbConn::Postgres(_)) {
        let ran = statements.ran.lock().unwrap().clone();
        let writes: Vec<&String> = ran.iter().filter(|s| s.contains("INSERT")).collect();
        assert_eq!(writes.len(), 1, "{ran:#?}");
    }
    let (person, emails, events) = held(&mut conn, "u2");
    assert_eq!(person.as_deref(), Some("p2"));
    let row = |v: &str, t: &str, first: bool, first_of_type: bool| {
        let domain = &v[v.rfind('@').unwrap()..];
        let reversed: String = v.chars().rev().collect();
        (
            v.to_owned(),
            t.to_owned(),
            Some(reversed),
            domain.to_owned(),
            first,
            first_of_type,
        )
    };
    // Sorted and without repeats; the first element at a domain (of a
    // type) marked, as `users::insert_email_keys` marks them.
    assert_eq!(
        emails,
        vec![
            row("b@example.com", "work", true, true),
            row("bea@example.com", "work", false, false),
            row("bea@home.example", "home", true, true),
        ]
    );
    assert_eq!(events, 1);
    let persons: i64 = schema::persons::table
        .filter(schema::persons::id.eq("p2"))
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(persons, 1);
}

#[actix_web::test]
async fn nothing_is_written_when_a_person_holds_the_email() {
    let db = TestDb::new();
    let mut conn = one_user(&db);
    conn.transaction(|c| {
        user_creates::insert_with_new_person(
            c,
            &person("p2", "bea@example.com"),
            &account("u2", "Bea", "p2"),
            &[key("bea@example.com", "work")],
            &provisioned("u2"),
        )
    })
    .unwrap();
    let written = conn
        .transaction(|c| {
            user_creates::insert_with_new_person(
                c,
                &person("p3", "bea@example.com"),
                &account("u3", "Bea2", "p3"),
                &[key("bea@example.com", "work")],
                &provisioned("u3"),
            )
        })
        .unwrap();
    assert!(!written);
    assert_eq!(held(&mut conn, "u3"), (None, Vec::new(), 0));
}

#[actix_web::test]
async fn a_taken_user_name_fails_as_an_insert_does() {
    let db = TestDb::new();
    let mut conn = one_user(&db);
    // `one_user` holds `Ann` in directory `okta`.
    let failed = conn.transaction(|c| {
        user_creates::insert_with_new_person(
            c,
            &person("p2", "ann@example.com"),
            &account("u2", "Ann", "p2"),
            &[key("ann@example.com", "work")],
            &provisioned("u2"),
        )
    });
    assert!(
        matches!(
            failed,
            Err(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _
            ))
        ),
        "{failed:?}"
    );
    assert_eq!(held(&mut conn, "u2"), (None, Vec::new(), 0));
}
