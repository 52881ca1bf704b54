//! Rows of the web console: sign-in links, sessions, license samples.

use diesel::prelude::*;

use crate::store::schema::{console_links, console_sessions, license_samples};

/// A one-time sign-in link printed by `gatehouse console link`.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = console_links)]
pub struct ConsoleLinkRow {
    pub id: String,
    pub secret_hash: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub used_at: Option<i64>,
}

/// A signed-in console session (the cookie holds its secret).
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = console_sessions)]
pub struct ConsoleSessionRow {
    pub id: String,
    pub secret_hash: String,
    pub actor_kind: String,
    pub actor_id: String,
    pub csrf_token: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    /// The absolute end, however active the session is.
    pub expires_at: i64,
    pub ended_at: Option<i64>,
}

/// A product's license use at one moment.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = license_samples)]
pub struct LicenseSampleRow {
    pub product_key: String,
    pub taken_at: i64,
    pub used: i64,
    pub cap: Option<i64>,
}
