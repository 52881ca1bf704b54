//! The access report read as far as a page needs: one role on one product
//! at a time, each directory's holders either walked in userName order or
//! sorted (`store::access_report` says why and how).
//!
//! A page of the first role of a 200,000-member group's product was the
//! database sorting every row of the report (194,000 at 1M users) for 100
//! lines; walked, it reads the first ~100 holders by name.

use std::collections::{BTreeMap, VecDeque};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::error::AccessError;
use super::LOCAL_DIRECTORY;
use crate::scim::resource::format_time;
use crate::store::access_report::{self as store, GrantedRole, GrantingGroup, Walk};
use crate::store::models::EntitlementRow;
use crate::store::{directories, user_counts, DbConn};

/// One account's role on one product, with the groups that grant it.
#[derive(Debug, Clone, Serialize)]
pub struct AccessLine {
    pub product: String,
    pub role: String,
    pub user: String,
    #[serde(rename = "userName")]
    pub user_name: String,
    /// The person the account belongs to (licenses count persons).
    pub person: String,
    /// When the earliest grant of it began.
    pub since: String,
    #[serde(skip)]
    pub since_us: i64,
    pub via: Vec<serde_json::Value>,
}

/// A directory's holders are walked by name, rather than sorted, when
/// walking the lines of this many pages costs less than sorting them all:
/// `holders² > WALK_LINES × users` (holders/users is the share of the walk
/// that finds one). At 1M users: from ~11,300 holders on.
const WALK_LINES: i64 = 128;

/// Holders read from a walk at once, at most.
const MAX_BATCH: usize = 2_000;

/// The fewest and most names a walk reads in one stretch.
const MIN_STRETCH: usize = 1_024;
const MAX_STRETCH: usize = 65_536;

/// Where a page of the report starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Start {
    /// After this many lines (the cursors of earlier releases).
    Offset(usize),
    /// After the line a page ended with.
    After(Position),
}

/// Where a page ended: the role it ended in, and for each directory the
/// userName key of the last of its accounts listed there. Each directory
/// goes on from its own key, so the next page merges the directories'
/// accounts exactly as one long read would have, whatever order the
/// database's collation gives their names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    #[serde(rename = "p")]
    product: String,
    #[serde(rename = "r")]
    role: String,
    #[serde(rename = "a")]
    after: BTreeMap<String, String>,
}

impl Position {
    /// As a cursor: opaque and safe in a URL.
    pub fn to_cursor(&self) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(self).unwrap_or_default())
    }

    /// The position a cursor made by [`Position::to_cursor`] names.
    pub fn from_cursor(cursor: &str) -> Option<Position> {
        let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
        serde_json::from_slice(&bytes).ok()
    }
}

/// A page of the report: its lines, and where the next one starts (none
/// after the last line).
#[derive(Debug, Clone)]
pub struct Page {
    pub lines: Vec<AccessLine>,
    pub next: Option<Position>,
}

/// The report's lines from `start` on: `limit` of them (all with `None`).
/// With `since`, only lines first granted from then on. `product` is a
/// product key.
pub fn page(
    conn: &mut DbConn,
    product: Option<&str>,
    since: Option<i64>,
    start: &Start,
    limit: Option<usize>,
) -> Result<Page, AccessError> {
    let (skip, resume) = match start {
        Start::Offset(n) => (*n, None),
        Start::After(p) => (0, Some(p)),
    };
    let end = limit.map_or(usize::MAX, |l| skip.saturating_add(l));
    let roles = store::granted_roles(conn, product)?;
    let sizes = directory_sizes(conn)?;
    let (mut lines, mut seen) = (Vec::new(), 0usize);
    // Where the last line counted so far ended.
    let mut ended: Option<Position> = None;
    for role in &roles {
        // Roles come in (product, role) order: those before the cursor's
        // are done; the cursor's own goes on from its directories' keys.
        let mut after = match resume {
            Some(p) => match (&role.product, &role.role).cmp(&(&p.product, &p.role)) {
                std::cmp::Ordering::Less => continue,
                std::cmp::Ordering::Equal => p.after.clone(),
                std::cmp::Ordering::Greater => BTreeMap::new(),
            },
            None => BTreeMap::new(),
        };
        let mut merge = Merge::of(conn, role, &sizes, since, limit.is_none(), &after)?;
        let (mut walked, mut counted) = (Vec::new(), false);
        let at = |after: BTreeMap<String, String>| Position {
            product: role.product.clone(),
            role: role.role.clone(),
            after,
        };
        while let Some(entry) = merge.next(conn, role, since, end.saturating_sub(seen))? {
            if seen >= end {
                fill_walked(conn, role, &mut lines, walked)?;
                let next = if counted { Some(at(after)) } else { ended };
                return Ok(Page {
                    lines: lines.into_iter().flatten().collect(),
                    next,
                });
            }
            after.insert(entry.directory, entry.key);
            counted = true;
            if seen >= skip {
                match entry.line {
                    Some(line) => lines.push(Some(line)),
                    None => {
                        walked.push((lines.len(), entry.user_id));
                        lines.push(None);
                    }
                }
            }
            seen += 1;
        }
        fill_walked(conn, role, &mut lines, walked)?;
        if counted {
            ended = Some(at(after));
        }
    }
    Ok(Page {
        lines: lines.into_iter().flatten().collect(),
        next: None,
    })
}

