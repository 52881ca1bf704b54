//! Automatic access: products every new user gets, per the policy of the
//! product's site (never in IT-only mode).

use serde_json::json;

use super::audit::{self, Change};
use super::error::AccessError;
use super::local_groups::{self, Grant};
use super::{policy, WriteContext};
use crate::access::sources::Source;
use crate::store::{mappings, policies, products, DbConn};

/// Whether any policy may hand out automatic access. Most organizations
/// set none: one small read decides, and a new user then gets nothing.
pub fn handed_out(conn: &mut DbConn) -> Result<bool, AccessError> {
    Ok(policies::all(conn)?
        .iter()
        .any(|r| r.body.contains("auto_access")))
}

/// Gives a new user the products the policy hands out automatically. A
/// product at its license cap is skipped (and the skip audited) rather
/// than refusing the account: the IdP's create must not fail for it.
/// Returns whether anything was granted.
pub fn grant_new_user(
    conn: &mut DbConn,
    ctx: &WriteContext,
    user_id: &str,
) -> Result<bool, AccessError> {
    if !handed_out(conn)? {
        return Ok(false);
    }
    let mut granted = false;
    for product in products::list(conn)? {
        let policy = policy::effective(conn, Some(&product.site_id))?;
        if policy.it_only || !policy.auto_access.contains(&product.product_key) {
            continue;
        }
        // The default group's row before the product's (see
        // `local_groups::add_members`, which holds it too).
        mappings::hold_group(conn, &product.default_group_id)?;
        if let Some(cap) = products::find_for_update(conn, &product.product_key)?.license_cap {
            if super::licensing::used_now(conn, &product.product_key)? >= cap {
                audit::record(
                    conn,
                    ctx,
                    Change {
                        action: "auto_access.skipped",
                        target_type: "User",
                        target_id: user_id,
                        before: None,
                        after: Some(
                            json!({"product": product.product_key, "cap": cap, "why": "license cap reached"}),
                        ),
                    },
                )?;
                continue;
            }
        }
        local_groups::add_members(
            conn,
            ctx,
            &product.default_group_id,
            Grant {
                users: &[user_id.to_owned()],
                granter: None,
                source: Source::AutoAccess,
                reason: None,
            },
        )?;
        granted = true;
    }
    Ok(granted)
}
