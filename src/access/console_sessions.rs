//! Console sign-in: one-time links the operator prints on the server, the
//! sessions they (or a pasted admin token) open, and sign-out. Secrets are
//! random, shown once, and stored only as SHA-256 hashes, like tokens.

use serde_json::json;

use super::admin_roles;
use super::audit::{self, Change};
use super::directories::{hash_token, new_secret};
use super::roles::{Held, Need, Role, Standing};
use super::{Actor, ActorKind, WriteContext};
use crate::store::models::{ConsoleLinkRow, ConsoleSessionRow};
use crate::store::{admin_tokens, console, DbConn, StoreResult};

const MINUTE: i64 = 60 * 1_000_000;

/// How long a printed sign-in link can be used (once).
pub const LINK_LIFETIME: i64 = 10 * MINUTE;
/// A session unused this long is over.
pub const IDLE_TIMEOUT: i64 = 30 * MINUTE;
/// A session is over this long after sign-in, however active.
pub const ABSOLUTE_LIFETIME: i64 = 12 * 60 * MINUTE;
/// `last_seen_at` is written at most this often, so page views stay reads.
const TOUCH_EVERY: i64 = MINUTE;

/// A link as printed: the secret is here and nowhere else.
pub struct IssuedLink {
    pub id: String,
    pub secret: String,
    pub expires_at: i64,
}

/// A live session: who is signed in, and the form token its pages carry.
#[derive(Debug, Clone)]
pub struct ConsoleSession {
    pub id: String,
    pub actor: Actor,
    pub csrf_token: String,
    /// Who is signed in, as the page header says it.
    pub who: String,
    /// The admin roles held now: a person's are found afresh on every
    /// request, so a change takes effect on the next one.
    pub standing: Standing,
    /// `last_seen_at` is older than a minute: the caller should `touch`.
    pub stale: bool,
}

/// Why a sign-in was refused; the page says which.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInRefused {
    /// The link is unknown, used already, or past its ten minutes.
    LinkSpent,
    /// No live admin token has this secret.
    UnknownToken,
    /// The person signed in with the identity provider but holds no admin role.
    NoRole,
}

/// Issues a one-time sign-in link (audited as the operator's).
pub fn issue_link(conn: &mut DbConn, actor: &Actor, now: i64) -> StoreResult<IssuedLink> {
    let secret = new_secret();
    let row = ConsoleLinkRow {
        id: super::new_id(now),
        secret_hash: hash_token(&secret),
        created_at: now,
        expires_at: now + LINK_LIFETIME,
        used_at: None,
    };
    console::insert_link(conn, &row)?;
    audit::record(
        conn,
        &WriteContext::local(actor, now),
        Change {
            action: "console.link_issued",
            target_type: "ConsoleLink",
            target_id: &row.id,
            before: None,
            after: Some(json!({"expires_at": row.expires_at})),
        },
    )?;
    Ok(IssuedLink {
        id: row.id,
        secret,
        expires_at: row.expires_at,
    })
}

/// Signs in with a link's secret, spending the link; the new session's
/// secret, for its cookie (shown nowhere else).
pub fn sign_in_with_link(
    conn: &mut DbConn,
    secret: &str,
    request_id: Option<String>,
    now: i64,
) -> StoreResult<Result<String, SignInRefused>> {
    let Some(link_id) = console::use_link(conn, &hash_token(secret), now)? else {
        return Ok(Err(SignInRefused::LinkSpent));
    };
    // The break-glass way in: audited as the operator's link, as org-admin.
    let actor = Actor {
        held: Some(Held::whole(Role::OrgAdmin)),
        ..Actor::new(ActorKind::ConsoleLink, link_id)
    };
    open(conn, actor, "link", request_id, now).map(Ok)
}

/// Signs in with an admin token's secret; the new session's secret.
pub fn sign_in_with_token(
    conn: &mut DbConn,
    secret: &str,
    request_id: Option<String>,
    now: i64,
) -> StoreResult<Result<String, SignInRefused>> {
    let Some(token) = super::admins::authenticate(conn, secret.trim(), now)? else {
        return Ok(Err(SignInRefused::UnknownToken));
    };
    let actor = Actor {
        person: token.owner.clone(),
        held: admin_roles::of_token(&token).admit(Need::Read).ok(),
        ..Actor::new(ActorKind::AdminToken, token.id.clone())
    };
    open(conn, actor, "admin_token", request_id, now).map(Ok)
}

