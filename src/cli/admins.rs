//! Admin access from the command line: admin roles held by persons or IdP
//! groups (`gatehouse admin grant EMAIL org-admin` makes the first org
//! admin), and scoped admin API tokens. Each is one transaction, audited
//! with the operator as actor.

use clap::{Args, Subcommand};
use serde_json::json;

use super::access::print_json;
use super::common::{open_store, operator_context, CliError, DatabaseArgs};
use crate::access::admin_roles::{self, NewRole};
use crate::access::admins::{self, TokenSpec};
use crate::clock::Clock;
use crate::store::StoreError;

/// A role and its scope, as the commands take them.
#[derive(Debug, Args)]
pub struct RoleArgs {
    /// org-admin, site-admin, user-access-admin or auditor.
    pub role: String,
    /// A site-admin's site (id or name).
    #[arg(long)]
    pub site: Option<String>,
    /// A user-access-admin's product (key).
    #[arg(long)]
    pub product: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Grants an admin role to a person (by email), or with `--group` to
    /// the members of an IdP group.
    Grant {
        /// The person's email, or with `--group` the group's displayName.
        who: String,
        #[command(flatten)]
        role: RoleArgs,
        /// `who` names an IdP group, whose members hold the role.
        #[arg(long)]
        group: bool,
        /// With `--group`: only the group of this directory.
        #[arg(long)]
        directory: Option<String>,
        #[command(flatten)]
        database: DatabaseArgs,
        #[arg(long)]
        json: bool,
    },
    /// Removes a grant (by id, from `admin list`).
    Revoke {
        id: String,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Lists who holds which admin role.
    List {
        #[command(flatten)]
        database: DatabaseArgs,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum AdminTokenCommand {
    /// Issues an admin API token carrying one role (shown once).
    Create {
        /// A label for the token.
        #[arg(long, default_value = "admin")]
        name: String,
        /// org-admin, site-admin, user-access-admin or auditor.
        #[arg(long, default_value = "org-admin")]
        role: String,
        /// A site-admin token's site (id or name).
        #[arg(long)]
        site: Option<String>,
        /// A user-access-admin token's product (key).
        #[arg(long)]
        product: Option<String>,
        /// A lifetime: 90d, 2w, 12h, 30m. Without it the token lives until revoked.
        #[arg(long)]
        expires: Option<String>,
        #[command(flatten)]
        database: DatabaseArgs,
        /// Print one JSON object `{"id","token"}`.
        #[arg(long)]
        json: bool,
    },
    /// Lists admin tokens (never their secrets).
    List {
        #[command(flatten)]
        database: DatabaseArgs,
        #[arg(long)]
        json: bool,
    },
    /// Revokes an admin token.
    Revoke {
        /// The token's id (not its secret).
        token_id: String,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

/// `gatehouse admin …`.
pub fn admin(command: AdminCommand, clock: &dyn Clock) -> Result<(), CliError> {
    match command {
        AdminCommand::Grant {
            who,
            role,
            group,
            directory,
            database,
            json,
        } => {
            let store = open_store(&database)?;
            let (email, group) = if group {
                (None, Some(who))
            } else {
                (Some(who), None)
            };
            let new = NewRole {
                role: role.role,
                site: role.site,
                product: role.product,
                email,
                group,
                directory,
            };
            let ctx = operator_context(clock);
            let (view, fresh) = store.write_now(|conn| admin_roles::grant(conn, &ctx, &new))?;
            if json {
                print_json(&view);
            } else {
                let holder = view
                    .email
                    .clone()
                    .or(view.group.clone())
                    .unwrap_or_default();
                let verb = if fresh { "granted" } else { "already held" };
                println!("{} {verb}: {holder} ({})", view.role, view.id);
            }
            Ok(())
        }
        AdminCommand::Revoke { id, database } => {
            let store = open_store(&database)?;
            let ctx = operator_context(clock);
            store.write_now(|conn| admin_roles::revoke(conn, &ctx, &id))?;
            println!("admin role {id} revoked");
            Ok(())
        }
        AdminCommand::List { database, json } => {
            let store = open_store(&database)?;
            let roles = store.read_now(|conn| admin_roles::list(conn).map_err(CliError::from))?;
            for r in roles {
                if json {
                    print_json(&r);
                    continue;
                }
                let holder = match (&r.email, &r.group) {
                    (Some(email), _) => email.clone(),
                    (None, Some(group)) => format!("group \"{group}\""),
                    _ => String::new(),
                };
                let scope = r
                    .site
                    .as_ref()
                    .map(|s| format!(" site {s}"))
                    .or(r.product.as_ref().map(|p| format!(" product {p}")))
                    .unwrap_or_default();
                println!("{}  {}{scope}  {holder}", r.id, r.role);
            }
            Ok(())
        }
    }
}

/// `gatehouse admin-token …`.
pub fn admin_token(command: AdminTokenCommand, clock: &dyn Clock) -> Result<(), CliError> {
    match command {
        AdminTokenCommand::Create {
            name,
            role,
            site,
            product,
            expires,
            database,
            json,
        } => {
            let store = open_store(&database)?;
            let ctx = operator_context(clock);
            let expires_at = match expires.as_deref() {
                Some(text) => Some(ctx.now + admins::parse_lifetime(text)?),
                None => None,
            };
            let token = store.write_now(|conn| {
                let spec = TokenSpec {
                    name: name.clone(),
                    held: admin_roles::scoped(conn, &role, site.as_deref(), product.as_deref())?,
                    expires_at,
                };
                Ok::<_, CliError>(admins::issue(conn, &ctx, &spec)?)
            })?;
            if json {
                print_json(&json!({"id": token.id, "token": token.secret, "role": role}));
            } else {
                println!(
                    "admin token id: {}\nrole:           {role}\ntoken:          {}",
                    token.id, token.secret
                );
                println!("(the token is shown only now)");
            }
            Ok(())
        }
        AdminTokenCommand::List { database, json } => {
            let store = open_store(&database)?;
            let now = clock.now_micros();
            let tokens = store.read_now(|conn| admins::list(conn, now).map_err(CliError::from))?;
            for t in tokens {
                if json {
                    print_json(&t);
                } else {
                    let scope = t.site.as_ref().or(t.product.as_ref());
                    println!(
                        "{}  {}  {}{}  {}",
                        t.id,
                        t.name,
                        t.role,
                        scope.map(|s| format!(" {s}")).unwrap_or_default(),
                        t.status
                    );
                }
            }
            Ok(())
        }
        AdminTokenCommand::Revoke { token_id, database } => {
            let store = open_store(&database)?;
            let ctx = operator_context(clock);
            store
                .write_now(|conn| admins::revoke(conn, &ctx, &token_id))
                .map_err(|e| match e {
                    StoreError::NotFound => {
                        CliError::Usage(format!("no live admin token {token_id}"))
                    }
                    e => e.into(),
                })?;
            println!("admin token {token_id} revoked");
            Ok(())
        }
    }
}
