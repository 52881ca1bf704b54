//! Queries on SCIM users.

use diesel::prelude::*;

use super::conn::{DbConn, MultiBackend};
use super::dialect::{columns_of, load_direct};
use super::error::StoreError;
use super::models::UserRow;
use super::page_window::windowed;
use super::schema::{user_emails, users};
use super::sql_filter::{self, ListQuery, SqlExpr};
use super::sql_fragment::SqlFragment;
use super::{
    email_filter, group_catalog, group_filter, holder_filter, kept, page_anchors, user_counts,
    value_counts,
};
use crate::scim::schema::ResourceKind;

/// Adds a user; a taken userName fails with a unique violation. The
/// directory's kept count moves by trigger (`user_counts`).
pub fn insert(conn: &mut DbConn, row: &UserRow) -> QueryResult<()> {
    diesel::insert_into(users::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// One element of a user's `emails` as `user_emails` keeps it: its
/// address and its `type`, both folded ("" for an element without a
/// type).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct EmailKey {
    pub value: String,
    pub kind: String,
}

impl EmailKey {
    /// The address's domain as `ew "@<domain>"` names it: from its last
    /// `@` on. An address without `@` is its own "domain" (no such filter
    /// can name it: `email_filter` reads a domain only for a suffix that
    /// starts with its one `@`).
    pub(super) fn domain(&self) -> &str {
        match self.value.rfind('@') {
            Some(at) => self.value.get(at..).unwrap_or(&self.value),
            None => &self.value,
        }
    }
}

/// Sets the indexed email elements of `user` to exactly `keys`.
/// Unchanged elements (an IdP's resync rewrites every user) are left as
/// they are.
pub fn set_email_keys(conn: &mut DbConn, user: &UserRow, keys: &[EmailKey]) -> QueryResult<()> {
    let wanted = sorted(keys);
    let mut stored: Vec<(String, String)> = user_emails::table
        .filter(user_emails::user_id.eq(&user.id))
        .select((user_emails::value_key, user_emails::type_key))
        .load(conn)?;
    stored.sort();
    let unchanged = stored.len() == wanted.len()
        && stored
            .iter()
            .zip(&wanted)
            .all(|((value, kind), key)| *value == key.value && *kind == key.kind);
    if unchanged {
        return Ok(());
    }
    if !stored.is_empty() {
        diesel::delete(user_emails::table.filter(user_emails::user_id.eq(&user.id)))
            .execute(conn)?;
    }
    insert_sorted(conn, user, &wanted)
}

/// Indexes the email elements of a user who has none indexed yet (a new
/// one), each with its reversal (the index `emails.value ew` reads), its
/// domain and the user's directory and creation time (`store::email_filter`
/// pages by them).
pub fn insert_email_keys(conn: &mut DbConn, user: &UserRow, keys: &[EmailKey]) -> QueryResult<()> {
    insert_sorted(conn, user, &sorted(keys))
}

/// `keys` sorted and without repeats, as `user_emails` holds them.
pub(super) fn sorted(keys: &[EmailKey]) -> Vec<&EmailKey> {
    let mut wanted: Vec<&EmailKey> = keys.iter().collect();
    wanted.sort();
    wanted.dedup();
    wanted
}

/// `insert_email_keys` of elements already sorted and without repeats.
fn insert_sorted(conn: &mut DbConn, user: &UserRow, wanted: &[&EmailKey]) -> QueryResult<()> {
    for element in elements(wanted) {
        diesel::insert_into(user_emails::table)
            .values((
                user_emails::user_id.eq(&user.id),
                user_emails::value_key.eq(&element.key.value),
                user_emails::type_key.eq(&element.key.kind),
                user_emails::value_reversed.eq(reversed(&element.key.value)),
                user_emails::directory_id.eq(&user.directory_id),
                user_emails::user_created_at.eq(user.created_at),
                user_emails::domain_key.eq(element.key.domain()),
                user_emails::first_at_domain.eq(element.first_at_domain),
                user_emails::first_at_domain_of_type.eq(element.first_of_type),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// One row of `user_emails` to write: the element, and whether it is the
/// first at its domain (of its type), as migration 000018 marks them.
pub(super) struct EmailElement<'k> {
    pub key: &'k EmailKey,
    pub first_at_domain: bool,
    pub first_of_type: bool,
}

/// The rows of elements already sorted and without repeats: an element
/// is the first at its domain (of its type) when no element before it is.
pub(super) fn elements<'k>(wanted: &[&'k EmailKey]) -> Vec<EmailElement<'k>> {
    wanted
        .iter()
        .enumerate()
        .map(|(at, key)| {
            let before = wanted.iter().take(at);
            let domain = key.domain();
            EmailElement {
                key,
                first_at_domain: before.clone().all(|k| k.domain() != domain),
                first_of_type: before
                    .clone()
                    .all(|k| k.domain() != domain || k.kind != key.kind),
            }
        })
        .collect()
}

/// A key reversed by characters, as PostgreSQL's `reverse()` does: the
/// form of `user_emails.value_reversed`.
pub fn reversed(key: &str) -> String {
    key.chars().rev().collect()
}

/// The user with this id in this directory.
///
/// `directory` None reads across every directory (an admin's compliance reads).
pub fn find(conn: &mut DbConn, directory: Option<&str>, id: &str) -> QueryResult<UserRow> {
    let mut q = users::table
        .filter(users::id.eq(id))
        .into_boxed::<MultiBackend>();
    if let Some(d) = directory {
        q = q.filter(users::directory_id.eq(d.to_owned()));
    }
    q.select(UserRow::as_select()).first(conn)
}

/// Writes `row` over `before`, the stored user it was made from, setting
/// only the indexed columns that changed. SQLite rewrites the entry of
/// every index over a column an UPDATE sets, changed or not: setting all
/// of them put 13 index and table pages in each write's savepoint journal
/// and in the WAL, where a new title changes the row, the attribute
/// indexes and `updated_at`'s. The indexed columns are set or not each on
/// its own (at most 64 texts, each prepared once per connection); the
/// rest always. Only if the stored version is still the one read
/// (`row.version - 1`): a concurrent writer got there first otherwise, and
/// the write is stale.
pub fn update(conn: &mut DbConn, before: &UserRow, row: &UserRow) -> Result<(), StoreError> {
    let changes = (
        (before.user_name != row.user_name || before.user_name_key != row.user_name_key).then(
            || {
                (
                    users::user_name.eq(&row.user_name),
                    users::user_name_key.eq(&row.user_name_key),
                )
            },
        ),
        (before.external_id != row.external_id).then(|| users::external_id.eq(&row.external_id)),
        (before.display_name != row.display_name)
            .then(|| users::display_name.eq(&row.display_name)),
        (before.active != row.active).then(|| users::active.eq(row.active)),
        (before.attributes != row.attributes).then(|| users::attributes.eq(&row.attributes)),
        (before.person_id != row.person_id).then(|| users::person_id.eq(&row.person_id)),
        (
            users::version.eq(row.version),
            users::updated_at.eq(row.updated_at),
            users::portal_only.eq(row.portal_only),
            users::suspended.eq(row.suspended),
            users::email_verified.eq(row.email_verified),
        ),
    );
    let changed = kept::update(
        conn,
        users::table,
        changes,
        users::id
            .eq(&row.id)
            .and(users::version.eq(row.version - 1)),
    )?;
    if changed == 0 {
        return Err(StoreError::Stale);
    }
    Ok(())
}

/// The row of `id`, locked for this transaction's writes: on PostgreSQL
/// read with its lock (`FOR UPDATE`), one round trip where a lock and then
/// a read were two; SQLite has one writer at a time and needs no lock.
/// On PostgreSQL the group catalog's version comes with it, for the write
/// to render the user's groups from what reads keep
/// (`memberships::grants_of_written`); `None` on SQLite, whose statements
/// cost no round trip.
pub fn find_for_update(
    conn: &mut DbConn,
    directory_id: &str,
    id: &str,
) -> QueryResult<(UserRow, Option<i64>)> {
    with_catalog_version(conn, directory_id, id, true)
}

/// `find_for_update` without the lock, for a write whose one statement
/// checks the row's version instead (`user_updates`).
pub fn find_with_catalog_version(
    conn: &mut DbConn,
    directory_id: &str,
    id: &str,
) -> QueryResult<(UserRow, Option<i64>)> {
    with_catalog_version(conn, directory_id, id, false)
}

fn with_catalog_version(
    conn: &mut DbConn,
    directory_id: &str,
    id: &str,
    locked: bool,
) -> QueryResult<(UserRow, Option<i64>)> {
    match conn {
        DbConn::Sqlite(_) => Ok((find(conn, Some(directory_id), id)?, None)),
        DbConn::Postgres(c) => {
            let row = users::table
                .filter(users::id.eq(id))
                .filter(users::directory_id.eq(directory_id))
                .select((UserRow::as_select(), super::group_catalog::VersionNow));
            if locked {
                row.for_update().first(c)
            } else {
                row.first(c)
            }
        }
    }
}

/// Deletes a user; returns how many rows went (0 or 1). The directory's
/// kept count moves by trigger (`user_counts`).
pub fn delete(conn: &mut DbConn, directory_id: &str, id: &str) -> QueryResult<usize> {
    diesel::delete(
        users::table
            .filter(users::directory_id.eq(directory_id))
            .filter(users::id.eq(id)),
    )
    .execute(conn)
}

/// Of `ids`, those that are users of this directory. Looked up by primary key
/// only: with the directory in the WHERE clause SQLite walks the
/// directory's index instead, a cost that grows with the directory.
pub fn existing_ids(
    conn: &mut DbConn,
    directory_id: &str,
    ids: &[String],
) -> QueryResult<Vec<String>> {
    let mut found = Vec::with_capacity(ids.len());
    let backend = conn.backend();
    // Lists of a bounded length: a group replaced with 200,000 members is
    // checked 500 at a time, each statement kept prepared (`among`).
    for chunk in ids.chunks(500) {
        found.extend(
            users::table
                .filter(super::dialect::among(backend, "users.id", chunk))
                .select((users::id, users::directory_id))
                .load::<(String, String)>(conn)?
                .into_iter()
                .filter(|(_, dir)| dir == directory_id)
                .map(|(id, _)| id),
        );
    }
    Ok(found)
}

/// `existing_ids` of `ids`, taking in the same statement, on PostgreSQL,
/// the write locks `touching` would take later: on every user among `ids`
/// and `leaving`, in id order. A member PATCH checks the users joining and
/// locks those joining and leaving in one round trip where that was two,
/// and its change then takes no more (`touching_locked`). SQLite:
/// `existing_ids` (one writer at a time, no row locks).
pub fn existing_ids_locked(
    conn: &mut DbConn,
    directory_id: &str,
    ids: &[String],
    leaving: &[String],
) -> QueryResult<Vec<String>> {
    let DbConn::Postgres(c) = conn else {
        return existing_ids(conn, directory_id, ids);
    };
    let joining: std::collections::HashSet<&String> = ids.iter().collect();
    let mut locked: Vec<&String> = ids.iter().chain(leaving).collect();
    locked.sort();
    locked.dedup();
    let mut found = Vec::with_capacity(ids.len());
    // Chunks of the one sorted list: the locks still come in id order.
    for chunk in locked.chunks(500) {
        let rows = users::table
            .filter(users::id.eq_any(chunk))
            .order(users::id)
            .select((users::id, users::directory_id))
            .for_update()
            .load::<(String, String)>(c)?;
        found.extend(
            rows.into_iter()
                .filter(|(id, dir)| dir == directory_id && joining.contains(id))
                .map(|(id, _)| id),
        );
    }
    Ok(found)
}

/// One page of a directory's users matching the query, and the total.
pub fn list(
    conn: &mut DbConn,
    directory: Option<&str>,
    query: &ListQuery,
) -> QueryResult<(i64, Vec<UserRow>)> {
    list_read(conn, directory, query, false).map(|listed| (listed.total, listed.rows))
}

/// A page of users as `list_read` reads it.
pub struct Listed {
    pub total: i64,
    pub rows: Vec<UserRow>,
    /// The group catalog's version, read by the page's own statement
    /// where it was asked for and the page was read here rather than by a
    /// filter's own path (`group_filter`, `email_filter`, …).
    pub catalog_version: Option<i64>,
}

/// `list`, with the group catalog's version read with the page when
/// `catalog_version` asks for it: what a read showing the users' groups
/// reads after the page otherwise (`group_catalog::grants_of`), a
/// statement and, on PostgreSQL, a round trip more.
pub fn list_read(
    conn: &mut DbConn,
    directory: Option<&str>,
    query: &ListQuery,
    catalog_version: bool,
) -> QueryResult<Listed> {
    let listed = |(total, rows)| Listed {
        total,
        rows,
        catalog_version: None,
    };
    let base = || {
        let mut q = users::table.into_boxed::<MultiBackend>();
        if let Some(d) = directory {
            q = q.filter(users::directory_id.eq(d.to_owned()));
        }
        if let Some(c) = &query.condition {
            q = q.filter(c.clone());
        }
        q
    };
    if let Some((d, key)) = query.user_name_in(directory) {
        return by_user_name(conn, d, key, query.offset, query.limit).map(listed);
    }
    if let (Some(d), Some(group)) = (directory, &query.member_of) {
        if group_filter::serves(query) {
            return group_filter::users_in_group(conn, d, group, query).map(listed);
        }
    }
    if let (Some(d), Some(wanted)) = (directory, &query.with_email) {
        if email_filter::serves(query) {
            return email_filter::users_with_email(conn, d, wanted, query).map(listed);
        }
    }
    if let (Some(d), Some(holders)) = (directory, &query.holders_of) {
        if holder_filter::serves(query) {
            if let Some(found) = holder_filter::holders(conn, d, holders, query)? {
                return Ok(listed(found));
            }
        }
    }
    // An unfiltered startIndex page of one directory in creation order may
    // start from where the previous page ended (`page_anchors`).
    let anchorable = match directory {
        Some(d) if query.condition.is_none() && query.in_creation_order && query.seek.is_none() => {
            Some(d)
        }
        _ => None,
    };
    // Every user of a directory, or of all, or every (in)active one: the
    // total is kept, not counted. An anchored page needs the kept counts
    // before it starts (`page_anchors`).
    let total_is_kept = query.condition.is_none() || query.active_is.is_some();
    let kept = match anchorable {
        Some(_) => Some(user_counts::of(conn, directory)?),
        None => None,
    };
    // The kept total that answers, where one does and was not read yet:
    // read by the page's own statement (one statement and snapshot for
    // the rows and their total, a round trip fewer on PostgreSQL), alone
    // by `count` for a page that finds no rows.
    let kept_total = match &query.value_is {
        _ if !query.count_total || kept.is_some() => None,
        _ if total_is_kept => Some(user_counts::total_now(directory, query.active_is)),
        Some((attribute, operand)) => Some(value_counts::total_now(directory, *attribute, operand)),
        None => None,
    };
    let count = |conn: &mut DbConn| match (kept, &kept_total) {
        _ if !query.count_total => Ok(0),
        (Some(k), _) => Ok(user_counts::total_of(k, query.active_is)),
        (None, Some(total)) => diesel::select(total.clone())
            .get_result::<Option<i64>>(conn)
            .map(Option::unwrap_or_default),
        (None, None) => match (query.modified, directory) {
            (Some(test), Some(d)) => value_counts::modified(conn, d, test),
            _ => base().count().get_result::<i64>(conn),
        },
    };
    let limit = i64::try_from(query.limit).unwrap_or(i64::MAX);
    if limit == 0 {
        return Ok(listed((count(conn)?, Vec::new())));
    }
    let anchored = anchorable.zip(kept);
    // From the nearest anchor at or before the page if nothing has moved
    // since it was left, else from the cursor's position or the first row.
    let anchor = anchored.and_then(|(d, k)| page_anchors::nearest(d, query.offset, k.changes));
    let (mut seek, mut skip) = match &anchor {
        Some((at, a)) => (
            Some(sql_filter::seek(
                ResourceKind::User,
                a.created_at,
                &a.id,
                true,
            )),
            query.offset.saturating_sub(*at),
        ),
        None => (query.seek.clone(), query.offset),
    };
    // A page past the anchor on an index of its own (every user of the
    // directory, or every (in)active one): skip the index's keys, not
    // users, to the user before the page, then read the page after it.
    let keys_alone = directory.is_some()
        && query.in_creation_order
        && query.seek.is_none()
        && (query.condition.is_none() || query.active_is.is_some());
    if keys_alone && skip > 0 {
        let at = query.offset - skip;
        match position_of(conn, &base, &query.order, seek, at, query.offset, anchored)? {
            Some(start) => seek = Some(start),
            // The directory ends before the page starts.
            None => return Ok(listed((count(conn)?, Vec::new()))),
        }
        skip = 0;
    }
    let mut page = base();
    if let Some(seek) = seek {
        page = page.filter(seek);
    }
    let page = page.order(query.order.clone());
    let skip = i64::try_from(skip).unwrap_or(i64::MAX);
    let (rows, version, total_read) = if catalog_version || kept_total.is_some() {
        let none = || SqlFragment::fixed("CAST(NULL AS BIGINT)");
        let version = match catalog_version {
            true => group_catalog::version_now(),
            false => none(),
        };
        let total = kept_total.clone().unwrap_or_else(none);
        let found: Vec<(UserRow, Option<i64>, Option<i64>)> = windowed(
            page.select((UserRow::as_select(), version, total)),
            limit,
            skip,
        )
        .load(conn)?;
        let (version, total) = found.first().map_or((None, None), |(_, v, t)| (*v, *t));
        let rows = found.into_iter().map(|(row, _, _)| row).collect();
        (rows, version, total)
    } else {
        let rows: Vec<UserRow> =
            windowed(page.select(UserRow::as_select()), limit, skip).load(conn)?;
        (rows, None, None)
    };
    if let (Some((d, k)), Some(last)) = (anchored, rows.last()) {
        leave_anchor(
            d,
            query.offset + rows.len() as u64,
            k,
            last.created_at,
            &last.id,
        );
    }
    // A first page that is not full is everything there is: the lookup an
    // IdP makes before every create needs no second query to count.
    let total = if query.offset == 0 && query.seek.is_none() && (rows.len() as i64) < limit {
        rows.len() as i64
    } else if let Some(total) = total_read {
        total
    } else {
        count(conn)?
    };
    Ok(Listed {
        total,
        rows,
        catalog_version: version,
    })
}

/// Where a page `offset` users into `users` starts, found from `from` (a
/// position `at` users in; the first user when `None`) by skipping index
/// keys, as a condition for the users after it; `None` if there are fewer
/// users than `offset`. A page of a directory's every user (`anchors`)
/// leaves a checkpoint anchor every `CHECKPOINT_EVERY` users on its way
/// and one where it starts.
fn position_of(
    conn: &mut DbConn,
    users: &dyn Fn() -> users::BoxedQuery<'static, MultiBackend>,
    order: &sql_filter::SqlOrder,
    mut from: Option<sql_filter::SqlCondition>,
    mut at: u64,
    offset: u64,
    anchors: Option<(&str, user_counts::Kept)>,
) -> QueryResult<Option<sql_filter::SqlCondition>> {
    while at < offset {
        let stop = match anchors {
            Some(_) => page_anchors::next_checkpoint(at).min(offset),
            None => offset,
        };
        let mut keys = users();
        if let Some(from) = from {
            keys = keys.filter(from);
        }
        let Some((created_at, id)) = key_before(conn, keys, order, stop - at)? else {
            return Ok(None);
        };
        if let Some((directory, kept)) = anchors {
            leave_anchor(directory, stop, kept, created_at, &id);
        }
        from = Some(sql_filter::seek(ResourceKind::User, created_at, &id, true));
        at = stop;
    }
    Ok(from)
}

/// The creation-order key of the user `skip` rows into `users`, read
/// from an index alone (`(directory_id, created_at, id)`, or
/// `(directory_id, active, created_at, id)` for (in)active users): a
/// jump of 500,000 users read every skipped user's row with the page's
/// offset (~350 ms on PostgreSQL, ~60 ms on SQLite at 1M users).
fn key_before(
    conn: &mut DbConn,
    users: users::BoxedQuery<'static, MultiBackend>,
    order: &sql_filter::SqlOrder,
    skip: u64,
) -> QueryResult<Option<(i64, String)>> {
    users
        .order(order.clone())
        .offset(i64::try_from(skip.saturating_sub(1)).unwrap_or(i64::MAX))
        .limit(1)
        .select((users::created_at, users::id))
        .first(conn)
        .optional()
}

/// Leaves an anchor: `offset` starts after the user (`created_at`, `id`).
fn leave_anchor(directory: &str, offset: u64, kept: user_counts::Kept, created_at: i64, id: &str) {
    page_anchors::leave(
        directory,
        offset,
        page_anchors::Anchor {
            changes: kept.changes,
            created_at,
            id: id.to_owned(),
        },
    );
}

/// `userName eq "…"` in one directory: at most one user, since the key is
/// unique per directory, read with a fixed-shape statement on the
/// connection's own backend (`load_direct`). A page past the first, or of
/// size 0, holds nothing; the total is still the match count.
fn by_user_name(
    conn: &mut DbConn,
    directory: &str,
    key: &str,
    offset: u64,
    limit: u64,
) -> QueryResult<(i64, Vec<UserRow>)> {
    let found: Vec<UserRow> = load_direct(
        conn,
        users::table
            .filter(users::directory_id.eq(directory))
            .filter(users::user_name_key.eq(key))
            .select(columns_of::<UserRow>()),
    )?;
    Ok(one_match_page(found, offset, limit))
}

/// The total and the page of a lookup by a unique key (at most one
/// match): the match is the first page's, if that page holds any; a page
/// past it, or of size 0, holds nothing.
pub(super) fn one_match_page<T>(found: Vec<T>, offset: u64, limit: u64) -> (i64, Vec<T>) {
    let total = found.len() as i64;
    let page = if offset == 0 && limit > 0 {
        found
    } else {
        Vec::new()
    };
    (total, page)
}

/// Sets a user's suspension. Its version moves (its entitlements come or
/// go), though its attributes are the IdP's and stay as they are.
pub fn set_suspended(conn: &mut DbConn, id: &str, suspended: bool, now: i64) -> QueryResult<usize> {
    diesel::update(users::table.filter(users::id.eq(id)))
        .set((
            users::suspended.eq(suspended),
            users::version.eq(users::version + 1),
            users::updated_at.eq(now),
        ))
        .execute(conn)
}

/// Of `ids`, the users of any directory that exist, with whether each is a
/// portal-only customer.
pub fn kinds(conn: &mut DbConn, ids: &[String]) -> QueryResult<Vec<(String, bool)>> {
    let mut found = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        found.extend(
            users::table
                .filter(users::id.eq_any(chunk))
                .select((users::id, users::portal_only))
                .load::<(String, bool)>(conn)?,
        );
    }
    Ok(found)
}

