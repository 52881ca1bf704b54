//! A user's arrival and departure move the kept counts by trigger
//! (migration 000029): whatever statement adds or removes users — one row
//! or many, of one directory or several — the directory's users, its
//! inactive users, the users of each department and family name and of
//! each minute last modified come out as counting the rows would.

use diesel::connection::SimpleConnection;
use gatehouse::store::user_counts::{self, Kept};
use gatehouse::store::value_counts::{self, KeptAttribute, ModifiedTest};
use gatehouse::store::DbConn;

use super::kept_updates::one_user;
use crate::support::db::TestDb;

/// A user row of `directory`: `active`, in `department` with family name
/// `family`, created and modified at `at` microseconds.
fn user(
    id: &str,
    directory: &str,
    active: bool,
    department: &str,
    family: &str,
    at: i64,
) -> String {
    format!(
        "('{id}', '{directory}', '{id}', '{id}', {active}, \
         '{{\"name\":{{\"familyName\":\"{family}\"}},\
         \"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\":{{\"department\":\"{department}\"}}}}', \
         1, {at}, {at})"
    )
}

fn insert(conn: &mut DbConn, rows: &[String]) {
    conn.batch_execute(&format!(
        "INSERT INTO users (id, directory_id, user_name, user_name_key, active, attributes, \
         version, created_at, updated_at) VALUES {}",
        rows.join(", ")
    ))
    .unwrap();
}

fn kept(conn: &mut DbConn, directory: &str) -> (Kept, i64, i64, i64, i64) {
    let minute = 60_000_000;
    (
        user_counts::of(conn, Some(directory)).unwrap(),
        value_counts::of(conn, Some(directory), KeptAttribute::Department, "finance").unwrap(),
        value_counts::of(conn, Some(directory), KeptAttribute::FamilyName, "SMITH").unwrap(),
        // Modified from the start of minute 5: rows kept per minute.
        value_counts::modified(conn, directory, ModifiedTest::From(5 * minute)).unwrap(),
        value_counts::modified(conn, directory, ModifiedTest::Before(5 * minute)).unwrap(),
    )
}

#[actix_web::test]
async fn users_added_and_removed_by_any_statement_are_counted() {
    let db = TestDb::new();
    // `u1` of `okta`, active, no department, modified at 1 µs.
    let mut conn = one_user(&db);
    conn.batch_execute(
        "INSERT INTO directories (id, name, created_at) VALUES ('azure', 'Azure', 0)",
    )
    .unwrap();
    let m = |minutes: i64| minutes * 60_000_000 + 7;
    // One statement, two directories, active and not.
    insert(
        &mut conn,
        &[
            user("u2", "okta", false, "Finance", "Smith", m(6)),
            user("u3", "azure", true, "finance", "smith", m(6)),
            user("u4", "azure", false, "Finance", "Jones", m(2)),
            user("u5", "azure", true, "Sales", "Smith", m(9)),
        ],
    );
    // One row at a time.
    insert(
        &mut conn,
        &[user("u6", "okta", true, "FINANCE", "Smith", m(3))],
    );
    assert_eq!(
        kept(&mut conn, "okta"),
        (
            Kept {
                users: 3,
                changes: 3,
                inactive: 1
            },
            2,
            2,
            1,
            2
        )
    );
    assert_eq!(
        kept(&mut conn, "azure"),
        (
            Kept {
                users: 3,
                changes: 3,
                inactive: 1
            },
            2,
            2,
            2,
            1
        )
    );

    // Removals, one statement over both directories, then one alone.
    conn.batch_execute("DELETE FROM users WHERE id IN ('u2', 'u4', 'u5')")
        .unwrap();
    conn.batch_execute("DELETE FROM users WHERE id = 'u1'")
        .unwrap();
    assert_eq!(
        kept(&mut conn, "okta"),
        (
            Kept {
                users: 1,
                changes: 5,
                inactive: 0
            },
            1,
            1,
            0,
            1
        )
    );
    assert_eq!(
        kept(&mut conn, "azure"),
        (
            Kept {
                users: 1,
                changes: 5,
                inactive: 0
            },
            1,
            1,
            1,
            0
        )
    );
    // The folds keep the sums.
    user_counts::fold(&mut conn).unwrap();
    value_counts::fold(&mut conn).unwrap();
    assert_eq!(
        kept(&mut conn, "azure").0,
        Kept {
            users: 1,
            changes: 5,
            inactive: 0
        }
    );
    assert_eq!(kept(&mut conn, "okta").1, 1);
}
