//! A provisioned user written whole: its new person, its row, its email
//! elements and the audit event of its creation.
//!
//! On PostgreSQL in one statement, where it was four (with BEGIN and
//! COMMIT, the policies' read between them: seven round trips a create).
//! Each round trip costs PostgreSQL and the server a message each way and
//! a wake-up: pgbench on 1M users at c=8 (the create's statements as the
//! server sent them, on the same tables and triggers) used 1,204-1,247 us
//! of the machine's CPU a create as seven round trips, 726-765 as one
//! statement (`bench/results/2026-12-08T210000Z-settle-queued-once`).
//! SQLite runs the same inserts one by one: its calls are in-process.

use diesel::prelude::*;

use super::conn::{Backend, DbConn};
use super::models::{NewAuditEvent, PersonRow, UserRow};
use super::sql_fragment::SqlExpr;
use super::text_list::Texts;
use super::users::{elements, reversed, sorted, EmailKey};
use super::{audit, persons, users};

/// Writes `row` as a new account of the new `person` (whose id `row`
/// holds), its `emails` and `event`, in the caller's transaction. Writes
/// nothing and answers false when a person holds `person`'s email key
/// already: the caller joins that one instead. A taken userName fails
/// with a unique violation, as `users::insert` does.
pub fn insert_with_new_person(
    conn: &mut DbConn,
    person: &PersonRow,
    row: &UserRow,
    emails: &[EmailKey],
    event: &NewAuditEvent,
) -> QueryResult<bool> {
    match conn.backend() {
        Backend::Postgres => Ok(in_one(person, row, &sorted(emails), event).execute(conn)? > 0),
        Backend::Sqlite => {
            if !persons::insert_new(conn, person)? {
                return Ok(false);
            }
            users::insert(conn, row)?;
            users::insert_email_keys(conn, row, emails)?;
            audit::append(conn, event)?;
            Ok(true)
        }
    }
}

/// The PostgreSQL statement: the person added unless its email key is
/// taken (`ON CONFLICT DO NOTHING`, as `persons::insert_new`), and the
/// rest only if it was; one row selected when all were written. The
/// elements are bound as parallel lists, so the text is the same for any
/// number of them and the statement is prepared once per connection.
fn in_one(
    person: &PersonRow,
    row: &UserRow,
    wanted: &[&EmailKey],
    event: &NewAuditEvent,
) -> SqlExpr {
    let rows = elements(wanted);
    let column = |pick: &dyn Fn(&super::users::EmailElement<'_>) -> String| {
        Texts::of(&rows.iter().map(pick).collect::<Vec<_>>())
    };
    let flag = |on: bool| if on { "t" } else { "f" }.to_owned();
    let statement = SqlExpr::fixed(
        "WITH p AS (INSERT INTO persons (id, email_key, managed, live, created_at, updated_at) \
         VALUES (",
    )
    .text(person.id.as_str())
    .sql(", ")
    .nullable_text(person.email_key.clone())
    .sql(", ")
    .boolean(person.managed)
    .sql(", ")
    .boolean(person.live)
    .sql(", ")
    .bigint(person.created_at)
    .sql(", ")
    .bigint(person.updated_at)
    .sql(
        ") ON CONFLICT DO NOTHING RETURNING id), \
         u AS (INSERT INTO users (id, directory_id, user_name, user_name_key, external_id, \
         display_name, active, attributes, version, created_at, updated_at, portal_only, \
         suspended, person_id, email_verified) SELECT ",
    )
    .text(row.id.as_str())
    .sql(", ")
    .text(row.directory_id.as_str())
    .sql(", ")
    .text(row.user_name.as_str())
    .sql(", ")
    .text(row.user_name_key.as_str())
    .sql(", ")
    .nullable_text(row.external_id.clone())
    .sql(", ")
    .nullable_text(row.display_name.clone())
    .sql(", ")
    .boolean(row.active)
    .sql(", ")
    .text(row.attributes.as_str())
    .sql(", ")
    .bigint(row.version)
    .sql(", ")
    .bigint(row.created_at)
    .sql(", ")
    .bigint(row.updated_at)
    .sql(", ")
    .boolean(row.portal_only)
    .sql(", ")
    .boolean(row.suspended)
    .sql(", p.id, ")
    .boolean(row.email_verified)
    .sql(
        " FROM p RETURNING id), \
         e AS (INSERT INTO user_emails (user_id, value_key, type_key, value_reversed, \
         directory_id, user_created_at, domain_key, first_at_domain, first_at_domain_of_type) \
         SELECT u.id, x.value_key, x.type_key, x.value_reversed, ",
    )
    .text(row.directory_id.as_str())
    .sql(", ")
    .bigint(row.created_at)
    .sql(
        ", x.domain_key, x.first_at_domain = 't', x.first_of_type = 't' \
         FROM u CROSS JOIN unnest(",
    )
    .texts(column(&|e| e.key.value.clone()))
    .sql(", ")
    .texts(column(&|e| e.key.kind.clone()))
    .sql(", ")
    .texts(column(&|e| reversed(&e.key.value)))
    .sql(", ")
    .texts(column(&|e| e.key.domain().to_owned()))
    .sql(", ")
    .texts(column(&|e| flag(e.first_at_domain)))
    .sql(", ")
    .texts(column(&|e| flag(e.first_of_type)))
    .sql(
        ") AS x(value_key, type_key, value_reversed, domain_key, first_at_domain, \
         first_of_type)), a AS (",
    );
    audit::inserted_selecting(statement, event).sql(" FROM u) SELECT 1 FROM u")
}
