//! Admin API and product API tokens: shown once when issued, stored as a
//! SHA-256 hash.

use serde_json::json;

use super::audit::{self, Change};
use super::directories::{hash_token, new_secret, IssuedToken};
use super::{Actor, WriteContext};
use crate::store::models::{AdminTokenRow, ProductTokenRow};
use crate::store::{admin_tokens, product_tokens, DbConn, StoreError, StoreResult};

/// Issues an admin token.
pub fn issue(conn: &mut DbConn, name: &str, actor: &Actor, now: i64) -> StoreResult<IssuedToken> {
    let secret = new_secret();
    let row = AdminTokenRow {
        id: crate::access::new_id(now),
        name: name.to_owned(),
        token_hash: hash_token(&secret),
        created_at: now,
        revoked_at: None,
    };
    admin_tokens::insert(conn, &row)?;
    audit::record(
        conn,
        &WriteContext::local(actor, now),
        Change {
            action: "admin_token.created",
            target_type: "AdminToken",
            target_id: &row.id,
            before: None,
            after: Some(json!({"name": name})),
        },
    )?;
    Ok(IssuedToken { id: row.id, secret })
}

/// Revokes an admin token; an unknown or already revoked one is `NotFound`.
pub fn revoke(conn: &mut DbConn, id: &str, actor: &Actor, now: i64) -> StoreResult<()> {
    if admin_tokens::revoke(conn, id, now)? == 0 {
        return Err(StoreError::NotFound);
    }
    audit::record(
        conn,
        &WriteContext::local(actor, now),
        Change {
            action: "admin_token.revoked",
            target_type: "AdminToken",
            target_id: id,
            before: None,
            after: None,
        },
    )?;
    Ok(())
}

/// The live admin token matching a presented secret, if any.
pub fn authenticate(conn: &mut DbConn, secret: &str) -> StoreResult<Option<AdminTokenRow>> {
    match admin_tokens::find_live(conn, &hash_token(secret)) {
        Ok(row) => Ok(Some(row)),
        Err(diesel::result::Error::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Issues a product API token (for a product's backend to call `/api/v1`).
pub fn issue_product_token(
    conn: &mut DbConn,
    name: &str,
    actor: &Actor,
    now: i64,
) -> StoreResult<IssuedToken> {
    let secret = new_secret();
    let row = ProductTokenRow {
        id: crate::access::new_id(now),
        name: name.to_owned(),
        token_hash: hash_token(&secret),
        created_at: now,
        revoked_at: None,
    };
    product_tokens::insert(conn, &row)?;
    audit::record(
        conn,
        &WriteContext::local(actor, now),
        Change {
            action: "product_token.created",
            target_type: "ProductToken",
            target_id: &row.id,
            before: None,
            after: Some(json!({"name": name})),
        },
    )?;
    Ok(IssuedToken { id: row.id, secret })
}

/// Revokes a product token; an unknown or already revoked one is `NotFound`.
pub fn revoke_product_token(
    conn: &mut DbConn,
    id: &str,
    actor: &Actor,
    now: i64,
) -> StoreResult<()> {
    if product_tokens::revoke(conn, id, now)? == 0 {
        return Err(StoreError::NotFound);
    }
    audit::record(
        conn,
        &WriteContext::local(actor, now),
        Change {
            action: "product_token.revoked",
            target_type: "ProductToken",
            target_id: id,
            before: None,
            after: None,
        },
    )?;
    Ok(())
}

/// The live product token matching a presented secret, if any.
pub fn authenticate_product(
    conn: &mut DbConn,
    secret: &str,
) -> StoreResult<Option<ProductTokenRow>> {
    match product_tokens::find_live(conn, &hash_token(secret)) {
        Ok(row) => Ok(Some(row)),
        Err(diesel::result::Error::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}
