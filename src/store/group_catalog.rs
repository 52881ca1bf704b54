//! What a user's groups show, kept by the server between reads: each
//! group's name, directory and the roles its mappings grant.
//!
//! A page of users shows each user's groups and the access they give.
//! Joining every membership of the page to its group, the group's
//! mappings, their products and the roles they imply was the largest part
//! of a page's cost (at 1M users, 32% of the server's CPU for a page of
//! `active eq false` on SQLite, and 0.35-0.7 ms of PostgreSQL's ~1.05 ms),
//! though those tables are small and change rarely. A reader now reads
//! each membership's group id alone, with the catalog's version, and takes
//! the groups from here; it reads only the groups it does not find.
//!
//! The version (`group_catalog_version`) is counted by triggers on every
//! change to what is kept here (a group renamed, moved or deleted, a
//! mapping, a product's name, a role implication), in the transaction
//! that makes it. Groups are kept under the version they were read at: a
//! read that finds another version reads them again. A group's content
//! is always read after the version was, so what is kept under a version
//! is never older than it.
//!
//! Only reads keep groups (their threads carry the catalog, `kept_here`):
//! a write reads its own uncommitted changes, which a rollback may undo,
//! and the count it made would then never have happened. Writes and the
//! CLI read memberships and groups in one statement, as before
//! (`memberships::grants_of`), except where a server's write on
//! PostgreSQL renders the user it changed: it looks in what reads kept,
//! without adding to it (`used_by_write`, `memberships::grants_of_written`).

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};

use super::conn::DbConn;
use super::dialect::load_direct;
use super::id_list::{IdList, OneId, OverIds};
use super::models::{MappedRole, MembershipGrant, UserRow};
use super::schema::persons;
use super::sql_fragment::SqlFragment;

/// Most groups kept at once: past it the catalog starts again from empty
/// (a directory with more groups than this reads some twice). ~200 bytes
/// a group: a few MB at most.
const MOST_KEPT: usize = 20_000;

/// A group as a user's memberships show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogGroup {
    pub display: String,
    /// The name as groups are ordered by it (`display_name_key`).
    pub display_key: String,
    pub directory: String,
    /// The roles its mappings grant, one per role implied (none for a
    /// group no mapping names).
    pub roles: Vec<MappedRole>,
}

/// The groups kept, for one store.
#[derive(Debug, Default)]
pub struct GroupCatalog {
    kept: Mutex<Kept>,
}

#[derive(Debug, Default)]
struct Kept {
    /// The version the groups were read at; `None` before the first read.
    version: Option<i64>,
    groups: HashMap<String, Arc<CatalogGroup>>,
}

/// What a read found kept, and the version the catalog was at when it
/// looked (which it must still be at for the read to keep what it reads).
struct Found {
    groups: HashMap<String, Arc<CatalogGroup>>,
    missing: Vec<String>,
    seen: Option<i64>,
}

impl GroupCatalog {
    fn lock(&self) -> std::sync::MutexGuard<'_, Kept> {
        // What is kept is whole after every change under the lock.
        self.kept.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The groups `wanted` kept at `version`; any other version's are
    /// missing.
    fn find(&self, version: i64, wanted: &[&str]) -> Found {
        let kept = self.lock();
        let mut groups = HashMap::new();
        let mut missing = Vec::new();
        for id in wanted {
            match kept.groups.get(*id) {
                Some(group) if kept.version == Some(version) => {
                    groups.insert((*id).to_owned(), group.clone());
                }
                _ => missing.push((*id).to_owned()),
            }
        }
        Found {
            groups,
            missing,
            seen: kept.version,
        }
    }

    /// Keeps groups read after the version was read as `version`, unless
    /// another read moved the catalog on since this one looked (`seen`),
    /// or `version` is older than what is kept (a read on an older
    /// snapshot).
    fn keep(&self, seen: Option<i64>, version: i64, read: &HashMap<String, Arc<CatalogGroup>>) {
        let mut kept = self.lock();
        if kept.version != seen || kept.version.is_some_and(|v| v > version) {
            return;
        }
        if kept.version != Some(version) || kept.groups.len() + read.len() > MOST_KEPT {
            kept.groups.clear();
            kept.version = Some(version);
        }
        for (id, group) in read {
            kept.groups.insert(id.clone(), group.clone());
        }
    }
}

/// How many of the groups reads wanted they found kept, and how many they
/// read: a directory with more groups than `MOST_KEPT` that its users'
/// pages keep reading shows here as groups read. A write that finds every
/// group it wants kept counts them as kept; one that does not reads them
/// joined, uncounted (`memberships::grants_of_written`).
struct CatalogMetrics {
    kept: metrics::Counter,
    read: metrics::Counter,
}

