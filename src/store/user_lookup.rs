//! Users read with their memberships (`list_with_grants`,
//! `one_with_grants`), and a `userName eq` lookup (or a read by id) on
//! PostgreSQL in one statement (`find`, `find_id`): the user (whose row
//! holds the ids of its groups), its person's liveness where that may
//! decide its access, and the group catalog's version (what a page reads
//! with its rows, `users::list_read`).
//!
//! An IdP looks a user up before every create and every user of its
//! hourly resync (1M lookups at 1M users). The token is kept
//! (`access::live_tokens`), so a lookup was two statements, the user and
//! then its memberships, each a round trip to the database and a sleep and
//! wake-up of the reader thread; a profile of lookups put 46% of the
//! server's CPU in the kernel, most of it switching threads. One
//! statement: 26-41% more lookups a second at 1M users, 19-28% less of
//! PostgreSQL's CPU a lookup
//! (`bench/results/2026-12-05T110000Z-one-statement-lookup`).
//! SQLite reads in-process and keeps two statements (the second only
//! the catalog's version, for a user in a group).
//!
//! On PostgreSQL the HTTP worker may send the statement itself
//! (`list_on_worker`, `one_on_worker`; see `worker_lookups`), with no
//! reader thread in between.

use std::marker::PhantomData;
use std::sync::Arc;

use diesel::pg::Pg;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::result::Error::NotFound;
use diesel::sql_types::{BigInt, Bool, Nullable, Text};
use diesel::{PgConnection, QueryResult, RunQueryDsl};

use super::conn::DbConn;
use super::group_catalog::{self, MemberRow};
use super::memberships;
use super::models::{MembershipGrant, UserRow};
use super::schema;
use super::sql_filter::ListQuery;
use super::users;
use super::worker_lookups::{Batched, Lookup as WorkerStatement, WorkerLookups};

/// The statement up to how it finds its user (`Key`): the user (with
/// its groups' ids, `UserRow::group_ids`), its person's liveness where it
/// may decide the user's access (a local account's in a group:
/// `memberships::liveness_from_person`; `'local'` is
/// `directories::LOCAL_DIRECTORY`), and the group catalog's version.
const SELECT: &str = "SELECT u.id, u.directory_id, u.user_name, u.user_name_key, \
     u.external_id, u.display_name, u.active, u.attributes, u.version, u.created_at, \
     u.updated_at, u.portal_only, u.suspended, u.person_id, u.email_verified, u.group_ids, \
     CASE WHEN u.group_ids = '' OR u.directory_id <> 'local' THEN NULL \
     ELSE (SELECT pe.live FROM persons pe WHERE pe.id = u.person_id) END, \
     (SELECT v.version FROM group_catalog_version v) FROM users u";

/// How a lookup finds its one user (at most one: each key is unique): the
/// text around its two bound values.
pub trait Key: 'static {
    /// The statement's name on a worker's connection.
    const NAME: &'static str;
    const AROUND: [&'static str; 2];
    /// After the second value.
    const TAIL: &'static str = "";
}

/// By directory and folded userName.
pub struct UserName;

