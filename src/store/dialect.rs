//! The few places where SQLite and PostgreSQL differ, side by side.

use diesel::query_dsl::methods::LoadQuery;
use diesel::{PgConnection, QueryResult, RunQueryDsl, Selectable, SqliteConnection};

use super::conn::DbConn;
use super::sql_fragment::{SqlCondition, SqlExpr};
use super::text_list::Texts;
use super::Backend;

/// Loads a statically typed query on the connection's own backend.
///
/// The query is still written once; it is only compiled for each backend.
/// Through the `MultiConnection`, diesel renders a query's whole SQL text
/// again on every execution (once to ask whether it may be cached, once
/// more while collecting its binds), even when the prepared statement is
/// cached by type; that was ~18% of a lookup's CPU. On the concrete
/// connection a cached statement is found by type and only its binds are
/// walked. Boxed queries (the compiled SCIM filters) must stay on the
/// `MultiConnection`; the hot fixed-shape reads use this.
pub fn load_direct<'q, Q, U>(conn: &mut DbConn, query: Q) -> QueryResult<Vec<U>>
where
    Q: RunQueryDsl<SqliteConnection>
        + RunQueryDsl<PgConnection>
        + LoadQuery<'q, SqliteConnection, U>
        + LoadQuery<'q, PgConnection, U>,
{
    match conn {
        DbConn::Sqlite(c) => RunQueryDsl::<SqliteConnection>::load(query, c),
        DbConn::Postgres(c) => RunQueryDsl::<PgConnection>::load(query, c),
    }
}

/// The columns of a row struct, for `load_direct`: `as_select()` names one
/// backend, these columns suit both (the struct's `Queryable` reads them in
/// the same order on either).
pub fn columns_of<T: Selectable<diesel::sqlite::Sqlite>>() -> T::SelectExpression {
    T::construct_selection()
}

/// Takes the write locks on the persons' grants of one admin role (`role`
/// by email, not through a group) until the transaction ends, so removals
/// that must leave one holder take turns. SQLite needs nothing: it has one
/// writer at a time already.
pub fn lock_role_holders(conn: &mut DbConn, role: &str) -> diesel::QueryResult<()> {
    lock_on_postgres(
        conn,
        "SELECT id FROM admin_roles WHERE role = ",
        key_text(role),
        " AND email_key IS NOT NULL FOR UPDATE",
    )
}

/// Runs `select`, the key, `tail`: a `SELECT … FOR UPDATE` of one bound
/// parameter, on PostgreSQL; SQLite needs no row locks (one writer at a
/// time). Prepared once per connection: run through `sql_query`, each was
/// parsed and planned anew, ~0.1 ms of the database's time a lock. A
/// single row to be read anyway is read with its lock instead
/// (`users::find_for_update`, `groups::`, `products::`).
fn lock_on_postgres(
    conn: &mut DbConn,
    select: &'static str,
    key: SqlExpr,
    tail: &'static str,
) -> diesel::QueryResult<()> {
    match conn {
        DbConn::Sqlite(_) => Ok(()),
        DbConn::Postgres(_) => SqlExpr::fixed(select)
            .append(key)
            .sql(tail)
            .cacheable()
            .execute(conn)
            .map(drop),
    }
}

/// Takes the write lock on a group's row before a mapping of it is
/// written, until the transaction ends. A membership inserted beside it
/// holds the row FOR KEY SHARE (its foreign-key check) until its own
/// commit, and notes its person for the licenses only if the group is
/// mapped when it looks (migration `000027_mapped_members`): waiting here
/// for those inserts to commit lets the mapping's own trigger see their
/// members, and an insert that comes later waits for the mapping and
/// sees it. SQLite needs nothing: it has one writer at a time.
pub fn lock_group_for_mapping(conn: &mut DbConn, group_id: &str) -> diesel::QueryResult<()> {
    lock_on_postgres(
        conn,
        "SELECT id FROM \"groups\" WHERE id = ",
        key_text(group_id),
        " FOR UPDATE",
    )
}

/// One text parameter.
fn key_text(key: &str) -> SqlExpr {
    SqlExpr::new().text(key)
}

/// Takes the write locks on the users among `ids` (a sorted list) in id
/// order. An `UPDATE … WHERE id = ANY(…)` locks rows in whatever order its
/// plan reads them (a small table's scan: the rows' places in the heap,
/// which other writers' updates move), so two member PATCHes touching
/// overlapping users could each hold one and wait for the other's
/// (PostgreSQL's log: "deadlock detected" between two such UPDATEs). Taken
/// in one order first, they queue instead. SQLite needs nothing.
pub fn lock_users_in_order(conn: &mut DbConn, ids: &[String]) -> diesel::QueryResult<()> {
    // One statement text whatever the number of ids (`among`).
    lock_on_postgres(
        conn,
        "SELECT id FROM users WHERE ",
        among(Backend::Postgres, "id", ids).cast(),
        " ORDER BY id FOR UPDATE",
    )
}