fn catalog_metrics() -> &'static CatalogMetrics {
    static METRICS: std::sync::OnceLock<CatalogMetrics> = std::sync::OnceLock::new();
    METRICS.get_or_init(|| CatalogMetrics {
        kept: metrics::counter!("gatehouse_group_catalog_groups_total", "source" => "kept"),
        read: metrics::counter!("gatehouse_group_catalog_groups_total", "source" => "read"),
    })
}

thread_local! {
    /// The catalog of the store whose read this thread is running.
    static HERE: RefCell<Option<Arc<GroupCatalog>>> = const { RefCell::new(None) };
}

/// Runs `work` (a read) with `catalog` kept for the reads it makes.
pub(super) fn kept_here<T>(catalog: &Arc<GroupCatalog>, work: impl FnOnce() -> T) -> T {
    with_set(&HERE, catalog, work)
}

/// A thread's catalog, where one is set (`HERE`, `USED`).
type Slot = std::thread::LocalKey<RefCell<Option<Arc<GroupCatalog>>>>;

/// Runs `work` with `slot` holding `catalog`, then as it was.
fn with_set<T>(slot: &'static Slot, catalog: &Arc<GroupCatalog>, work: impl FnOnce() -> T) -> T {
    struct Restore(&'static Slot, Option<Arc<GroupCatalog>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let before = self.1.take();
            self.0.with(|slot| *slot.borrow_mut() = before);
        }
    }
    let before = slot.with(|slot| slot.borrow_mut().replace(catalog.clone()));
    let _restore = Restore(slot, before);
    work()
}

/// The catalog of the read this thread runs, if it runs one.
pub(super) fn here() -> Option<Arc<GroupCatalog>> {
    HERE.with(|here| here.borrow().clone())
}

thread_local! {
    /// The catalog a write this thread runs may look in but never add to
    /// (`used_by_write`).
    static USED: RefCell<Option<Arc<GroupCatalog>>> = const { RefCell::new(None) };
}

/// Runs `work` (a write) with `catalog` to look groups up in
/// (`memberships::grants_of_written`). A write never keeps what it reads:
/// it may read its own uncommitted changes, which a rollback would undo.
/// It only uses what reads kept at the version its own statement read,
/// which is then what its transaction sees too.
pub(super) fn used_by_write<T>(catalog: &Arc<GroupCatalog>, work: impl FnOnce() -> T) -> T {
    with_set(&USED, catalog, work)
}

/// The catalog the write this thread runs may look in, if any.
pub(super) fn used() -> Option<Arc<GroupCatalog>> {
    USED.with(|used| used.borrow().clone())
}

/// `memberships::grants_of` for a read: the users' groups as their rows
/// keep them (`UserRow::group_ids`), their content from the catalog, read
/// (and kept) only where missing. The catalog's version is read with the
/// rows (`read_with`, by their own statement: `users::list_read`) or after
/// them, so what it keeps is never older than they are; a group deleted
/// since is left out (`granted`). Users in no group cost no statement.
/// `person_of` names the person whose liveness decides a user's access,
/// where it does (`memberships::liveness_from_person`).
pub(super) fn grants_of(
    conn: &mut DbConn,
    catalog: &GroupCatalog,
    users: &[UserRow],
    read_with: Option<i64>,
    person_of: fn(&UserRow) -> Option<String>,
) -> QueryResult<Vec<MembershipGrant>> {
    if users.iter().all(|u| u.group_ids().next().is_none()) {
        return Ok(Vec::new());
    }
    let version = match read_with {
        Some(version) => Some(version),
        None => diesel::select(version_now()).get_result::<Option<i64>>(conn)?,
    };
    let memberships: Vec<MemberRow> = users
        .iter()
        .flat_map(|user| memberships_of(user, None, version))
        .collect();
    let mut grants = resolve(conn, catalog, &memberships)?;
    with_liveness(conn, users, person_of, &mut grants)?;
    Ok(grants)
}

/// The catalog's version, as a statement's value.
pub(super) fn version_now() -> SqlFragment<Nullable<BigInt>> {
    SqlFragment::fixed(VERSION_NOW)
}

/// `version_now`'s text.
const VERSION_NOW: &str = "(SELECT v.version FROM group_catalog_version v)";

/// `version_now` as a value a PostgreSQL statement selects beside a
/// table's columns (`users::find_for_update`), kept prepared: a literal
/// (`diesel::dsl::sql`) would have the statement parsed and planned again
/// at every write.
#[derive(Debug, Clone, Copy, diesel::query_builder::QueryId)]
pub(super) struct VersionNow;

