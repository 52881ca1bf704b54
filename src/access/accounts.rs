//! Accounts made or held by admins: portal-only customers, and suspension
//! (no access, no license, the IdP's record untouched).

use serde_json::json;

use super::audit::{self, Change};
use super::effective::{self, UserAccess};
use super::emails::looks_like_email;
use super::error::{found, AccessError};
use super::licensing::CapGuard;
use super::{WriteContext, LOCAL_DIRECTORY};
use crate::scim::fold::fold;
use crate::store::models::UserRow;
use crate::store::{mappings, users, DbConn, StoreError};

/// Creates a portal-only customer: a local account that can hold a service
/// desk's `customer` role and never a licensed one.
pub fn create_customer(
    conn: &mut DbConn,
    ctx: &WriteContext,
    email: &str,
    display_name: Option<&str>,
) -> Result<UserAccess, AccessError> {
    // An admin vouches for the address: it links to the person of that email.
    let row = create_local(conn, ctx, email, display_name, true, true)?;
    effective::of_user(conn, &row.id)
}

/// The account an email belongs to, or a new local one (a person joining
/// by request, invitation or approved domain, outside the IdP). `verified`:
/// whether the address is proven (only then does it link to the person of
/// that email; see `persons`).
pub fn find_or_create_member(
    conn: &mut DbConn,
    ctx: &WriteContext,
    email: &str,
    verified: bool,
) -> Result<UserRow, AccessError> {
    match users::find_by_email(conn, &fold(email.trim()))? {
        Some(user) => Ok(user),
        None => create_local(conn, ctx, email, None, false, verified),
    }
}

/// Creates a local account for an email address, linked to its person.
fn create_local(
    conn: &mut DbConn,
    ctx: &WriteContext,
    email: &str,
    display_name: Option<&str>,
    portal_only: bool,
    verified: bool,
) -> Result<UserRow, AccessError> {
    let email = email.trim();
    if !looks_like_email(email) {
        return Err(AccessError::Invalid(format!(
            "\"{email}\" is not an email address"
        )));
    }
    let attributes = json!({"emails": [{"value": email, "primary": true}]});
    let mut row = UserRow {
        id: crate::access::new_id(ctx.now),
        directory_id: LOCAL_DIRECTORY.to_owned(),
        user_name: email.to_owned(),
        user_name_key: fold(email),
        external_id: None,
        display_name: display_name.map(str::to_owned),
        active: true,
        attributes: attributes.to_string(),
        version: 1,
        created_at: ctx.now,
        updated_at: ctx.now,
        portal_only,
        suspended: false,
        person_id: None,
        email_verified: verified,
        group_ids: String::new(),
    };
    let existing = super::persons::prepare(conn, ctx, &mut row)?;
    match users::insert(conn, &row).map_err(StoreError::from) {
        Err(StoreError::Conflict(_)) => {
            return Err(AccessError::Conflict(format!(
                "a local account \"{email}\" already exists"
            )))
        }
        other => other?,
    }
    users::insert_email_keys(
        conn,
        &row,
        &[users::EmailKey {
            value: fold(email),
            kind: String::new(),
        }],
    )?;
    // A local account joining a person who is not live (every identity
    // deactivated) holds nothing; one joining a live person may add a
    // license only through later grants, which check caps themselves.
    let row = match existing {
        Some(person) => {
            super::persons::link_to(conn, ctx, &row, Some(person))?;
            found(users::find(conn, None, &row.id), || {
                format!("user \"{}\"", row.id)
            })?
        }
        None => row,
    };
    audit::record(
        conn,
        ctx,
        Change {
            action: "user.provisioned",
            target_type: "User",
            target_id: &row.id,
            before: None,
            after: Some(
                json!({"userName": email, "portal_only": portal_only, "directory": LOCAL_DIRECTORY}),
            ),
        },
    )?;
    Ok(row)
}

/// Suspends (`true`) or restores (`false`) a user of any directory.
/// Restoring gives back licenses, so it is refused past a cap.
pub fn set_suspended(
    conn: &mut DbConn,
    ctx: &WriteContext,
    user_id: &str,
    suspended: bool,
) -> Result<UserAccess, AccessError> {
    let before = found(users::find(conn, None, user_id), || {
        format!("user \"{user_id}\"")
    })?;
    if before.suspended == suspended {
        return effective::of_user(conn, user_id);
    }
    let guard = if suspended {
        None
    } else {
        let products = mappings::products_of_member(conn, user_id)?;
        Some(CapGuard::before(conn, &products)?)
    };
    users::set_suspended(conn, user_id, suspended, ctx.now)?;
    if let Some(g) = guard {
        g.check(conn)?;
    }
    audit::record(
        conn,
        ctx,
        Change {
            action: if suspended {
                "user.suspended"
            } else {
                "user.restored"
            },
            target_type: "User",
            target_id: user_id,
            before: Some(json!({"suspended": before.suspended})),
            after: Some(json!({"suspended": suspended})),
        },
    )?;
    effective::of_user(conn, user_id)
}