/// Each directory's kept count of users.
fn directory_sizes(conn: &mut DbConn) -> Result<Vec<(String, i64)>, AccessError> {
    let mut sizes = Vec::new();
    for d in directories::list(conn)? {
        let users = user_counts::of(conn, Some(&d.id))?.users;
        sizes.push((d.id, users));
    }
    Ok(sizes)
}

/// Builds the lines of the walked holders that landed on the page, in
/// their places (`None` until then), from their rows. A holder whose rows
/// are gone by now (another writer) leaves no line.
fn fill_walked(
    conn: &mut DbConn,
    role: &GrantedRole,
    page: &mut [Option<AccessLine>],
    walked: Vec<(usize, String)>,
) -> Result<(), AccessError> {
    if walked.is_empty() {
        return Ok(());
    }
    let ids: Vec<String> = walked.iter().map(|(_, id)| id.clone()).collect();
    let mut rows: BTreeMap<String, Vec<(EntitlementRow, String)>> = BTreeMap::new();
    for (row, user_name) in store::rows_of(conn, role, &ids)? {
        rows.entry(row.user_id.clone())
            .or_default()
            .push((row, user_name));
    }
    for (at, id) in walked {
        let line = rows.remove(&id).and_then(|rows| {
            let user_name = rows.first().map(|(_, n)| n.clone())?;
            line_of(rows.into_iter().map(|(r, _)| r), user_name)
        });
        if let Some(slot) = page.get_mut(at) {
            *slot = line;
        }
    }
    Ok(())
}

/// One account's rows of one role (one per granting group, in group name
/// order) as its report line: every granting group once, and since the
/// earliest grant.
fn line_of(
    rows: impl IntoIterator<Item = EntitlementRow>,
    user_name: String,
) -> Option<AccessLine> {
    let mut line: Option<AccessLine> = None;
    for row in rows {
        let via = json!({"group_id": row.group_id, "displayName": row.group_display,
                         "synced": row.group_directory != LOCAL_DIRECTORY,
                         "since": format_time(row.granted_at)});
        match line.as_mut() {
            Some(l) => {
                if !l.via.contains(&via) {
                    l.via.push(via);
                }
                if row.granted_at < l.since_us {
                    l.since_us = row.granted_at;
                    l.since = format_time(row.granted_at);
                }
            }
            None => {
                line = Some(AccessLine {
                    product: row.product,
                    role: row.role,
                    user: row.user_id,
                    user_name: user_name.clone(),
                    person: row.person_id,
                    since: format_time(row.granted_at),
                    since_us: row.granted_at,
                    via: vec![via],
                })
            }
        }
    }
    line
}

/// A holder of the role in report order: its line when it was read
/// sorted, only its account when walked (its line is built if it lands on
/// the page), with its directory and userName key (where the next page
/// goes on from).
struct Entry {
    directory: String,
    key: String,
    user_id: String,
    line: Option<AccessLine>,
}

/// How a directory's stream of holders is read.
enum Source {
    /// Read and sorted at once (the whole report): nothing more to read.
    Sorted,
    /// Read in batches from after `after`: walked by name (`share` is the
    /// directory's users per holder, as the counts put it), or from the
    /// granting groups' members.
    Batches {
        after: Option<String>,
        done: bool,
        walk: Walk,
        share: usize,
    },
}