/// Signs in a person the identity provider vouched for (folded email),
/// if they hold an admin role now; the new session's secret.
pub fn sign_in_as_person(
    conn: &mut DbConn,
    email_key: &str,
    request_id: Option<String>,
    now: i64,
) -> StoreResult<Result<String, SignInRefused>> {
    let standing = admin_roles::of_person(conn, email_key)?;
    if standing.is_empty() {
        return Ok(Err(SignInRefused::NoRole));
    }
    let actor = Actor {
        person: Some(email_key.to_owned()),
        held: standing.admit(Need::Read).ok(),
        ..Actor::new(ActorKind::Person, email_key)
    };
    open(conn, actor, "oidc", request_id, now).map(Ok)
}

fn open(
    conn: &mut DbConn,
    actor: Actor,
    method: &str,
    request_id: Option<String>,
    now: i64,
) -> StoreResult<String> {
    let secret = new_secret();
    let row = ConsoleSessionRow {
        id: super::new_id(now),
        secret_hash: hash_token(&secret),
        actor_kind: actor.kind.as_str().to_owned(),
        actor_id: actor.id.clone(),
        csrf_token: new_secret(),
        created_at: now,
        last_seen_at: now,
        expires_at: now + ABSOLUTE_LIFETIME,
        ended_at: None,
    };
    console::insert_session(conn, &row)?;
    let mut ctx = WriteContext::local(&actor, now);
    ctx.request_id = request_id;
    audit::record(
        conn,
        &ctx,
        Change {
            action: "console.signed_in",
            target_type: "ConsoleSession",
            target_id: &row.id,
            before: None,
            after: Some(json!({"method": method})),
        },
    )?;
    Ok(secret)
}

/// The live session a cookie's secret belongs to: not signed out, not
/// idle for `IDLE_TIMEOUT`, not past its absolute end, and, when opened
/// with an admin token, that token not revoked since.
pub fn authenticate(
    conn: &mut DbConn,
    secret: &str,
    now: i64,
) -> StoreResult<Option<ConsoleSession>> {
    let Some(row) = console::find_session(conn, &hash_token(secret))? else {
        return Ok(None);
    };
    if row.ended_at.is_some() || now >= row.expires_at || now - row.last_seen_at >= IDLE_TIMEOUT {
        return Ok(None);
    }
    // Who signed in and what they hold now: the operator's link is the
    // break-glass way in (org-admin); a token's session ends with the
    // token; a person's with their last admin role.
    let (actor, who, standing) = match row.actor_kind.as_str() {
        "console_link" => (
            Actor {
                held: Some(Held::whole(Role::OrgAdmin)),
                ..Actor::new(ActorKind::ConsoleLink, row.actor_id)
            },
            "Operator (sign-in link)".to_owned(),
            Standing {
                holds: vec![Held::whole(Role::OrgAdmin)],
            },
        ),
        "admin_token" => match admin_tokens::live_by_id(conn, &row.actor_id, now)? {
            Some(token) => {
                let standing = admin_roles::of_token(&token);
                (
                    Actor {
                        person: token.owner.clone(),
                        held: standing.admit(Need::Read).ok(),
                        ..Actor::new(ActorKind::AdminToken, row.actor_id)
                    },
                    format!("Admin token \u{201c}{}\u{201d}", token.name),
                    standing,
                )
            }
            None => return Ok(None),
        },
        "person" => {
            let standing = admin_roles::of_person(conn, &row.actor_id)?;
            if standing.is_empty() {
                return Ok(None);
            }
            (
                Actor {
                    person: Some(row.actor_id.clone()),
                    held: standing.admit(Need::Read).ok(),
                    ..Actor::new(ActorKind::Person, row.actor_id.clone())
                },
                row.actor_id,
                standing,
            )
        }
        _ => return Ok(None),
    };
    Ok(Some(ConsoleSession {
        who,
        stale: now - row.last_seen_at >= TOUCH_EVERY,
        id: row.id,
        actor,
        standing,
        csrf_token: row.csrf_token,
    }))
}

/// Records that a session was used now (it stays alive for another idle period).
pub fn touch(conn: &mut DbConn, session_id: &str, now: i64) -> StoreResult<()> {
    Ok(console::touch_session(conn, session_id, now)?)
}

/// Signs a session out; audited.
pub fn sign_out(conn: &mut DbConn, session: &ConsoleSession, now: i64) -> StoreResult<()> {
    if console::end_session(conn, &session.id, now)? == 1 {
        audit::record(
            conn,
            &WriteContext::local(&session.actor, now),
            Change {
                action: "console.signed_out",
                target_type: "ConsoleSession",
                target_id: &session.id,
                before: None,
                after: None,
            },
        )?;
    }
    Ok(())
}
