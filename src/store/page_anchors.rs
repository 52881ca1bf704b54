//! Where recent `startIndex` pages of a directory's users ended, so the
//! next page starts there instead of counting its way from the first user.
//!
//! Okta imports users with `startIndex` paging, 100 at a time, first page
//! to last. An offset walks every row before it: at a million users the
//! last pages took 190 ms each and a full import ~23 minutes. A page that
//! ends at offset N leaves an anchor (the creation time and id of its last
//! user) for the page that starts at N; that page reads from the anchor
//! through the `(directory_id, created_at, id)` index instead. An anchor
//! holds only while the directory's kept `changes` count
//! (`store::user_counts`) is what it was when the anchor was left: a create
//! or delete may move users, and the next page then counts its offset
//! again. Kept in the process (any server of a database can answer any
//! page; one that has no anchor counts), bounded, and keyed by directory id
//! (a random UUID, so databases never share one).

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex, PoisonError};

/// The last user of a page, in creation order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    /// The directory's kept `changes` when the page was read.
    pub changes: i64,
    pub created_at: i64,
    pub id: String,
}

/// Anchors at most: one per import in progress is all that is needed;
/// when full, the map starts afresh (an import in progress counts once).
const MAX_ANCHORS: usize = 4_096;

type Anchors = HashMap<(String, u64), Anchor>;

static ANCHORS: LazyLock<Mutex<Anchors>> = LazyLock::new(Mutex::default);

/// The anchor a page of `directory` starting at `offset` may start from.
pub fn find(directory: &str, offset: u64) -> Option<Anchor> {
    let anchors = ANCHORS.lock().unwrap_or_else(PoisonError::into_inner);
    anchors.get(&(directory.to_owned(), offset)).cloned()
}

/// Leaves an anchor for the page of `directory` that starts at `offset`.
pub fn leave(directory: &str, offset: u64, anchor: Anchor) {
    let mut anchors = ANCHORS.lock().unwrap_or_else(PoisonError::into_inner);
    if anchors.len() >= MAX_ANCHORS {
        anchors.clear();
    }
    anchors.insert((directory.to_owned(), offset), anchor);
}