/// The user an email address belongs to, in any directory: by userName or
/// by an email value (both folded); an active account first.
pub fn find_by_email(conn: &mut DbConn, email_key: &str) -> QueryResult<Option<UserRow>> {
    let by_email = user_emails::table
        .filter(user_emails::value_key.eq(email_key.to_owned()))
        .select(user_emails::user_id);
    users::table
        .filter(
            users::user_name_key
                .eq(email_key.to_owned())
                .or(users::id.eq_any(by_email)),
        )
        .order((users::active.desc(), users::created_at, users::id))
        .select(UserRow::as_select())
        .first(conn)
        .optional()
}

/// Runs `change`, a change of these users' memberships, between taking
/// their write locks and `touch`ing them. The locks come first, in id
/// order (PostgreSQL; SQLite has one writer), before any membership
/// moves, so writers touching overlapping users queue rather than
/// deadlock; the touch comes after, so it reads the memberships as the
/// change left them.
pub fn touching<T>(
    conn: &mut DbConn,
    ids: &[String],
    now: i64,
    change: impl FnOnce(&mut DbConn) -> QueryResult<T>,
) -> QueryResult<T> {
    let mut ids = ids.to_vec();
    ids.sort();
    ids.dedup();
    super::dialect::lock_users_in_order(conn, &ids)?;
    touching_locked(conn, &ids, now, change)
}

