//! Directory tokens found live a moment ago, kept by the server so that an
//! IdP's requests do not each read their token.
//!
//! Every SCIM request checks its bearer token. Reading the token was a
//! statement of its own on every request: on PostgreSQL at 1M users,
//! `userName eq` lookups at 8 clients went from 3.2-4.1k to 4.6-4.9k a
//! second without it (CPU a lookup: server 220-245 -> 185-192 µs,
//! PostgreSQL 157-204 -> 140-148 µs; bench/results, stop 47), and a write
//! first took a reader thread for it alone. An IdP sends thousands of
//! requests a second with one token, so a token found live is kept for
//! `keep_for` (a second by default, `GATEHOUSE_TOKEN_CACHE`) and its
//! requests in that time read nothing.
//!
//! What a revocation waits for:
//! - revoked through this server (the console), at once: the revocation
//!   forgets every kept token when it commits ([`LiveTokens::forget_all`]);
//! - revoked elsewhere (the CLI, another replica, SQL), within `keep_for`
//!   of the last read of the token here; `0` keeps nothing, and every
//!   request reads its token as before.
//!
//! Only live directory tokens are kept: an unknown token (a typo, a
//! guess, a revoked one) is read every time, so nobody can fill this with
//! tokens of their own, and admin tokens, whose expiry and last use are
//! checked on each request, are read as before.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::directories::{self, hash_token};
use crate::store::{DbConn, StoreResult};

/// Most tokens kept at once; past it the keeping starts again from empty.
/// Each directory has a token or two live, so this is never reached but by
/// thousands of directories, which then read a token a little more often.
const MOST_KEPT: usize = 4096;

/// Live directory tokens, by their hash, with when each was read.
#[derive(Debug)]
pub struct LiveTokens {
    keep_for: Duration,
    kept: Mutex<HashMap<String, Kept>>,
    /// Counts forgettings: a read that began before one does not keep
    /// what it read (it may have read the token just before it was
    /// revoked).
    forgotten: AtomicU64,
}

/// A live directory token: which it is, and whose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveToken {
    pub id: String,
    pub directory_id: String,
}

#[derive(Debug, Clone)]
struct Kept {
    token: LiveToken,
    /// When the read that found it live began.
    read_at: Instant,
}

impl LiveTokens {
    /// Keeps each live token for `keep_for` after it was read; zero keeps none.
    pub fn new(keep_for: Duration) -> LiveTokens {
        LiveTokens {
            keep_for,
            kept: Mutex::default(),
            forgotten: AtomicU64::new(0),
        }
    }

    /// The live token a presented secret is, if it was read live within
    /// `keep_for`; no database.
    pub fn kept(&self, secret: &str) -> Option<LiveToken> {
        self.fresh(&hash_token(secret))
    }

    /// The live token a presented secret is, if any: kept, or read (and
    /// then kept).
    pub fn authenticate(&self, conn: &mut DbConn, secret: &str) -> StoreResult<Option<LiveToken>> {
        let hash = hash_token(secret);
        if let Some(token) = self.fresh(&hash) {
            return Ok(Some(token));
        }
        let (forgotten, read_at) = (self.forgotten.load(Ordering::SeqCst), Instant::now());
        let found = directories::authenticate_hash(conn, &hash)?.map(|row| LiveToken {
            id: row.id,
            directory_id: row.directory_id,
        });
        if self.keep_for.is_zero() {
            return Ok(found);
        }
        if let Some(token) = &found {
            let mut kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
            // Checked under the lock `forget_all` clears under: either this
            // is kept before that clears it, or it is not kept at all.
            if self.forgotten.load(Ordering::SeqCst) == forgotten {
                if kept.len() >= MOST_KEPT {
                    kept.clear();
                }
                let token = token.clone();
                kept.insert(hash, Kept { token, read_at });
            }
        }
        Ok(found)
    }

    /// Forgets every kept token: after a token is revoked here.
    pub fn forget_all(&self) {
        self.forgotten.fetch_add(1, Ordering::SeqCst);
        self.kept
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    fn fresh(&self, hash: &str) -> Option<LiveToken> {
        if self.keep_for.is_zero() {
            return None;
        }
        let kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        kept.get(hash)
            .filter(|k| k.read_at.elapsed() < self.keep_for)
            .map(|k| k.token.clone())
    }
}
