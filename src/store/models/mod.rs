//! Row structs: what the tables hold, with no logic.

use diesel::prelude::*;

mod console;
mod grants;
mod sync;

pub use console::{ConsoleLinkRow, ConsoleSessionRow, LicenseSampleRow};
pub use grants::{MappedRole, MembershipGrant};
pub use sync::{
    CustomSchemaRow, NewSyncIssue, SyncIssueRow, SyncRequestsRow, UnregisteredAttributeRow,
};

use super::schema::{
    access_requests, admin_roles, admin_tokens, audit_events, directories, directory_tokens,
    group_mappings, groups, guest_spaces, guests, invitations, invite_links, memberships,
    oidc_logins, persons, policies, product_tokens, products, sites, user_entitlements, users,
};

/// A directory: one IdP connection with its own SCIM base URL and tokens.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = directories)]
pub struct DirectoryRow {
    pub id: String,
    pub name: String,
    pub created_at: i64,
    /// Refuse attributes no schema defines instead of keeping them.
    pub strict_schema: bool,
    /// When a write of this directory last succeeded.
    pub last_push_at: Option<i64>,
}

/// A directory bearer token; only its SHA-256 hash is kept.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = directory_tokens)]
pub struct DirectoryTokenRow {
    pub id: String,
    pub directory_id: String,
    pub name: String,
    pub token_hash: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

/// A SCIM user.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = users, treat_none_as_null = true)]
pub struct UserRow {
    pub id: String,
    pub directory_id: String,
    pub user_name: String,
    pub user_name_key: String,
    pub external_id: Option<String>,
    pub display_name: Option<String>,
    pub active: bool,
    pub attributes: String,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
    /// A portal-only customer: can hold a service desk's customer role, nothing else.
    pub portal_only: bool,
    /// Suspended by an admin: no access, no license, the IdP's record untouched.
    pub suspended: bool,
    /// The person the account belongs to (set by `access::persons`).
    pub person_id: Option<String>,
    /// Whether the email is proven; unverified emails never link accounts.
    pub email_verified: bool,
    /// The ids of the groups the user is a direct member of, comma-separated
    /// ("" for none), kept by `users::touching` from the memberships in every
    /// write that changes them: what a read shows as `groups` (with the
    /// group catalog), without reading the memberships. Written only there.
    #[diesel(skip_insertion, skip_update)]
    pub group_ids: String,
}

impl UserRow {
    /// The ids of the groups the row says the user is in.
    pub fn group_ids(&self) -> impl Iterator<Item = &str> {
        self.group_ids.split(',').filter(|id| !id.is_empty())
    }
}

#[cfg(test)]
impl UserRow {
    /// An active user of `directory` as a unit test makes one: id `u`,
    /// its key the name as given, linked to no person, email unverified.
    pub fn sample(directory: &str, user_name: &str, attributes: String) -> UserRow {
        UserRow {
            id: "u".into(),
            directory_id: directory.into(),
            user_name: user_name.into(),
            user_name_key: user_name.into(),
            external_id: None,
            display_name: None,
            active: true,
            attributes,
            version: 1,
            created_at: 0,
            updated_at: 0,
            portal_only: false,
            suspended: false,
            person_id: None,
            email_verified: false,
            group_ids: String::new(),
        }
    }
}

/// One human: the accounts sharing a verified email.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = persons)]
pub struct PersonRow {
    pub id: String,
    /// The verified email (folded) linking the accounts; `None`: one account.
    pub email_key: Option<String>,
    /// Has had an IdP identity: from then on the IdP decides.
    pub managed: bool,
    /// May hold access: not managed, or an identity is active.
    pub live: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A SCIM group.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = groups, treat_none_as_null = true)]
pub struct GroupRow {
    pub id: String,
    pub directory_id: String,
    pub display_name: String,
    pub display_name_key: String,
    pub external_id: Option<String>,
    pub attributes: String,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

/// One member of one group, with where the membership came from.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = memberships)]
pub struct MembershipRow {
    pub group_id: String,
    pub member_id: String,
    pub member_type: String,
    pub source: String,
    pub actor: String,
    pub created_at: i64,
    /// Why an admin granted this outside synced groups in IT-only mode.
    pub reason: Option<String>,
}

/// An audit event as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_events)]
pub struct AuditEventRow {
    pub id: i64,
    pub occurred_at: i64,
    pub request_id: Option<String>,
    pub actor_type: String,
    pub actor_id: String,
    pub directory_id: Option<String>,
    pub action: String,
    pub target_type: String,
    pub target_id: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub actor_person: Option<String>,
    pub actor_role: Option<String>,
    pub actor_scope: Option<String>,
}

/// An audit event to append.
#[derive(Debug, Clone, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = audit_events)]
pub struct NewAuditEvent {
    pub occurred_at: i64,
    pub request_id: Option<String>,
    pub actor_type: String,
    pub actor_id: String,
    pub directory_id: Option<String>,
    pub action: String,
    pub target_type: String,
    pub target_id: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub actor_person: Option<String>,
    pub actor_role: Option<String>,
    pub actor_scope: Option<String>,
}

/// An admin API bearer token; only its SHA-256 hash is kept.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = admin_tokens)]
pub struct AdminTokenRow {
    pub id: String,
    pub name: String,
    pub token_hash: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
    /// The admin role the token carries (`org-admin`, `site-admin`, …).
    pub role: String,
    /// A site-admin token's site.
    pub site_id: Option<String>,
    /// A user-access-admin token's product.
    pub product_key: Option<String>,
    pub expires_at: Option<i64>,
    pub last_used_at: Option<i64>,
    /// Who made it: a person's email, or the operator's name on the CLI.
    pub owner: Option<String>,
}

/// An admin role held by a person (`email_key`) or by the members of an
/// IdP group (`group_name_key`, in `directory_id` or any directory).
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = admin_roles)]
pub struct AdminRoleRow {
    pub id: String,
    pub role: String,
    pub site_id: Option<String>,
    pub product_key: Option<String>,
    pub email_key: Option<String>,
    pub group_name: Option<String>,
    pub group_name_key: Option<String>,
    pub directory_id: Option<String>,
    pub created_at: i64,
    pub created_by: String,
}

