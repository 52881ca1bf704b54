//! Running Gatehouse in production: readiness, overload, limits.

mod readiness;
