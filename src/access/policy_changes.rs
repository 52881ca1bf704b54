//! Changing the access policy, and what a change to IT-only mode closes:
//! shared by the admin API's `PUT /policy` and the console's policy page,
//! so both close and report exactly the same things.

use serde::Serialize;

use super::invitations::{self, InvitationView};
use super::invite_links::{self, LinkView};
use super::policy::{self, PolicyFields, PolicyView};
use super::reports::{self, Lockdown, NonSyncedLine};
use super::requests::{self, RequestView};
use super::{AccessError, WriteContext};
use crate::store::DbConn;

/// What a policy change did.
#[derive(Debug, Clone, Serialize)]
pub struct PolicyChange {
    pub policy: PolicyView,
    /// Set when IT-only mode was turned on (or `revoke` asked for).
    pub lockdown: Option<Lockdown>,
    /// Open invitations the new policy no longer allows, now revoked.
    pub revoked_invitations: Vec<String>,
}

/// Sets any subset of the policy's fields at `site` (the organization when
/// `None`). Turning IT-only mode on closes pending requests and reports the
/// licensed access that did not come from synced groups; `revoke` also
/// removes it (only while IT-only mode is on). Open invitations the new
/// policy refuses are revoked.
pub fn apply(
    conn: &mut DbConn,
    ctx: &WriteContext,
    site: Option<&str>,
    changes: &PolicyFields,
    revoke: bool,
) -> Result<PolicyChange, AccessError> {
    let (view, locked_now) = policy::update(conn, ctx, site, changes)?;
    if revoke && !view.effective.it_only {
        return Err(AccessError::Invalid(
            "revoke_non_synced applies when IT-only mode is on".into(),
        ));
    }
    let lockdown = if locked_now || revoke {
        Some(reports::lockdown(
            conn,
            ctx,
            &view.scope,
            locked_now,
            revoke,
        )?)
    } else {
        None
    };
    let products = policy::products_in_scope(conn, &view.scope)?;
    let revoked_invitations = invitations::close_disallowed(conn, ctx, &products)?;
    Ok(PolicyChange {
        policy: view,
        lockdown,
        revoked_invitations,
    })
}

/// What turning IT-only mode on at a scope would close, read before the
/// admin decides: nothing is changed.
#[derive(Debug, Clone, Serialize)]
pub struct ItOnlyPreview {
    pub pending_requests: Vec<RequestView>,
    pub open_invitations: Vec<InvitationView>,
    pub open_links: Vec<LinkView>,
    pub non_synced_access: Vec<NonSyncedLine>,
}

/// Most items of each kind a preview lists (the counts stay exact).
pub const PREVIEW_LIMIT: i64 = 1_000;

/// The preview for `site` (the organization when `None`).
pub fn it_only_preview(
    conn: &mut DbConn,
    site: Option<&str>,
    now: i64,
) -> Result<ItOnlyPreview, AccessError> {
    let scope = policy::view(conn, site)?.scope;
    let products = policy::products_in_scope(conn, &scope)?;
    let in_scope = |p: &str| products.iter().any(|k| k == p);
    let mut pending_requests = requests::list(conn, Some("pending"))?;
    pending_requests.retain(|r| in_scope(&r.product));
    let mut open_invitations = invitations::list(conn, Some("open"), None, now, 0, PREVIEW_LIMIT)?;
    open_invitations.retain(|i| in_scope(&i.product));
    let mut open_links = invite_links::list(conn, None, now)?;
    open_links.retain(|l| l.status == "open" && in_scope(&l.product));
    let non_synced_access = reports::non_synced(conn, Some(&products), None)?;
    Ok(ItOnlyPreview {
        pending_requests,
        open_invitations,
        open_links,
        non_synced_access,
    })
}