/// Takes the write lock on the users who are members of `group_id`, in
/// id order (see `lock_users_in_order`). SQLite needs nothing.
pub fn lock_members_in_order(conn: &mut DbConn, group_id: &str) -> diesel::QueryResult<()> {
    lock_on_postgres(
        conn,
        "SELECT id FROM users WHERE id IN \
         (SELECT member_id FROM memberships WHERE group_id = ",
        key_text(group_id),
        ") ORDER BY id FOR UPDATE",
    )
}

/// A user's `group_ids` read from its memberships, in an `UPDATE users`:
/// the ids comma-separated, '' for none, leaving out `leaving` (a group
/// whose deletion the update comes before). Each user's from
/// `memberships_member`, which holds both columns.
pub fn group_ids_of_user(backend: Backend, leaving: Option<&str>) -> SqlExpr {
    let aggregate = match backend {
        Backend::Sqlite => "coalesce((SELECT group_concat(m.group_id, ',')",
        Backend::Postgres => "coalesce((SELECT string_agg(m.group_id, ',')",
    };
    let of_user = SqlExpr::fixed(aggregate).sql(" FROM memberships m WHERE m.member_id = users.id");
    match leaving {
        Some(group) => of_user.sql(" AND m.group_id <> ").text(group),
        None => of_user,
    }
    .sql("), '')")
}

/// Takes the write locks on the kept user counts (`group_user_counts`)
/// of every group `member_id` is in, in group order. Removing a member
/// from all its groups updates each group's count (the memberships'
/// delete trigger), in whatever order the update reads them: two such
/// removals sharing two groups could each hold one count and wait for the
/// other's. Taken in one order first, they queue instead. SQLite needs
/// nothing: it has one writer at a time.
pub fn lock_group_counts_of(conn: &mut DbConn, member_id: &str) -> diesel::QueryResult<()> {
    lock_on_postgres(
        conn,
        "SELECT group_id FROM group_user_counts WHERE group_id IN \
         (SELECT group_id FROM memberships WHERE member_id = ",
        key_text(member_id),
        ") ORDER BY group_id FOR UPDATE",
    )
}

/// Adds the licenses of `people` on `product`, skipping any already held;
/// returns how many were added. One statement for all of them, its people
/// bound as one list (`Texts`, as `among` binds them), so each database
/// keeps it prepared: a multi-row `VALUES` has a text for every count of
/// rows, and PostgreSQL parsed and planned it anew on every member PATCH.
pub fn insert_licenses(conn: &mut DbConn, product: &str, people: &[&str]) -> QueryResult<usize> {
    let insert =
        SqlExpr::fixed("INSERT INTO licenses (product_key, person_id) SELECT ").text(product);
    let people = Texts::of(people);
    let insert = match conn.backend() {
        // `WHERE true`: without it SQLite reads the `ON` of `ON CONFLICT`
        // as a join's.
        Backend::Sqlite => insert
            .sql(", value FROM json_each(")
            .texts(people)
            .sql(") WHERE true"),
        Backend::Postgres => insert
            .sql(", value FROM unnest(")
            .texts(people)
            .sql(") AS people(value)"),
    };
    insert
        .sql(" ON CONFLICT DO NOTHING")
        .cacheable()
        .execute(conn)
}

/// `column IN ids` as a condition each database keeps prepared: one text
/// whatever the number of ids. Diesel's `eq_any` writes `IN (?, ?, …)` on
/// SQLite and prepares it anew on every run (settling 50 persons' licenses
/// after a member PATCH prepared three such statements, 7% of the writer
/// thread's time); here SQLite reads the ids from one JSON array, and
/// PostgreSQL from one `text[]` parameter, as diesel's `= ANY($1)` does
/// there (a parameter, not a text cast in the SQL: see `text_list`).
/// `column` is SQL written in this crate, never a request's text.
pub fn among<S: AsRef<str>>(backend: Backend, column: &'static str, ids: &[S]) -> SqlCondition {
    let ids = Texts::of(ids);
    match backend {
        Backend::Sqlite => SqlCondition::new()
            .sql(column)
            .sql(" IN (SELECT value FROM json_each(")
            .texts(ids)
            .sql("))"),
        Backend::Postgres => SqlCondition::new()
            .sql(column)
            .sql(" = ANY(")
            .texts(ids)
            .sql(")"),
    }
    .cacheable()
}
