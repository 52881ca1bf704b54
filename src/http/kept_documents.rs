//! Documents fetched from elsewhere and kept for a while, per key (an OIDC
//! provider's discovery document, per issuer), for one server.
//!
//! One server, not the process: a process that runs several servers (the
//! test suite runs one per test, each with its own provider) once handed a
//! server the document of another server's provider, which had had the
//! same address a minute before.

use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct KeptDocuments<T> {
    for_how_long: Duration,
    kept: Mutex<Vec<(String, Instant, T)>>,
}

impl<T: Clone> KeptDocuments<T> {
    pub fn new(for_how_long: Duration) -> KeptDocuments<T> {
        KeptDocuments {
            for_how_long,
            kept: Mutex::new(Vec::new()),
        }
    }

    /// The document kept for `key`, unless it is older than the keeping time.
    pub fn fresh(&self, key: &str) -> Option<T> {
        let kept = self.kept.lock().ok()?;
        kept.iter()
            .find(|(k, at, _)| k == key && at.elapsed() < self.for_how_long)
            .map(|(_, _, document)| document.clone())
    }

    /// Keeps `document` for `key`, dropping whatever has aged out.
    pub fn keep(&self, key: &str, document: T) {
        if let Ok(mut kept) = self.kept.lock() {
            kept.retain(|(k, at, _)| k != key && at.elapsed() < self.for_how_long);
            kept.push((key.to_owned(), Instant::now(), document));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_per_key_until_the_time_is_up() {
        let kept = KeptDocuments::new(Duration::from_secs(60));
        assert_eq!(kept.fresh("a"), None);
        kept.keep("a", 1);
        kept.keep("b", 2);
        kept.keep("a", 3);
        assert_eq!(
            (kept.fresh("a"), kept.fresh("b"), kept.fresh("c")),
            (Some(3), Some(2), None)
        );
        let gone = KeptDocuments::new(Duration::ZERO);
        gone.keep("a", 1);
        assert_eq!(gone.fresh("a"), None);
    }
}