/// A console sign-in under way with the OpenID provider.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = oidc_logins)]
pub struct OidcLoginRow {
    pub state_hash: String,
    pub nonce: String,
    pub pkce_verifier: String,
    pub created_at: i64,
    pub used_at: Option<i64>,
}

/// A site of the organization.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = sites)]
pub struct SiteRow {
    pub id: String,
    pub name: String,
    pub name_key: String,
    pub created_at: i64,
}

/// A product on a site.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = products, treat_none_as_null = true)]
pub struct ProductRow {
    pub product_key: String,
    pub site_id: String,
    pub name: String,
    pub service_desk: bool,
    pub license_cap: Option<i64>,
    pub anonymous_access: bool,
    pub default_group_id: String,
    pub created_at: i64,
    pub updated_at: i64,
    /// Whom it may be invited to: `anyone`, `approved_domains`,
    /// `admin_approval`, `off`.
    pub invite_mode: String,
    /// Its key on its site (`product_key` is its id in the organization:
    /// the same, or `key@site` when another site has the key too).
    pub bare_key: String,
}

/// A group-to-role mapping; `group_id` is `None` while it waits for a group
/// of its name to arrive.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = group_mappings)]
pub struct MappingRow {
    pub id: String,
    pub product_key: String,
    pub role: String,
    pub group_id: Option<String>,
    pub group_name: String,
    pub group_name_key: String,
    pub directory_id: Option<String>,
    pub created_at: i64,
    pub created_by: String,
}

/// One row of the `user_entitlements` view: a role a user holds on a
/// product through one group.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = user_entitlements)]
pub struct EntitlementRow {
    pub user_id: String,
    /// The account's person (the account itself until it is linked).
    pub person_id: String,
    pub product: String,
    pub product_name: String,
    pub role: String,
    pub value: String,
    pub group_id: String,
    pub group_display: String,
    pub group_directory: String,
    /// When the membership granting it began.
    pub granted_at: i64,
}

/// The policy fields set at one scope (`org` or a site id), as JSON.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = policies)]
pub struct PolicyRow {
    pub scope: String,
    pub body: String,
    pub updated_at: i64,
}

/// A product API token; only its SHA-256 hash is kept.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = product_tokens)]
pub struct ProductTokenRow {
    pub id: String,
    pub name: String,
    pub token_hash: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

/// An access request.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = access_requests, treat_none_as_null = true)]
pub struct AccessRequestRow {
    pub id: String,
    pub product_key: String,
    pub requester_id: Option<String>,
    pub requester_email: Option<String>,
    pub subject_id: Option<String>,
    pub subject_email: Option<String>,
    pub email_verified: bool,
    /// `request` (asked for) or `approved_domain` (a signup needing approval).
    pub origin: String,
    /// `pending`, `approved`, `denied` or `closed`.
    pub status: String,
    pub message: Option<String>,
    pub created_at: i64,
    pub decided_at: Option<i64>,
    pub decided_by: Option<String>,
}

/// An invitation to a product role.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = invitations, treat_none_as_null = true)]
pub struct InvitationRow {
    pub id: String,
    pub product_key: String,
    pub role: String,
    pub email: String,
    pub invited_by: Option<String>,
    /// `open`, `accepted`, `revoked` or `expired`.
    pub status: String,
    pub user_id: Option<String>,
    pub created_at: i64,
    pub accepted_at: Option<i64>,
    pub expires_at: i64,
    pub closed_at: Option<i64>,
    /// Why it was revoked: `admin`, `it_only`, `invitations_off`.
    pub closed_reason: Option<String>,
}

/// An invite link: anyone holding its token joins the product. Only the
/// token's hash is kept.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = invite_links)]
pub struct InviteLinkRow {
    pub id: String,
    pub token_hash: String,
    pub product_key: String,
    pub role: String,
    pub created_by: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
}

/// A guest of a site.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = guests)]
pub struct GuestRow {
    pub id: String,
    pub user_id: String,
    pub site_id: String,
    pub status: String,
    pub created_at: i64,
}

/// The one space a guest is in on its site.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = guest_spaces)]
pub struct GuestSpaceRow {
    pub guest_id: String,
    pub space: String,
    pub product_key: String,
    pub created_at: i64,
}
