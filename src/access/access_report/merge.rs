//! A role's holders, directory by directory, merged into report order.
//! Each directory is read one of three ways (`store::access_report`): walked
//! by name where its holders are dense, from the granting groups' members
//! where they are few, or sorted at once for the whole report; each gives
//! the directory's holders in the database's userName order, so the merge
//! comes out the same whichever way a directory is read.

use std::collections::{BTreeMap, VecDeque};

use super::super::error::AccessError;
use super::super::LOCAL_DIRECTORY;
use super::line::{line_of, AccessLine};
use crate::store::access_report::{self as store, GrantedRole, GrantingGroup, Walk};
use crate::store::models::EntitlementRow;
use crate::store::DbConn;

/// A directory's holders are walked by name, rather than read from the
/// granting groups' members and sorted, when walking the lines of this
/// many pages costs less than sorting them all:
/// `holders² > WALK_LINES × users` (holders/users is the share of the walk
/// that finds one). At 1M users: from ~11,300 holders on.
const WALK_LINES: i64 = 128;

/// Holders read from a walk at once, at most.
const MAX_BATCH: usize = 2_000;

/// The fewest and most names a walk reads in one stretch.
const MIN_STRETCH: usize = 1_024;
const MAX_STRETCH: usize = 65_536;

/// A holder of the role in report order: its line when it was read
/// sorted, only its account when walked (its line is built if it lands on
/// the page), with its directory and userName key (where the next page
/// goes on from).
pub(super) struct Entry {
    pub(super) directory: String,
    pub(super) key: String,
    pub(super) user_id: String,
    pub(super) line: Option<AccessLine>,
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
pub(super) struct Merge {
    streams: Vec<Stream>,
}

impl Merge {
    /// Decides per directory how to read it (`WALK_LINES`), reads the
    /// sorted ones at once, and opens the others; each directory from
    /// after its key in `after`. The `whole` report is sorted: walking
    /// every holder costs more than sorting them.
    pub(super) fn of(
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
    pub(super) fn next(
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
