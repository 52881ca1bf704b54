//! Running Gatehouse in production: readiness, overload, limits.

mod rate_limits;
mod readiness;
