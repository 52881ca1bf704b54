//! Running Gatehouse in production: readiness, overload, limits.

mod metrics;
mod rate_limits;
mod readiness;
