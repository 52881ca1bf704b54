//! Where recent `startIndex` pages of a directory's users ended, so the
//! next page starts there instead of counting its way from the first user.
//!
//! Okta imports users with `startIndex` paging, 100 at a time, first page
//! to last. An offset walks every row before it: at a million users the
//! last pages took 190 ms each and a full import ~23 minutes. A page that
//! ends at offset N leaves an anchor (the creation time and id of its last
//! user) for the page that starts at N; that page reads from the anchor
//! through the `(directory_id, created_at, id)` index instead; a page
//! further on (an import resumed part-way, a jump) skips only the index
//! keys between the nearest anchor before it and its start (`users::list`),
//! and leaves an anchor where it started. An anchor
//! holds only while the directory's kept `changes` count
//! (`store::user_counts`) is what it was when the anchor was left: a create
//! or delete may move users, and the next page then counts its offset
//! again. Kept in the process (any server of a database can answer any
//! page; one that has no anchor counts), bounded, and keyed by directory id
//! (a random UUID, so databases never share one).

use std::collections::BTreeMap;
use std::sync::{LazyLock, Mutex, PoisonError};

/// The last user of a page, in creation order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    /// The directory's kept `changes` when the page was read.
    pub changes: i64,
    pub created_at: i64,
    pub id: String,
}

/// Anchors at most: one per import in progress is all that is needed,
/// besides each directory's checkpoints; when full, only the checkpoints
/// are kept (an import in progress counts once).
const MAX_ANCHORS: usize = 4_096;

/// A page far from any anchor leaves one every this many users on its way
/// (`users::list`): later pages anywhere before it skip at most this many
/// index keys (~4 ms on PostgreSQL, where the million keys of a jump to
/// the end took ~350 ms).
pub const CHECKPOINT_EVERY: u64 = 10_000;

/// The first checkpoint's offset after `offset`.
pub fn next_checkpoint(offset: u64) -> u64 {
    (offset / CHECKPOINT_EVERY + 1).saturating_mul(CHECKPOINT_EVERY)
}

/// By directory, then by the offset of the first user after the anchor.
type Anchors = BTreeMap<(String, u64), Anchor>;

static ANCHORS: LazyLock<Mutex<Anchors>> = LazyLock::new(Mutex::default);

/// The anchor nearest before (or at) `offset` in `directory` that still
/// holds (left while the directory's kept `changes` were `changes`), and
/// the offset it stands at: a page starting there reads on from it, and a
/// page further on skips only the users in between.
pub fn nearest(directory: &str, offset: u64, changes: i64) -> Option<(u64, Anchor)> {
    let anchors = ANCHORS.lock().unwrap_or_else(PoisonError::into_inner);
    anchors
        .range((directory.to_owned(), 0)..=(directory.to_owned(), offset))
        .rev()
        .find(|(_, anchor)| anchor.changes == changes)
        .map(|((_, at), anchor)| (*at, anchor.clone()))
}

/// Leaves an anchor for the page of `directory` that starts at `offset`.
pub fn leave(directory: &str, offset: u64, anchor: Anchor) {
    let mut anchors = ANCHORS.lock().unwrap_or_else(PoisonError::into_inner);
    if anchors.len() >= MAX_ANCHORS {
        anchors.retain(|(_, at), _| at % CHECKPOINT_EVERY == 0);
        if anchors.len() >= MAX_ANCHORS / 2 {
            anchors.clear();
        }
    }
    anchors.insert((directory.to_owned(), offset), anchor);
}
