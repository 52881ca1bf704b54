//! Policy and self-service commands: product tokens, the access policy,
//! access-request review, reports.

use clap::{Args, Subcommand};
use serde_json::json;

use super::common::{open_store, operator, operator_context, CliError, DatabaseArgs};
use crate::access::policy::{self, PolicyFields};
use crate::access::{admins, reports, requests};
use crate::clock::Clock;

#[derive(Debug, Subcommand)]
pub enum ProductTokenCommand {
    /// Issues a product API token (shown once).
    Create {
        #[arg(long, default_value = "product")]
        name: String,
        #[command(flatten)]
        database: DatabaseArgs,
        /// Print one JSON object `{"id","token"}`.
        #[arg(long)]
        json: bool,
    },
    /// Revokes a product API token.
    Revoke {
        token_id: String,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Prints the effective policy (of a site, with --site).
    Show {
        #[arg(long)]
        site: Option<String>,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Sets policy fields from a JSON object, e.g. '{"it_only": true}'.
    Set {
        /// Any subset of it_only, access_requests, invitations,
        /// approved_domains, auto_access, verified_domains.
        fields: String,
        #[arg(long)]
        site: Option<String>,
        /// With IT-only mode on: also remove access not from synced groups.
        #[arg(long)]
        revoke_non_synced: bool,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum RequestsCommand {
    /// Lists access requests (pending by default).
    List {
        #[arg(long, default_value = "pending")]
        status: String,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Approves a request.
    Approve {
        id: String,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Denies a request (the subject can't ask for that product again).
    Deny {
        id: String,
        #[arg(long)]
        message: Option<String>,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// `access`, `non-synced-access` or `licenses`.
    kind: String,
    #[command(flatten)]
    database: DatabaseArgs,
}

fn print(value: &impl serde::Serialize) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_default()
    );
}

/// `gatehouse product-token …`.
pub fn product_token(command: ProductTokenCommand, clock: &dyn Clock) -> Result<(), CliError> {
    match command {
        ProductTokenCommand::Create {
            name,
            database,
            json,
        } => {
            let store = open_store(&database)?;
            let token = store.write_now(|conn| {
                admins::issue_product_token(conn, &name, &operator(), clock.now_micros())
            })?;
            if json {
                println!("{}", json!({"id": token.id, "token": token.secret}));
            } else {
                println!(
                    "product token id: {}\ntoken:            {}",
                    token.id, token.secret
                );
                println!("(the token is shown only now)");
            }
            Ok(())
        }
        ProductTokenCommand::Revoke { token_id, database } => {
            let store = open_store(&database)?;
            store
                .write_now(|conn| {
                    admins::revoke_product_token(conn, &token_id, &operator(), clock.now_micros())
                })
                .map_err(|e| match e {
                    crate::store::StoreError::NotFound => {
                        CliError::Usage(format!("no live product token {token_id}"))
                    }
                    e => e.into(),
                })?;
            println!("product token {token_id} revoked");
            Ok(())
        }
    }
}

/// `gatehouse policy …`.
pub fn policy(command: PolicyCommand, clock: &dyn Clock) -> Result<(), CliError> {
    match command {
        PolicyCommand::Show { site, database } => {
            let store = open_store(&database)?;
            print(&store.read_now(|conn| policy::view(conn, site.as_deref()))?);
            Ok(())
        }
        PolicyCommand::Set {
            fields,
            site,
            revoke_non_synced,
            database,
        } => {
            let changes: PolicyFields = serde_json::from_str(&fields)
                .map_err(|e| CliError::Usage(format!("policy fields: {e}")))?;
            let store = open_store(&database)?;
            let out = store.write_now(|conn| {
                let ctx = operator_context(clock);
                let (view, locked_now) = policy::update(conn, &ctx, site.as_deref(), &changes)?;
                let lockdown = if locked_now || (revoke_non_synced && view.effective.it_only) {
                    Some(reports::lockdown(
                        conn,
                        &ctx,
                        &view.scope,
                        locked_now,
                        revoke_non_synced,
                    )?)
                } else {
                    None
                };
                Ok::<_, crate::access::AccessError>(json!({"policy": view, "lockdown": lockdown}))
            })?;
            print(&out);
            Ok(())
        }
    }
}

/// `gatehouse requests …`.
pub fn requests(command: RequestsCommand, clock: &dyn Clock) -> Result<(), CliError> {
    match command {
        RequestsCommand::List { status, database } => {
            let store = open_store(&database)?;
            print(&store.read_now(|conn| requests::list(conn, Some(&status)))?);
        }
        RequestsCommand::Approve { id, database } => {
            let store = open_store(&database)?;
            print(&store.write_now(|conn| requests::approve(conn, &operator_context(clock), &id))?);
        }
        RequestsCommand::Deny {
            id,
            message,
            database,
        } => {
            let store = open_store(&database)?;
            print(&store.write_now(|conn| {
                requests::deny(conn, &operator_context(clock), &id, message.as_deref())
            })?);
        }
    }
    Ok(())
}

/// `gatehouse report KIND`.
pub fn report(args: ReportArgs) -> Result<(), CliError> {
    let store = open_store(&args.database)?;
    match args.kind.as_str() {
        "access" => print(&store.read_now(|conn| reports::access(conn, None, None))?),
        "non-synced-access" => {
            print(&store.read_now(|conn| reports::non_synced(conn, None, None))?)
        }
        "licenses" => print(&store.read_now(reports::licenses)?),
        "leavers" => print(&store.read_now(crate::access::person_views::leavers)?),
        other => {
            return Err(CliError::Usage(format!(
                "report is access, non-synced-access, licenses or leavers, not \"{other}\""
            )))
        }
    }
    Ok(())
}
