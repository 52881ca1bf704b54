//! Admin API and product API tokens: shown once when issued, stored as a
//! SHA-256 hash.

use serde_json::json;

use super::audit::{self, Change};
use super::directories::{hash_token, new_secret, IssuedToken};
use super::roles::Held;
use super::{Actor, WriteContext};
use crate::scim::resource::format_time;
use crate::store::models::{AdminTokenRow, ProductTokenRow};
use crate::store::{admin_tokens, product_tokens, DbConn, StoreError, StoreResult};
use serde::Serialize;

/// What an admin token is made with.
#[derive(Debug, Clone)]
pub struct TokenSpec {
    /// A label for the token.
    pub name: String,
    /// The role it carries, with its scope (see `admin_roles::scoped`).
    pub held: Held,
    /// When it stops working (microseconds); `None`: until revoked.
    pub expires_at: Option<i64>,
}

/// An admin token as listed: never its secret.
#[derive(Debug, Clone, Serialize)]
pub struct TokenView {
    pub id: String,
    pub name: String,
    pub role: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    pub created: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_used: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// `live`, `expired` or `revoked` at the time of listing.
    pub status: &'static str,
}

impl TokenView {
    fn of(t: AdminTokenRow, now: i64) -> TokenView {
        let status = match (t.revoked_at, t.expires_at) {
            (Some(_), _) => "revoked",
            (None, Some(end)) if end <= now => "expired",
            _ => "live",
        };
        TokenView {
            id: t.id,
            name: t.name,
            role: t.role,
            site: t.site_id,
            product: t.product_key,
            created: format_time(t.created_at),
            expires: t.expires_at.map(format_time),
            last_used: t.last_used_at.map(format_time),
            owner: t.owner,
            status,
        }
    }
}

/// Issues an admin token carrying `spec`'s role, owned by whoever makes
/// it (a person, or the operator on the command line). Audited.
pub fn issue(conn: &mut DbConn, ctx: &WriteContext, spec: &TokenSpec) -> StoreResult<IssuedToken> {
    let secret = new_secret();
    let owner = ctx.actor.name();
    let row = AdminTokenRow {
        id: crate::access::new_id(ctx.now),
        name: spec.name.clone(),
        token_hash: hash_token(&secret),
        created_at: ctx.now,
        revoked_at: None,
        role: spec.held.role.as_str().to_owned(),
        site_id: spec.held.site.clone(),
        product_key: spec.held.product.clone(),
        expires_at: spec.expires_at,
        last_used_at: None,
        owner: Some(owner),
    };
    admin_tokens::insert(conn, &row)?;
    audit::record(
        conn,
        ctx,
        Change {
            action: "admin_token.created",
            target_type: "AdminToken",
            target_id: &row.id,
            before: None,
            after: Some(json!(TokenView::of(row.clone(), ctx.now))),
        },
    )?;
    Ok(IssuedToken { id: row.id, secret })
}

/// Every admin token, oldest first, as listed at `now`.
pub fn list(conn: &mut DbConn, now: i64) -> StoreResult<Vec<TokenView>> {
    Ok(admin_tokens::list(conn)?
        .into_iter()
        .map(|t| TokenView::of(t, now))
        .collect())
}

/// Revokes an admin token; an unknown or already revoked one is `NotFound`.
pub fn revoke(conn: &mut DbConn, ctx: &WriteContext, id: &str) -> StoreResult<()> {
    if admin_tokens::revoke(conn, id, ctx.now)? == 0 {
        return Err(StoreError::NotFound);
    }
    audit::record(
        conn,
        ctx,
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

/// How often a token's `last_used_at` is written: at most once a minute,
/// so reads with it stay reads.
pub const TOUCH_EVERY: i64 = 60 * 1_000_000;

/// The live admin token matching a presented secret at `now` (not
/// revoked, not expired), if any.
pub fn authenticate(
    conn: &mut DbConn,
    secret: &str,
    now: i64,
) -> StoreResult<Option<AdminTokenRow>> {
    match admin_tokens::find_live(conn, &hash_token(secret), now) {
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

/// Whether the token's kept last use is old enough to be written again.
pub fn touch_due(token: &AdminTokenRow, now: i64) -> bool {
    token.last_used_at.is_none_or(|at| now - at >= TOUCH_EVERY)
}

/// Records that the token with this id was used at `now`.
pub fn touch_id(conn: &mut DbConn, id: &str, now: i64) -> StoreResult<()> {
    admin_tokens::touch(conn, id, now)?;
    Ok(())
}

/// A token lifetime as written on the command line or in the API — a
/// whole number of days (`90d`), weeks (`2w`), hours (`12h`) or minutes
/// (`30m`) — in microseconds.
pub fn parse_lifetime(text: &str) -> Result<i64, crate::access::AccessError> {
    let text = text.trim();
    let invalid = || {
        crate::access::AccessError::Invalid(format!(
            "expires is a lifetime such as 90d, 2w, 12h or 30m; not \"{text}\""
        ))
    };
    let unit_at = text.len().checked_sub(1).ok_or_else(invalid)?;
    let (count, unit) = text.split_at(unit_at);
    let count: i64 = count.parse().map_err(|_| invalid())?;
    let minutes = match unit {
        "m" => 1,
        "h" => 60,
        "d" => 24 * 60,
        "w" => 7 * 24 * 60,
        _ => return Err(invalid()),
    };
    if count <= 0 || count > 5 * 366 * 24 * 60 / minutes {
        return Err(crate::access::AccessError::Invalid(format!(
            "expires must be more than nothing and at most five years; not \"{text}\""
        )));
    }
    Ok(count * minutes * 60 * 1_000_000)
}

#[cfg(test)]
mod tests {
    use super::parse_lifetime;

    #[test]
    fn lifetimes() {
        let minute = 60 * 1_000_000;
        let table: [(&str, Option<i64>); 10] = [
            ("90d", Some(90 * 24 * 60 * minute)),
            ("2w", Some(14 * 24 * 60 * minute)),
            ("12h", Some(12 * 60 * minute)),
            ("30m", Some(30 * minute)),
            (" 1d ", Some(24 * 60 * minute)),
            ("0d", None),
            ("-1d", None),
            ("d", None),
            ("90", None),
            ("9999w", None),
        ];
        for (text, want) in table {
            assert_eq!(parse_lifetime(text).ok(), want, "{text}");
        }
    }
}
