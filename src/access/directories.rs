//! Directories (IdP connections) and their bearer tokens. A token is shown
//! once, when issued; only its SHA-256 hash is stored.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::audit::{self, Change};
use super::{Actor, WriteContext};
use crate::scim::resource::format_time;
use crate::store::models::{DirectoryRow, DirectoryTokenRow};
use crate::store::{directories, DbConn, StoreError, StoreResult};

/// Every token starts with this, so leaked tokens are easy to find in logs and scanners.
const TOKEN_PREFIX: &str = "gh_";

/// A token as issued: the secret is here and nowhere else.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    pub id: String,
    pub secret: String,
}

/// The stored hash of a token secret.
pub fn hash_token(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Whether two secrets are the same, compared as digests so the time
/// taken says nothing about either.
pub fn same_secret(a: &str, b: &str) -> bool {
    Sha256::digest(a.as_bytes()) == Sha256::digest(b.as_bytes())
}

/// A new random token secret.
pub(crate) fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{TOKEN_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// Creates a directory and its first token.
pub fn create_directory(
    conn: &mut DbConn,
    name: &str,
    actor: &Actor,
    now: i64,
) -> StoreResult<(DirectoryRow, IssuedToken)> {
    let row = DirectoryRow {
        id: crate::access::new_id(now),
        name: name.to_owned(),
        created_at: now,
        strict_schema: false,
        last_push_at: None,
    };
    directories::insert(conn, &row)?;
    let ctx = context(&row.id, actor, now);
    audit::record(
        conn,
        &ctx,
        Change {
            action: "directory.created",
            target_type: "Directory",
            target_id: &row.id,
            before: None,
            after: Some(json!({"name": name})),
        },
    )?;
    let token = issue_token(conn, &row.id, "initial", actor, now)?;
    Ok((row, token))
}

/// Issues a new token for a directory.
pub fn issue_token(
    conn: &mut DbConn,
    directory_id: &str,
    name: &str,
    actor: &Actor,
    now: i64,
) -> StoreResult<IssuedToken> {
    // The local directory holds what admins make; no IdP writes to it.
    if directory_id == super::LOCAL_DIRECTORY {
        return Err(StoreError::NotFound);
    }
    directories::find(conn, directory_id)?;
    let secret = new_secret();
    let row = DirectoryTokenRow {
        id: crate::access::new_id(now),
        directory_id: directory_id.to_owned(),
        name: name.to_owned(),
        token_hash: hash_token(&secret),
        created_at: now,
        revoked_at: None,
    };
    directories::insert_token(conn, &row)?;
    audit::record(
        conn,
        &context(directory_id, actor, now),
        Change {
            action: "token.created",
            target_type: "DirectoryToken",
            target_id: &row.id,
            before: None,
            after: Some(json!({"name": name})),
        },
    )?;
    Ok(IssuedToken { id: row.id, secret })
}

/// Revokes a token; an unknown or already revoked token is `NotFound`.
pub fn revoke_token(conn: &mut DbConn, token_id: &str, actor: &Actor, now: i64) -> StoreResult<()> {
    let token = directories::find_token(conn, token_id)?;
    if directories::revoke_token(conn, token_id, now)? == 0 {
        return Err(StoreError::NotFound);
    }
    audit::record(
        conn,
        &context(&token.directory_id, actor, now),
        Change {
            action: "token.revoked",
            target_type: "DirectoryToken",
            target_id: token_id,
            before: None,
            after: None,
        },
    )?;
    Ok(())
}

/// A directory as the admin API shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DirectoryView {
    pub id: String,
    pub name: String,
    pub created: String,
    /// Attributes no schema defines are refused (400) instead of kept.
    pub strict_schema: bool,
    pub last_successful_push: Option<String>,
}

impl From<DirectoryRow> for DirectoryView {
    fn from(row: DirectoryRow) -> Self {
        DirectoryView {
            id: row.id,
            name: row.name,
            created: format_time(row.created_at),
            strict_schema: row.strict_schema,
            last_successful_push: row.last_push_at.map(format_time),
        }
    }
}

/// The directories IdPs push to (not the local one admins fill).
pub fn list(conn: &mut DbConn) -> StoreResult<Vec<DirectoryView>> {
    Ok(directories::list(conn)?
        .into_iter()
        .filter(|d| d.id != super::LOCAL_DIRECTORY)
        .map(DirectoryView::from)
        .collect())
}

/// One directory IdPs push to.
pub fn get(conn: &mut DbConn, id: &str) -> StoreResult<DirectoryView> {
    if id == super::LOCAL_DIRECTORY {
        return Err(StoreError::NotFound);
    }
    Ok(directories::find(conn, id)?.into())
}

/// Sets whether a directory refuses attributes no schema defines (audited).
pub fn set_strict_schema(
    conn: &mut DbConn,
    ctx: &WriteContext,
    id: &str,
    strict: bool,
) -> StoreResult<DirectoryView> {
    let before = get(conn, id)?;
    directories::set_strict_schema(conn, id, strict)?;
    audit::record(
        conn,
        &WriteContext {
            directory_id: id.to_owned(),
            ..ctx.clone()
        },
        Change {
            action: "directory.updated",
            target_type: "Directory",
            target_id: id,
            before: Some(json!({"strict_schema": before.strict_schema})),
            after: Some(json!({"strict_schema": strict})),
        },
    )?;
    get(conn, id)
}

/// The live token whose secret hashes to `hash` (`hash_token`), if any;
/// requests ask `LiveTokens`, which keeps what this finds a moment.
pub fn authenticate_hash(conn: &mut DbConn, hash: &str) -> StoreResult<Option<DirectoryTokenRow>> {
    match directories::find_live_token(conn, hash) {
        Ok(row) => Ok(Some(row)),
        Err(diesel::result::Error::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

fn context(directory_id: &str, actor: &Actor, now: i64) -> WriteContext {
    WriteContext {
        directory_id: directory_id.to_owned(),
        actor: actor.clone(),
        request_id: None,
        now,
    }
}

/// A directory token as admins see it (never its secret).
#[derive(Debug, Clone, serde::Serialize)]
pub struct TokenView {
    pub id: String,
    pub name: String,
    pub created: String,
    pub revoked: Option<String>,
}

/// A directory's tokens, live and revoked.
pub fn tokens(conn: &mut DbConn, directory_id: &str) -> StoreResult<Vec<TokenView>> {
    Ok(directories::list_tokens(conn, directory_id)?
        .into_iter()
        .map(|t| TokenView {
            id: t.id,
            name: t.name,
            created: format_time(t.created_at),
            revoked: t.revoked_at.map(format_time),
        })
        .collect())
}

/// Folds each directory's kept user-count rows, each value's kept
/// user-count rows, and each product's kept license-count rows, into one
/// (`store::user_counts`, `store::value_counts`, `store::licenses`); the
/// server's upkeep calls it every few seconds, so a count sums a handful
/// of rows however many came and went. Returns how many directories,
/// values and products were folded.
pub fn fold_kept_counts(conn: &mut DbConn) -> StoreResult<usize> {
    Ok(crate::store::user_counts::fold(conn)?
        + crate::store::value_counts::fold(conn)?
        + crate::store::licenses::fold(conn)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_random_prefixed_and_hashed() {
        let a = new_secret();
        let b = new_secret();
        assert_ne!(a, b);
        assert!(a.starts_with("gh_"));
        assert_eq!(a.len(), 3 + 43);
        assert_eq!(hash_token(&a).len(), 64);
        assert_eq!(hash_token(&a), hash_token(&a));
        assert_ne!(hash_token(&a), hash_token(&b));
    }
}
