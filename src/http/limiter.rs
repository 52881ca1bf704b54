//! The per-credential token buckets behind `--rate-limit` (governor's
//! keyed GCRA limiter), apart from the middleware so the app's state can
//! hold one.

use std::hash::BuildHasher;
use std::sync::Arc;
use std::time::Duration;

use governor::clock::{Clock, MonotonicClock};
use governor::{DefaultKeyedRateLimiter, Quota};

use crate::config::RateLimit;

/// Credentials tracked before idle ones are forgotten (a full bucket is
/// the same as none): bounds the memory random tokens could take.
const TRACKED: usize = 100_000;

/// The limiter of a server, keyed by a hash of the credential.
pub struct RequestLimiter {
    limit: RateLimit,
    buckets: DefaultKeyedRateLimiter<u64>,
    hasher: std::collections::hash_map::RandomState,
}

impl RequestLimiter {
    pub fn new(limit: RateLimit) -> Arc<RequestLimiter> {
        let quota = Quota::per_second(limit.per_second).allow_burst(limit.burst);
        Arc::new(RequestLimiter {
            limit,
            buckets: DefaultKeyedRateLimiter::keyed(quota),
            hasher: std::collections::hash_map::RandomState::new(),
        })
    }

    /// The rate it keeps.
    pub fn limit(&self) -> RateLimit {
        self.limit
    }

    /// Counts a request made with `credential`; how long to wait if it is
    /// one too many.
    pub fn check(&self, credential: &[u8]) -> Result<(), Duration> {
        let key = self.hasher.hash_one(credential);
        let outcome = self.buckets.check_key(&key);
        if self.buckets.len() > TRACKED {
            self.buckets.retain_recent();
        }
        outcome.map_err(|not_until| not_until.wait_time_from(MonotonicClock.now()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_credential_gets_its_burst_then_waits_others_are_untouched() {
        let limit: RateLimit = "1:3".parse().unwrap();
        let limiter = RequestLimiter::new(limit);
        for _ in 0..3 {
            assert!(limiter.check(b"Bearer a").is_ok());
        }
        let wait = limiter.check(b"Bearer a").unwrap_err();
        assert!(wait <= Duration::from_secs(1), "{wait:?}");
        assert!(limiter.check(b"Bearer b").is_ok());
    }
}