impl diesel::expression::Expression for VersionNow {
    type SqlType = Nullable<BigInt>;
}

impl<QS> diesel::expression::AppearsOnTable<QS> for VersionNow {}

impl<QS> diesel::expression::SelectableExpression<QS> for VersionNow {}

impl diesel::expression::ValidGrouping<()> for VersionNow {
    type IsAggregate = diesel::expression::is_aggregate::Never;
}

impl diesel::query_builder::QueryFragment<diesel::pg::Pg> for VersionNow {
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>,
    ) -> QueryResult<()> {
        out.push_sql(VERSION_NOW);
        Ok(())
    }
}

/// A user's memberships as its row keeps them, each with the person's
/// liveness `live` and the catalog's `version`.
pub(super) fn memberships_of(
    user: &UserRow,
    live: Option<bool>,
    version: Option<i64>,
) -> impl Iterator<Item = MemberRow> + '_ {
    user.group_ids()
        .map(move |group| (user.id.clone(), group.to_owned(), live, version))
}

/// Sets the person's liveness on the grants that grant a role to a user
/// whose person decides it (`person_of`): read only for those users, so a
/// page of IdP accounts reads no person.
fn with_liveness(
    conn: &mut DbConn,
    users: &[UserRow],
    person_of: fn(&UserRow) -> Option<String>,
    grants: &mut [MembershipGrant],
) -> QueryResult<()> {
    let persons_of: HashMap<&str, String> = users
        .iter()
        .filter_map(|u| Some((u.id.as_str(), person_of(u)?)))
        .filter(|(id, _)| {
            grants
                .iter()
                .any(|g| g.grant.is_some() && g.member_id == *id)
        })
        .collect();
    if persons_of.is_empty() {
        return Ok(());
    }
    let mut wanted: Vec<&String> = persons_of.values().collect();
    wanted.sort_unstable();
    wanted.dedup();
    let live: HashMap<String, bool> = persons::table
        .filter(persons::id.eq_any(wanted))
        .select((persons::id, persons::live))
        .load::<(String, bool)>(conn)?
        .into_iter()
        .collect();
    for grant in grants.iter_mut().filter(|g| g.grant.is_some()) {
        grant.person_live = persons_of
            .get(grant.member_id.as_str())
            .and_then(|person| live.get(person))
            .copied();
    }
    Ok(())
}

/// The grants of memberships (`memberships_of` a user's row), their groups
/// from the catalog.
pub(super) fn resolve(
    conn: &mut DbConn,
    catalog: &GroupCatalog,
    rows: &[MemberRow],
) -> QueryResult<Vec<MembershipGrant>> {
    let wanted = groups_of(rows);
    // (Every row carries the version; `None` only without its row.)
    let groups = match rows.first().and_then(|r| r.3) {
        None => read_groups(conn, &wanted)?,
        Some(version) => {
            let Found {
                mut groups,
                missing,
                seen,
            } = catalog.find(version, &wanted);
            let counts = catalog_metrics();
            counts.kept.increment(groups.len() as u64);
            counts.read.increment(missing.len() as u64);
            groups.extend(read_missing(conn, catalog, version, &missing, seen)?);
            groups
        }
    };
    Ok(granted(rows, &groups))
}

/// `resolve` with nothing but what the catalog keeps, for a lookup with
/// no connection of its own to read from (`worker_lookups`): `None` when
/// a group is not kept at the memberships' version (or they carry none),
/// for the caller to ask a reader, which reads the group and keeps it.
pub(super) fn resolve_kept(
    catalog: &GroupCatalog,
    rows: &[MemberRow],
) -> Option<Vec<MembershipGrant>> {
    let Some(first) = rows.first() else {
        return Some(Vec::new());
    };
    let version = first.3?;
    let found = catalog.find(version, &groups_of(rows));
    if !found.missing.is_empty() {
        return None;
    }
    catalog_metrics().kept.increment(found.groups.len() as u64);
    Some(granted(rows, &found.groups))
}

/// The groups of these memberships, each once.
fn groups_of(rows: &[MemberRow]) -> Vec<&str> {
    let mut groups: Vec<&str> = rows.iter().map(|r| r.1.as_str()).collect();
    groups.sort_unstable();
    groups.dedup();
    groups
}

/// A membership: member, group, the member's person's liveness (where it
/// decides the member's access) and the catalog's version.
pub type MemberRow = (String, String, Option<bool>, Option<i64>);