/// One directory's holders of a role, in the database's userName order.
struct Stream {
    directory: String,
    ahead: VecDeque<Entry>,
    source: Source,
}

/// A role's holders, every directory's stream merged in (userName key,
/// account) order: the merge takes the least head each time, so its
/// output depends only on each stream's order (the database's), which is
/// the same whichever way a directory is read.
struct Merge {
    streams: Vec<Stream>,
}

impl Merge {
    /// Decides per directory how to read it (`WALK_LINES`), reads the
    /// sorted ones at once, and opens the others; each directory from
    /// after its key in `after`. The `whole` report is sorted: walking
    /// every holder costs more than sorting them.
    fn of(
        conn: &mut DbConn,
        role: &GrantedRole,
        sizes: &[(String, i64)],
        since: Option<i64>,
        whole: bool,
        after: &BTreeMap<String, String>,
    ) -> Result<Merge, AccessError> {
        let mut streams = Vec::new();
        for (directory, users) in sizes {
            let holders = holders_in(conn, role, directory, since)?;
            if holders <= 0 {
                continue;
            }
            let from = after.get(directory).cloned();
            let dense = holders.saturating_mul(holders) > WALK_LINES.saturating_mul(*users);
            let (ahead, source) = if whole {
                let sorted = sorted_entries(conn, role, directory, from.as_deref(), since)?;
                (sorted, Source::Sorted)
            } else {
                let batches = Source::Batches {
                    after: from,
                    done: false,
                    walk: if dense { Walk::Names } else { Walk::Members },
                    share: usize::try_from(users / holders).unwrap_or(1).max(1),
                };
                (VecDeque::new(), batches)
            };
            streams.push(Stream {
                directory: directory.clone(),
                ahead,
                source,
            });
        }
        Ok(Merge { streams })
    }

    /// The next holder in report order, reading a walk's next batch (sized
    /// by `wanted`, the lines the caller may still take) when its stream
    /// runs dry.
    fn next(
        &mut self,
        conn: &mut DbConn,
        role: &GrantedRole,
        since: Option<i64>,
        wanted: usize,
    ) -> Result<Option<Entry>, AccessError> {
        let batch = wanted.saturating_add(1).clamp(16, MAX_BATCH);
        for stream in &mut self.streams {
            let Source::Batches {
                after,
                done,
                walk,
                share,
            } = &mut stream.source
            else {
                continue;
            };
            if !stream.ahead.is_empty() || *done {
                continue;
            }
            let found = match walk {
                Walk::Names => {
                    let at = Place {
                        directory: &stream.directory,
                        after,
                        done,
                    };
                    walk_batch(conn, role, at, since, *share, batch)?
                }
                Walk::Members => {
                    let at = Place {
                        directory: &stream.directory,
                        after,
                        done,
                    };
                    members_batch(conn, role, at, since, batch)?
                }
            };
            let directory = &stream.directory;
            stream
                .ahead
                .extend(found.into_iter().map(|(user_id, key)| Entry {
                    directory: directory.clone(),
                    key,
                    user_id,
                    line: None,
                }));
        }
        let least = self
            .streams
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.ahead.front().map(|e| (i, e)))
            .min_by(|(_, a), (_, b)| (&a.key, &a.user_id).cmp(&(&b.key, &b.user_id)))
            .map(|(i, _)| i);
        Ok(least.and_then(|i| self.streams.get_mut(i)?.ahead.pop_front()))
    }
}

/// Where a walk of one directory stands.
struct Place<'a> {
    directory: &'a str,
    after: &'a mut Option<String>,
    done: &'a mut bool,
}

/// About how many of `directory`'s users hold `role` (from `since` on,
/// when given), from the kept counts of its granting groups, or their
/// grants from then on: an upper bound (one user in two groups counts
/// twice). A synced group's members are its directory's users (the
/// directory resolves them); a local group's may be anyone's.
fn holders_in(
    conn: &mut DbConn,
    role: &GrantedRole,
    directory: &str,
    since: Option<i64>,
) -> Result<i64, AccessError> {
    let granting: Vec<&GrantingGroup> = role
        .groups
        .iter()
        .filter(|g| {
            g.directory_id == LOCAL_DIRECTORY
                || (g.directory_id == directory && directory != LOCAL_DIRECTORY)
        })
        .collect();
    // A group without holders adds none from any time on.
    let granting: Vec<&GrantingGroup> = granting.into_iter().filter(|g| g.holders > 0).collect();
    Ok(match since {
        _ if granting.is_empty() => 0,
        None => granting.iter().map(|g| g.holders).sum(),
        Some(t) => {
            let ids: Vec<&str> = granting.iter().map(|g| g.group_id.as_str()).collect();
            store::grants_since(conn, &ids, t)?
        }
    })
}

