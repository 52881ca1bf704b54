//! Running Gatehouse in production: readiness, overload, limits.

mod fair_share;
mod metrics;
mod rate_limits;
mod readiness;
mod replicas;
mod statement_timeout;
mod tls;