/// The memberships as `memberships::grants_of` gives them: a row per role
/// granted (one without a role for a group that grants none), the
/// person's liveness on the rows that grant one, in the order of the
/// groups' names, then ids. A group gone since its membership was read
/// (deleted between the two statements, on PostgreSQL) is left out, as
/// its memberships went with it.
fn granted(
    memberships: &[MemberRow],
    groups: &HashMap<String, Arc<CatalogGroup>>,
) -> Vec<MembershipGrant> {
    let mut placed: Vec<(&CatalogGroup, &str, &str, Option<bool>)> = memberships
        .iter()
        .filter_map(|(member, group_id, live, _)| {
            let group = groups.get(group_id)?;
            Some((group.as_ref(), group_id.as_str(), member.as_str(), *live))
        })
        .collect();
    placed.sort_by(|a, b| (&a.0.display_key, a.1).cmp(&(&b.0.display_key, b.1)));
    let mut out = Vec::with_capacity(placed.len());
    for (group, group_id, member, live) in placed {
        let row = |grant: Option<MappedRole>| MembershipGrant {
            member_id: member.to_owned(),
            group_id: group_id.to_owned(),
            group_display: group.display.clone(),
            group_directory: group.directory.clone(),
            person_live: grant.as_ref().and(live),
            grant,
        };
        match group.roles.as_slice() {
            [] => out.push(row(None)),
            roles => out.extend(roles.iter().map(|role| row(Some(role.clone())))),
        }
    }
    out
}

/// Fills the catalog with every group, when the database holds at most
/// `MOST_KEPT` of them, on a reader when the server starts
/// (`Store::warm_group_catalog`); returns how many it read. Without it,
/// the first lookups after a start find their users' groups missing, and
/// on PostgreSQL a worker's lookup whose groups are not kept is answered
/// again by a reader: two round trips and a thread hop where one does.
/// Measured at 1M users and 1,000 groups: the first 50,000 lookups after a
/// start had p99 2.24-2.43 ms, the next 1.58-2.04, whether or not the
/// database had been checkpointed first (its dirty buffers were not it).
pub(super) fn warm(conn: &mut DbConn) -> QueryResult<usize> {
    use super::schema::groups;
    let Some(catalog) = here() else {
        return Ok(0);
    };
    // The version first: what is kept under it is never older than it.
    let Some(version) = diesel::select(version_now()).get_result::<Option<i64>>(conn)? else {
        return Ok(0);
    };
    let most = i64::try_from(MOST_KEPT).unwrap_or(i64::MAX);
    let ids: Vec<String> = groups::table
        .select(groups::id)
        .order(groups::id)
        .limit(most.saturating_add(1))
        .load(conn)?;
    // More groups than are kept: reads keep those their users are in.
    if ids.len() > MOST_KEPT {
        return Ok(0);
    }
    let wanted: Vec<&str> = ids.iter().map(String::as_str).collect();
    let Found { missing, seen, .. } = catalog.find(version, &wanted);
    Ok(read_missing(conn, &catalog, version, &missing, seen)?.len())
}

/// Reads the groups a look in the catalog (`find`, which saw it at
/// `seen`) found missing at `version`, and keeps them there.
fn read_missing(
    conn: &mut DbConn,
    catalog: &GroupCatalog,
    version: i64,
    missing: &[String],
    seen: Option<i64>,
) -> QueryResult<HashMap<String, Arc<CatalogGroup>>> {
    if missing.is_empty() {
        return Ok(HashMap::new());
    }
    let ids: Vec<&str> = missing.iter().map(String::as_str).collect();
    let read = read_groups(conn, &ids)?;
    catalog.keep(seen, version, &read);
    Ok(read)
}