/// The next `batch` holders of a directory after `after`, read from the
/// granting groups' members, moving `after` past them (and setting `done`
/// when they are the last).
fn members_batch(
    conn: &mut DbConn,
    role: &GrantedRole,
    at: Place<'_>,
    since: Option<i64>,
    batch: usize,
) -> Result<Vec<(String, String)>, AccessError> {
    let found = store::holders_by_name(
        conn,
        at.directory,
        role,
        (at.after.as_deref(), None),
        batch,
        (Walk::Members, since),
    )?;
    *at.done = found.len() < batch;
    if let Some((_, key)) = found.last() {
        *at.after = Some(key.clone());
    }
    Ok(found)
}

/// The next `batch` holders of a walked directory after `after`, moving
/// `after` past them (and setting `done` at the directory's end). The
/// walk reads stretches of names sized to hold the batch at the density
/// the kept counts give (`share` users per holder); when twice the
/// stretches expected have held less, the holders ahead are fewer than
/// the counts said (past the last of them, or grouped elsewhere in the
/// alphabet), and the rest of the batch is read from the groups' members.
fn walk_batch(
    conn: &mut DbConn,
    role: &GrantedRole,
    at: Place<'_>,
    since: Option<i64>,
    share: usize,
    batch: usize,
) -> Result<Vec<(String, String)>, AccessError> {
    let Place {
        directory,
        after,
        done,
    } = at;
    let expected = batch.saturating_mul(share);
    let mut budget = expected.saturating_mul(2).max(MIN_STRETCH);
    let mut found: Vec<(String, String)> = Vec::new();
    while found.len() < batch {
        let wanted = batch - found.len();
        let width = wanted.saturating_mul(share).clamp(MIN_STRETCH, MAX_STRETCH);
        if budget < width {
            let at = Place {
                directory,
                after,
                done,
            };
            found.extend(members_batch(conn, role, at, since, wanted)?);
            break;
        }
        budget -= width;
        let end = store::key_past(conn, directory, after.as_deref(), width)?;
        let got = store::holders_by_name(
            conn,
            directory,
            role,
            (after.as_deref(), end.as_deref()),
            wanted,
            (Walk::Names, since),
        )?;
        let full = got.len() == wanted;
        match (got.last(), &end) {
            // The batch ended inside the stretch: go on from its last holder.
            (Some((_, key)), _) if full => *after = Some(key.clone()),
            // The whole stretch was read.
            (_, Some(end)) => *after = Some(end.clone()),
            // The directory's last names were read.
            (_, None) => {
                *done = true;
                found.extend(got);
                break;
            }
        }
        found.extend(got);
    }
    Ok(found)
}

/// The role's lines in `directory` from after the userName key `after`,
/// sorted by the database, keeping only those first granted from `since`
/// on.
fn sorted_entries(
    conn: &mut DbConn,
    role: &GrantedRole,
    directory: &str,
    after: Option<&str>,
    since: Option<i64>,
) -> Result<VecDeque<Entry>, AccessError> {
    // The rows of one account come together: a line is complete when a
    // row of the next one arrives.
    let mut out = VecDeque::new();
    let mut current: Option<(String, String, Vec<EntitlementRow>)> = None;
    let finish = |done: Option<(String, String, Vec<EntitlementRow>)>,
                  out: &mut VecDeque<Entry>| {
        let Some((key, user_name, rows)) = done else {
            return;
        };
        if let Some(line) =
            line_of(rows, user_name).filter(|l| since.is_none_or(|t| l.since_us >= t))
        {
            out.push_back(Entry {
                directory: directory.to_owned(),
                key,
                user_id: line.user.clone(),
                line: Some(line),
            });
        }
    };
    store::rows_sorted(
        conn,
        role,
        directory,
        after,
        since,
        |row, user_name, key| match current.as_mut() {
            Some((k, _, rows)) if *k == key => rows.push(row),
            _ => finish(current.replace((key, user_name, vec![row])), &mut out),
        },
    )?;
    finish(current.take(), &mut out);
    Ok(out)
}
