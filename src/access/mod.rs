//! The domain: directories and their tokens, provisioning of users and
//! groups from a directory, the access model (sites, products, mappings,
//! effective access, licensing), and the audit trail of every change.

pub mod access_report;
pub mod accounts;
pub mod admin_roles;
pub mod admins;
pub mod audit;
pub mod auto_access;
pub mod catalog;
pub mod console_sessions;
pub mod decisions;
pub mod directories;
pub mod effective;
pub mod emails;
pub mod error;
pub mod finder;
pub mod guests;
pub mod invitations;
pub mod invite_links;
pub mod license_history;
pub mod licensing;
pub mod live_tokens;
pub mod local_groups;
pub mod mappings;
pub mod oidc_logins;
pub mod people;
pub mod person_views;
pub mod persons;
pub mod policy;
pub mod policy_changes;
pub mod products;
pub mod provisioning;
pub mod reports;
pub mod requests;
pub mod roles;
pub mod schemas;
pub mod signups;
pub mod sources;
pub mod sync_health;

pub use crate::store::directories::LOCAL_DIRECTORY;
pub use error::AccessError;

/// Who made a change, as recorded in the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub kind: ActorKind,
    pub id: String,
    /// The person behind the change: the signed-in admin's email, or a
    /// token's owner.
    pub person: Option<String>,
    /// The admin role (and scope) the change was made under.
    pub held: Option<roles::Held>,
}

impl Actor {
    /// An actor with no person or role behind it (a directory's token, the
    /// operator's command line, the system).
    pub fn new(kind: ActorKind, id: impl Into<String>) -> Actor {
        Actor {
            kind,
            id: id.into(),
            person: None,
            held: None,
        }
    }

    /// Who this is, as a record of who made something says it: the person
    /// behind the actor, else `kind:id` (`cli:alice`, `admin_token:…`).
    pub fn name(&self) -> String {
        self.person
            .clone()
            .unwrap_or_else(|| format!("{}:{}", self.kind.as_str(), self.id))
    }
}

/// The kinds of actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActorKind {
    /// A directory's SCIM bearer token (id = token id).
    DirectoryToken,
    /// The command-line tool run by an operator on the server.
    Cli,
    /// An admin API bearer token (id = token id).
    AdminToken,
    /// A product API bearer token (id = token id).
    ProductToken,
    /// The operator, signed in to the console with a one-time link from
    /// `gatehouse console link` (id = link id).
    ConsoleLink,
    /// A person signed in to the console with the company's identity
    /// provider (id = their folded email).
    Person,
}

impl ActorKind {
    /// The name stored in the audit log.
    pub fn as_str(self) -> &'static str {
        match self {
            ActorKind::DirectoryToken => "directory_token",
            ActorKind::Cli => "cli",
            ActorKind::AdminToken => "admin_token",
            ActorKind::ProductToken => "product_token",
            ActorKind::ConsoleLink => "console_link",
            ActorKind::Person => "person",
        }
    }
}

/// Everything a write needs to know about the request making it.
#[derive(Debug, Clone)]
pub struct WriteContext {
    pub directory_id: String,
    pub actor: Actor,
    pub request_id: Option<String>,
    /// The time of the change, microseconds since the epoch.
    pub now: i64,
}

impl WriteContext {
    /// A change by `actor` at `now` outside any directory's requests (an
    /// operator's command, a token issued, a console sign-in).
    pub fn local(actor: &Actor, now: i64) -> WriteContext {
        WriteContext {
            directory_id: LOCAL_DIRECTORY.to_owned(),
            actor: actor.clone(),
            request_id: None,
            now,
        }
    }
}

/// A new id for a row the access layer creates. Version 7 UUIDs start with
/// the time, so new rows land at the right edge of every index keyed by id
/// (users, memberships, emails, audit targets) instead of dirtying a random
/// page of each: fewer pages per commit, warmer caches. Ids stay opaque to
/// clients; the creation time they reveal is in `meta.created` anyway.
///
/// The time comes from the caller's clock (the change's `now`), so a test
/// that fixes the clock fixes the time in every id too. Ids made in the same
/// millisecond still sort in the order they were made: one shared counter
/// context, as `Uuid::now_v7` keeps, orders them.
pub fn new_id(now_micros: i64) -> String {
    static SEQUENCE: std::sync::LazyLock<std::sync::Mutex<uuid::ContextV7>> =
        std::sync::LazyLock::new(|| std::sync::Mutex::new(uuid::ContextV7::new()));
    let micros = u64::try_from(now_micros).unwrap_or(0);
    let seconds = micros / 1_000_000;
    let nanos = u32::try_from(micros % 1_000_000).unwrap_or(0) * 1_000;
    uuid::Uuid::new_v7(uuid::Timestamp::from_unix(&*SEQUENCE, seconds, nanos)).to_string()
}
