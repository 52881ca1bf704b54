//! Rows of registered extension schemas and of a directory's sync health.

use diesel::prelude::*;

use crate::store::schema::{custom_schemas, sync_issues, sync_requests, unregistered_attributes};

/// An extension schema an admin registered.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = custom_schemas)]
pub struct CustomSchemaRow {
    pub urn: String,
    /// `User` or `Group`.
    pub resource_type: String,
    /// The normalised RFC 7643 §7 document, as JSON text.
    pub document: String,
    pub created_at: i64,
}

/// An attribute a directory sent that no schema defines.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = unregistered_attributes)]
pub struct UnregisteredAttributeRow {
    pub directory_id: String,
    pub resource_type: String,
    /// The extension URN as sent; empty for the core schema.
    pub schema_urn: String,
    pub name: String,
    /// How many requests carried it.
    pub seen: i64,
    /// One value sent, as JSON text (cut short).
    pub example: String,
    pub first_seen: i64,
    pub last_seen: i64,
}

/// Something a directory sent that did not fit, as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sync_issues)]
pub struct SyncIssueRow {
    pub id: i64,
    pub directory_id: String,
    pub occurred_at: i64,
    /// `refused`, `license_cap` or `skipped_member`.
    pub kind: String,
    pub method: String,
    pub path: String,
    pub status: i32,
    pub scim_type: Option<String>,
    pub detail: String,
    pub request_id: Option<String>,
    pub group_id: Option<String>,
    pub member_id: Option<String>,
}

/// A sync issue to append.
#[derive(Debug, Clone, Insertable, PartialEq)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = sync_issues)]
pub struct NewSyncIssue {
    pub directory_id: String,
    pub occurred_at: i64,
    pub kind: String,
    pub method: String,
    pub path: String,
    pub status: i32,
    pub scim_type: Option<String>,
    pub detail: String,
    pub request_id: Option<String>,
    pub group_id: Option<String>,
    pub member_id: Option<String>,
}

/// Requests of a directory in one hour that got one status.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = sync_requests)]
pub struct SyncRequestsRow {
    pub directory_id: String,
    /// Hours since the Unix epoch.
    pub hour: i64,
    pub status: i32,
    pub requests: i64,
}