/// `touching` of users whose locks the transaction took already, with
/// the same order's guarantee (`existing_ids_locked`).
pub fn touching_locked<T>(
    conn: &mut DbConn,
    ids: &[String],
    now: i64,
    change: impl FnOnce(&mut DbConn) -> QueryResult<T>,
) -> QueryResult<T> {
    let changed = change(conn)?;
    // One text whatever the number of users (`among`), prepared once per
    // connection (with the users' triggers, which an update compiles with
    // it), where diesel prepares SQLite's `IN (?, ?, …)` anew each time.
    let touched = super::dialect::among(conn.backend(), "id", ids);
    touch(conn.backend(), now, None)
        .append(touched)
        .cacheable()
        .execute(conn)?;
    Ok(changed)
}

/// `UPDATE users SET …` up to its `WHERE`: a new version (and
/// `lastModified` of `now`) for users whose groups changed, and their
/// `group_ids` read again from their memberships, without `leaving` (a
/// group deleted after). ETags and `meta.lastModified gt` then see the
/// change. Ids that are not users (groups as members) match nothing.
fn touch(backend: super::Backend, now: i64, leaving: Option<&str>) -> SqlExpr {
    SqlExpr::new()
        .sql("UPDATE users SET version = version + 1, updated_at = ")
        .bigint(now)
        .sql(", group_ids = ")
        .append(super::dialect::group_ids_of_user(backend, leaving))
        .sql(" WHERE ")
}

