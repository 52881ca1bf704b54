//! Running Gatehouse in production: readiness, overload, limits.

mod fair_share;
mod metrics;
mod rate_limits;
mod readiness;