impl Key for UserName {
    const NAME: &'static str = "user_by_name";
    const AROUND: [&'static str; 2] = [" WHERE u.directory_id = ", " AND u.user_name_key = "];
}

/// By id, in one directory, or in any (NULL: an admin's read).
pub struct Id;

impl Key for Id {
    const NAME: &'static str = "user_by_id";
    const AROUND: [&'static str; 2] = [" WHERE u.id = ", " AND u.directory_id = COALESCE("];
    const TAIL: &'static str = ", u.directory_id)";
}

/// `list` for a response that shows each user's groups and access: the
/// total, the page, and the page's memberships with the roles they grant
/// (`memberships::grants_of`, from the rows' `group_ids`). A `userName eq`
/// lookup of one directory on PostgreSQL reads the user with what its
/// groups need in one statement (`find`); a page reads the catalog's
/// version with its rows (`users::list_read`).
pub fn list_with_grants(
    conn: &mut DbConn,
    directory: Option<&str>,
    query: &ListQuery,
) -> QueryResult<(i64, Vec<UserRow>, Vec<MembershipGrant>)> {
    // The catalog is a read's (`group_catalog::here`): a write reads
    // memberships and groups together, as before.
    if let (Some((d, key)), Some(catalog), DbConn::Postgres(c)) = (
        query.user_name_in(directory),
        group_catalog::here(),
        &mut *conn,
    ) {
        let found: Vec<_> = find(c, d, key)?.into_iter().collect();
        let (total, page) = users::one_match_page(found, query.offset, query.limit);
        let (rows, memberships): (Vec<UserRow>, Vec<Vec<MemberRow>>) = page.into_iter().unzip();
        let grants = group_catalog::resolve(conn, &catalog, &memberships.concat())?;
        return Ok((total, rows, grants));
    }
    let asks = group_catalog::here().is_some();
    let listed = users::list_read(conn, directory, query, asks)?;
    let grants = memberships::grants_of_listed(conn, &listed.rows, listed.catalog_version)?;
    Ok((listed.total, listed.rows, grants))
}

/// One user by id (in `directory`, or in any), with its memberships and
/// the roles they grant, for a read that shows them: on PostgreSQL in
/// one statement (`find_id`), as a lookup. `NotFound` if there is none.
pub fn one_with_grants(
    conn: &mut DbConn,
    directory: Option<&str>,
    id: &str,
) -> QueryResult<(UserRow, Vec<MembershipGrant>)> {
    if let (Some(catalog), DbConn::Postgres(c)) = (group_catalog::here(), &mut *conn) {
        let (user, memberships) = find_id(c, directory, id)?.ok_or(NotFound)?;
        let grants = group_catalog::resolve(conn, &catalog, &memberships)?;
        return Ok((user, grants));
    }
    let user = users::find(conn, directory, id)?;
    let grants = memberships::grants_of(conn, std::slice::from_ref(&user))?;
    Ok((user, grants))
}

/// The user of `directory` whose folded userName is `key`, if any, with
/// its memberships.
pub fn find(
    conn: &mut PgConnection,
    directory: &str,
    key: &str,
) -> QueryResult<Option<(UserRow, Vec<MemberRow>)>> {
    find_by::<UserName>(conn, directory, Some(key))
}

/// The user with this id (in `directory`, or in any), if any, with its
/// memberships.
pub fn find_id(
    conn: &mut PgConnection,
    directory: Option<&str>,
    id: &str,
) -> QueryResult<Option<(UserRow, Vec<MemberRow>)>> {
    find_by::<Id>(conn, id, directory)
}

fn find_by<K: Key>(
    conn: &mut PgConnection,
    first: &str,
    second: Option<&str>,
) -> QueryResult<Option<(UserRow, Vec<MemberRow>)>> {
    let found: Vec<Row> = Lookup::<K> {
        first,
        second,
        key: PhantomData,
    }
    .load(conn)?;
    let Some((user, live, version)) = found.into_iter().next() else {
        return Ok(None);
    };
    let memberships = group_catalog::memberships_of(&user, live, version).collect();
    Ok(Some((user, memberships)))
}

/// `list_with_grants` of a `userName eq` lookup of one directory, on the
/// HTTP worker's own connection (`worker_lookups`), its groups as the
/// catalog keeps them; `None` when the worker cannot answer it alone (a
/// reader then does: `list_with_grants`).
///
/// `key` is the folded userName (`ListQuery::user_name_lookup`), `offset`
/// and `limit` the page's.
pub async fn list_on_worker(
    lookups: &Arc<WorkerLookups>,
    directory: &str,
    key: &str,
    (offset, limit): (u64, u64),
) -> Option<(i64, Vec<UserRow>, Vec<MembershipGrant>)> {
    let found: Vec<_> = find_by_name_on_worker(lookups, directory, key)
        .await?
        .into_iter()
        .collect();
    let (total, page) = users::one_match_page(found, offset, limit);
    let (rows, memberships): (Vec<UserRow>, Vec<Vec<MemberRow>>) = page.into_iter().unzip();
    let grants = group_catalog::resolve_kept(lookups.catalog(), &memberships.concat())?;
    Some((total, rows, grants))
}

/// `one_with_grants` on the HTTP worker's own connection: `Some(None)`
/// when there is no such user, `None` when the worker cannot answer alone.
pub async fn one_on_worker(
    lookups: &Arc<WorkerLookups>,
    directory: Option<&str>,
    id: &str,
) -> Option<Option<(UserRow, Vec<MembershipGrant>)>> {
    let Some((user, memberships)) = find_on_worker::<Id>(lookups, id, directory).await? else {
        return Some(None);
    };
    let grants = group_catalog::resolve_kept(lookups.catalog(), &memberships)?;
    Some(Some((user, grants)))
}

/// `find_by` on the worker's connection.
async fn find_on_worker<K: Key>(
    lookups: &Arc<WorkerLookups>,
    first: &str,
    second: Option<&str>,
) -> Option<Option<(UserRow, Vec<MemberRow>)>> {
    let statement = WorkerStatement {
        name: K::NAME,
        text: numbered::<K>,
        texts: 2,
    };
    let found = lookups.row(&statement, &[Some(first), second]).await?;
    with_memberships(found, 0)
}

/// `find` on the worker's connection, in the connection's next batch of
/// `userName eq` lookups (`worker_lookups::Batched`).
async fn find_by_name_on_worker(
    lookups: &Arc<WorkerLookups>,
    directory: &str,
    key: &str,
) -> Option<Option<(UserRow, Vec<MemberRow>)>> {
    static BY_NAME: Batched = Batched {
        name: "users_by_name",
        text: batched_by_name,
    };
    let found = lookups.row_batched(&BY_NAME, [directory, key]).await?;
    // The batch's first column is the lookup's place in it.
    with_memberships(found, 1)
}

/// A worker's row (its user's columns from `first_column` on) as the user
/// and its memberships; `None` (a reader answers) if it does not read as
/// one.
fn with_memberships(
    found: Option<tokio_postgres::Row>,
    first_column: usize,
) -> Option<Option<(UserRow, Vec<MemberRow>)>> {
    let Some(row) = found else {
        return Some(None);
    };
    let (user, live, version) = match from_worker(&row, first_column) {
        Ok(found) => found,
        Err(e) => {
            tracing::error!(error = %e, "a lookup's row did not read as a user; a reader answers it");
            return None;
        }
    };
    let memberships = group_catalog::memberships_of(&user, live, version).collect();
    Some(Some((user, memberships)))
}

/// `SELECT` by `UserName` for a batch: `$1` the lookups' directories and
/// `$2` their folded userNames, each row led by its lookup's place. The
/// lookups are read one by one through the key's index (the lateral
/// subquery, kept apart by `OFFSET 0`), as one lookup is, whatever the
/// planner guesses of the arrays' length.
fn batched_by_name() -> String {
    let [before_first, before_second] = UserName::AROUND;
    format!(
        "SELECT k.place, x.* FROM unnest($1::text[], $2::text[]) WITH ORDINALITY \
         AS k(directory_id, user_name_key, place) CROSS JOIN LATERAL \
         ({SELECT}{before_first}k.directory_id{before_second}k.user_name_key OFFSET 0) x"
    )
}

/// The statement by key `K` with `$1` and `$2` for its values, as a
/// worker's connection prepares it.
fn numbered<K: Key>() -> String {
    let [before_first, before_second] = K::AROUND;
    format!("{SELECT}{before_first}$1{before_second}$2{}", K::TAIL)
}

/// A row of `SELECT` as tokio-postgres gives it, its columns in the
/// statement's order from `first` on.
fn from_worker(row: &tokio_postgres::Row, first: usize) -> Result<Row, tokio_postgres::Error> {
    let at = |n: usize| first + n;
    let user = UserRow {
        id: row.try_get(at(0))?,
        directory_id: row.try_get(at(1))?,
        user_name: row.try_get(at(2))?,
        user_name_key: row.try_get(at(3))?,
        external_id: row.try_get(at(4))?,
        display_name: row.try_get(at(5))?,
        active: row.try_get(at(6))?,
        attributes: row.try_get(at(7))?,
        version: row.try_get(at(8))?,
        created_at: row.try_get(at(9))?,
        updated_at: row.try_get(at(10))?,
        portal_only: row.try_get(at(11))?,
        suspended: row.try_get(at(12))?,
        person_id: row.try_get(at(13))?,
        email_verified: row.try_get(at(14))?,
        group_ids: row.try_get(at(15))?,
    };
    Ok((user, row.try_get(at(16))?, row.try_get(at(17))?))
}

/// The statement by key `K` with its values written in (NULL for a
/// `None`), for `EXPLAIN`.
pub fn explained<K: Key>(first: &str, second: Option<&str>) -> String {
    let second = second.map_or_else(|| "NULL".to_owned(), quoted);
    let [before_first, before_second] = K::AROUND;
    format!(
        "{SELECT}{before_first}{}{before_second}{second}{}",
        quoted(first),
        K::TAIL
    )
}

/// The batched `userName eq` lookups of `keys` in `directory`
/// (`batched_by_name`) with their values written in, for `EXPLAIN`.
pub fn explained_batch(directory: &str, keys: &[&str]) -> String {
    let array = |values: &[&str]| {
        let quoted: Vec<String> = values.iter().copied().map(quoted).collect();
        format!("ARRAY[{}]::text[]", quoted.join(", "))
    };
    batched_by_name()
        .replace("$1::text[]", &array(&vec![directory; keys.len()]))
        .replace("$2::text[]", &array(keys))
}

/// `s` as an SQL literal.
fn quoted(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

type Row = (UserRow, Option<bool>, Option<i64>);

struct Lookup<'a, K> {
    first: &'a str,
    second: Option<&'a str>,
    key: PhantomData<K>,
}

impl<K: Key> QueryId for Lookup<'_, K> {
    type QueryId = Lookup<'static, K>;
    // One text per key: prepared once per connection, found again by type.
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl<K: Key> Query for Lookup<'_, K> {
    type SqlType = (schema::users::SqlType, Nullable<Bool>, Nullable<BigInt>);
}

impl<K> RunQueryDsl<PgConnection> for Lookup<'_, K> {}

impl<K: Key> QueryFragment<Pg> for Lookup<'_, K> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        let [before_first, before_second] = K::AROUND;
        out.push_sql(SELECT);
        out.push_sql(before_first);
        out.push_bind_param::<Text, _>(self.first)?;
        out.push_sql(before_second);
        out.push_bind_param::<Nullable<Text>, _>(&self.second)?;
        out.push_sql(K::TAIL);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::SELECT;
    use crate::store::directories::LOCAL_DIRECTORY;

    /// The statement names the local directory by its value: the two must
    /// not drift apart, or every account's person would go unread.
    #[test]
    fn the_lookup_reads_persons_of_the_local_directory() {
        let named = format!("u.directory_id <> '{LOCAL_DIRECTORY}' THEN NULL");
        assert!(SELECT.contains(&named), "{SELECT}");
    }
}