/// A new version for every user member of a group whose name or mappings changed
/// (its members show its name and the roles it grants), their memberships
/// as they are. A group being deleted: `touch_members_leaving`.
pub fn touch_members_of(conn: &mut DbConn, group_id: &str, now: i64) -> QueryResult<()> {
    use super::schema::memberships;
    super::dialect::lock_members_in_order(conn, group_id)?;
    let members = memberships::table
        .filter(memberships::group_id.eq(group_id.to_owned()))
        .select(memberships::member_id);
    kept::update(
        conn,
        users::table,
        (
            users::version.eq(users::version + 1),
            users::updated_at.eq(now),
        ),
        users::id.eq_any(members),
    )
    .map(drop)
}

/// The touch of `touching` for every user member of a group about to be deleted, in the
/// same transaction: their `group_ids` without it, before its memberships
/// go with it.
pub fn touch_members_leaving(conn: &mut DbConn, group_id: &str, now: i64) -> QueryResult<()> {
    super::dialect::lock_members_in_order(conn, group_id)?;
    touch(conn.backend(), now, Some(group_id))
        .sql("id IN (SELECT member_id FROM memberships WHERE group_id = ")
        .text(group_id)
        .sql(")")
        .cacheable()
        .execute(conn)
        .map(drop)
}

/// `touch` for every account of a person but `except` (whether the
/// person may hold access changed).
pub fn touch_person(
    conn: &mut DbConn,
    person_id: &str,
    except: Option<&str>,
    now: i64,
) -> QueryResult<()> {
    kept::update(
        conn,
        users::table,
        (
            users::version.eq(users::version + 1),
            users::updated_at.eq(now),
        ),
        users::person_id
            .eq(person_id)
            .and(users::id.ne(except.unwrap_or_default())),
    )
    .map(drop)
}
