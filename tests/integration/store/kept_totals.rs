//! The kept totals every list reads (a directory's users, a value's users)
//! and a member PATCH of a capped product reads (licenses in use) are
//! prepared once per connection. Written with diesel's `sql()` literal
//! they were prepared afresh at every read: on PostgreSQL a parse, a plan
//! and a round trip more for each page and each `count=1` probe.

use diesel::connection::SimpleConnection;
use gatehouse::store::licenses;
use gatehouse::store::user_counts::{self, Kept};
use gatehouse::store::value_counts::{self, KeptAttribute};

use super::kept_updates::{instrument, one_user, KeptStatements};
use crate::support::db::TestDb;

#[actix_web::test]
async fn kept_totals_are_prepared_once_per_connection() {
    let db = TestDb::new();
    let mut conn = one_user(&db);
    conn.batch_execute(
        "INSERT INTO directories (id, name, created_at) VALUES ('azure', 'Azure', 0);
         INSERT INTO user_counts (directory_id, users, changes, inactive)
           VALUES ('azure', 5, 5, 0), ('azure', -2, 2, 1);
         INSERT INTO user_value_counts (directory_id, attribute, value_key, users, folded)
           VALUES ('azure', 'department', 'finance', 4, false),
                  ('azure', 'department', 'finance', -1, false);",
    )
    .unwrap();
    let kept = KeptStatements::default();
    instrument(&mut conn, &kept);

    for _ in 0..3 {
        assert_eq!(
            user_counts::of(&mut conn, Some("azure")).unwrap(),
            Kept {
                users: 3,
                changes: 7,
                inactive: 1
            }
        );
        assert!(user_counts::of(&mut conn, None).unwrap().users >= 3);
        let finance = value_counts::of(
            &mut conn,
            Some("azure"),
            KeptAttribute::Department,
            "Finance",
        );
        assert_eq!(finance.unwrap(), 3);
        assert_eq!(licenses::used(&mut conn, "no-such-product").unwrap(), 0);
    }

    let kept = kept.0.lock().unwrap().clone();
    let prepared = |table: &str| kept.iter().filter(|sql| sql.contains(table)).count();
    // One text for a directory's total, one for every directory's.
    assert_eq!(prepared("sum(user_counts.users)"), 2, "{kept:#?}");
    assert_eq!(prepared("sum(user_value_counts.users)"), 1, "{kept:#?}");
    assert_eq!(prepared("sum(license_counts.used)"), 1, "{kept:#?}");
}