/// These groups as the catalog keeps them (a group not found is absent).
fn read_groups(conn: &mut DbConn, ids: &[&str]) -> QueryResult<HashMap<String, Arc<CatalogGroup>>> {
    type Row = (
        String,
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let rows: Vec<Row> = match ids {
        [] => return Ok(HashMap::new()),
        [one] => load_direct(conn, OneId::<CatalogGroups>::new(one))?,
        _ => {
            let ids: Vec<String> = ids.iter().map(|id| (*id).to_owned()).collect();
            load_direct(conn, IdList::<CatalogGroups>::new(&ids))?
        }
    };
    let mut groups: HashMap<String, CatalogGroup> = HashMap::new();
    for (id, display, display_key, directory, product, product_name, role) in rows {
        let group = groups.entry(id).or_insert_with(|| CatalogGroup {
            display,
            display_key,
            directory,
            roles: Vec::new(),
        });
        group
            .roles
            .extend(MappedRole::of_columns(product, product_name, role));
    }
    Ok(groups
        .into_iter()
        .map(|(id, group)| (id, Arc::new(group)))
        .collect())
}

/// Groups by id, with the roles their mappings grant: a row per role (one
/// with no role for a group no mapping names).
pub struct CatalogGroups;

impl OverIds for CatalogGroups {
    type SqlType = (
        Text,
        Text,
        Text,
        Text,
        Nullable<Text>,
        Nullable<Text>,
        Nullable<Text>,
    );
    const SELECT: &'static str = "SELECT g.id, g.display_name, g.display_name_key, \
         g.directory_id, gm.product_key, p.name, ri.grants";
    const SQLITE: &'static str = " JOIN \"groups\" g ON g.id = ids.value \
         LEFT JOIN group_mappings gm ON gm.group_id = g.id \
         LEFT JOIN products p ON p.product_key = gm.product_key \
         LEFT JOIN role_implications ri ON ri.role = gm.role";
    const POSTGRES: &'static str = " JOIN \"groups\" g ON g.id = ids.id \
         LEFT JOIN group_mappings gm ON gm.group_id = g.id \
         LEFT JOIN products p ON p.product_key = gm.product_key \
         LEFT JOIN role_implications ri ON ri.role = gm.role";
    const TAIL: &'static str = "";
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(name: &str) -> Arc<CatalogGroup> {
        Arc::new(CatalogGroup {
            display: name.to_owned(),
            display_key: name.to_lowercase(),
            directory: "d".to_owned(),
            roles: Vec::new(),
        })
    }

    fn read(names: &[&str]) -> HashMap<String, Arc<CatalogGroup>> {
        names.iter().map(|n| ((*n).to_owned(), group(n))).collect()
    }

    /// The ids `find` finds kept at `version`.
    fn kept_at(catalog: &GroupCatalog, version: i64, ids: &[&str]) -> Vec<String> {
        let mut found: Vec<String> = catalog.find(version, ids).groups.into_keys().collect();
        found.sort();
        found
    }

    #[test]
    fn groups_are_found_only_at_the_version_they_were_kept_under() {
        let catalog = GroupCatalog::default();
        let first = catalog.find(3, &["a"]);
        assert_eq!((first.missing, first.seen), (vec!["a".to_owned()], None));
        catalog.keep(first.seen, 3, &read(&["a"]));
        assert_eq!(kept_at(&catalog, 3, &["a", "b"]), ["a"]);
        // Another version (newer or older) finds none of them.
        assert!(kept_at(&catalog, 4, &["a"]).is_empty());
        assert!(kept_at(&catalog, 2, &["a"]).is_empty());
        // A newer version's read starts the catalog again.
        let newer = catalog.find(4, &["b"]);
        catalog.keep(newer.seen, 4, &read(&["b"]));
        assert_eq!(kept_at(&catalog, 4, &["a", "b"]), ["b"]);
    }

    #[test]
    fn a_read_keeps_nothing_when_the_catalog_moved_on_or_it_read_an_older_snapshot() {
        let catalog = GroupCatalog::default();
        let slow = catalog.find(5, &["a"]);
        // Another read kept groups under a newer version meanwhile: what
        // the slow read read may be older than that version.
        let fast = catalog.find(6, &["b"]);
        catalog.keep(fast.seen, 6, &read(&["b"]));
        catalog.keep(slow.seen, 5, &read(&["a"]));
        assert_eq!(kept_at(&catalog, 6, &["a", "b"]), ["b"]);
        // A read on an older snapshot than what is kept keeps nothing.
        let old = catalog.find(5, &["c"]);
        catalog.keep(old.seen, 5, &read(&["c"]));
        assert_eq!(kept_at(&catalog, 6, &["a", "b", "c"]), ["b"]);
        assert!(kept_at(&catalog, 5, &["c"]).is_empty());
    }

    #[test]
    fn the_catalog_starts_again_when_it_would_keep_too_many() {
        let catalog = GroupCatalog::default();
        let many: Vec<String> = (0..MOST_KEPT).map(|i| format!("g{i}")).collect();
        let names: Vec<&str> = many.iter().map(String::as_str).collect();
        let first = catalog.find(1, &names);
        catalog.keep(first.seen, 1, &read(&names));
        assert_eq!(catalog.find(1, &names).missing.len(), 0);
        let more = catalog.find(1, &["extra"]);
        catalog.keep(more.seen, 1, &read(&["extra"]));
        assert_eq!(kept_at(&catalog, 1, &["extra", "g0"]), ["extra"]);
    }
}
