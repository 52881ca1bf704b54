//! Console sign-ins under way with the OpenID provider: the state handed
//! to the browser (kept only as a hash), the nonce the ID token must carry
//! and the PKCE verifier, each spent by the sign-in's callback, once.

use super::directories::hash_token;
use crate::store::models::OidcLoginRow;
use crate::store::{admin_roles, DbConn, StoreResult};

/// How long a sign-in may take at the provider.
pub const LIFETIME: i64 = 10 * 60 * 1_000_000;

/// What the callback needs of its sign-in.
#[derive(Debug, Clone)]
pub struct Login {
    pub nonce: String,
    pub pkce_verifier: String,
}

/// Records a sign-in started at `now`, and forgets those past their
/// lifetime (used or not, they can't be spent any more), so anyone
/// starting sign-ins can't grow the table beyond ten minutes' worth.
pub fn begin(
    conn: &mut DbConn,
    state: &str,
    nonce: &str,
    pkce_verifier: &str,
    now: i64,
) -> StoreResult<()> {
    admin_roles::prune_logins(conn, now - LIFETIME)?;
    admin_roles::insert_login(
        conn,
        &OidcLoginRow {
            state_hash: hash_token(state),
            nonce: nonce.to_owned(),
            pkce_verifier: pkce_verifier.to_owned(),
            created_at: now,
            used_at: None,
        },
    )?;
    Ok(())
}

/// Spends the sign-in with this state: its nonce and verifier, once, and
/// only within `LIFETIME` of its start. A second callback with the same
/// state (a replay) finds nothing.
pub fn spend(conn: &mut DbConn, state: &str, now: i64) -> StoreResult<Option<Login>> {
    Ok(
        admin_roles::spend_login(conn, &hash_token(state), now - LIFETIME, now)?.map(|row| Login {
            nonce: row.nonce,
            pkce_verifier: row.pkce_verifier,
        }),
    )
}
