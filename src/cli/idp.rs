//! Operator commands for IdP compatibility: extension schemas, and a
//! directory's sync health and `strict_schema` setting.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use serde_json::Value;

use super::common::{open_store, operator_context, CliError, DatabaseArgs};
use crate::access::{directories, schemas, sync_health, AccessError};
use crate::clock::Clock;
use crate::scim::schema::SchemaRegistry;

#[derive(Debug, Subcommand)]
pub enum SchemaCommand {
    /// Registers an extension schema from an RFC 7643 §7 JSON document.
    Add {
        /// The schema document (JSON).
        file: PathBuf,
        /// User or Group; by default read from the URN (`…:Group`), else User.
        #[arg(long)]
        resource_type: Option<String>,
        #[command(flatten)]
        database: DatabaseArgs,
        #[arg(long)]
        json: bool,
    },
    /// Lists registered extension schemas.
    List {
        #[command(flatten)]
        database: DatabaseArgs,
        #[arg(long)]
        json: bool,
    },
    /// Removes a registered extension schema (values stay on resources).
    Remove {
        urn: String,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

/// `gatehouse directory health ID`.
#[derive(Debug, Args)]
pub struct HealthArgs {
    /// The directory's id.
    pub id: String,
    /// Most issues listed, newest first.
    #[arg(long, default_value_t = 20)]
    pub issues: i64,
    #[command(flatten)]
    pub database: DatabaseArgs,
    #[arg(long)]
    pub json: bool,
}

/// `gatehouse directory set ID --strict-schema true|false`.
#[derive(Debug, Args)]
pub struct SetArgs {
    /// The directory's id.
    pub id: String,
    /// Refuse (400) attributes no schema defines instead of keeping them.
    #[arg(long, action = clap::ArgAction::Set)]
    pub strict_schema: bool,
    #[command(flatten)]
    pub database: DatabaseArgs,
    #[arg(long)]
    pub json: bool,
}

pub fn schema(command: SchemaCommand, clock: &dyn Clock) -> Result<(), CliError> {
    match command {
        SchemaCommand::Add {
            file,
            resource_type,
            database,
            json,
        } => {
            let text = std::fs::read_to_string(&file)?;
            let document: Value = serde_json::from_str(&text)
                .map_err(|e| CliError::Usage(format!("{} is not JSON: {e}", file.display())))?;
            let store = open_store(&database)?;
            let live = schemas::LiveSchemas::new(
                SchemaRegistry::load()
                    .map_err(|e| CliError::Usage(format!("scim-schemas are malformed: {e}")))?,
            );
            store.read_now(|conn| live.reload(conn))?;
            let ctx = operator_context(clock);
            let current = live.current();
            let view = store.write_now(|conn| {
                schemas::register(conn, &ctx, &current, &document, resource_type.as_deref())
            })?;
            if json {
                println!("{}", serde_json::to_string(&view).unwrap_or_default());
            } else {
                println!(
                    "registered {} for {} (indexed: {})",
                    view.id,
                    view.resource_type,
                    if view.indexed.is_empty() {
                        "none".to_owned()
                    } else {
                        view.indexed.join(", ")
                    }
                );
                println!("a running server picks it up within 10 seconds");
            }
            Ok(())
        }
        SchemaCommand::List { database, json } => {
            let store = open_store(&database)?;
            for view in store.read_now(schemas::list)? {
                if json {
                    println!("{}", serde_json::to_string(&view).unwrap_or_default());
                } else {
                    println!("{}  {}  {}", view.id, view.resource_type, view.name);
                }
            }
            Ok(())
        }
        SchemaCommand::Remove { urn, database } => {
            let store = open_store(&database)?;
            let ctx = operator_context(clock);
            store.write_now(|conn| schemas::remove(conn, &ctx, &urn))?;
            println!("schema {urn} removed");
            Ok(())
        }
    }
}

pub fn health(args: HealthArgs, clock: &dyn Clock) -> Result<(), CliError> {
    let store = open_store(&args.database)?;
    let report = store.read_now(|conn| {
        sync_health::report(
            conn,
            &args.id,
            clock.now_micros(),
            args.issues.clamp(1, 1000),
        )
    })?;
    if args.json {
        println!("{}", serde_json::to_string(&report).unwrap_or_default());
        return Ok(());
    }
    println!(
        "directory:     {} ({}){}",
        report.directory.name,
        report.directory.id,
        if report.directory.strict_schema {
            ", strict schema"
        } else {
            ""
        }
    );
    println!(
        "last push:     {}",
        report.last_successful_push.as_deref().unwrap_or("never")
    );
    let by_status: Vec<String> = report
        .requests_24h
        .by_status
        .iter()
        .map(|(s, n)| format!("{s}: {n}"))
        .collect();
    println!(
        "requests 24 h: {} ({})",
        report.requests_24h.total,
        by_status.join(", ")
    );
    println!("issues (newest first):");
    if report.issues.is_empty() {
        println!("  none");
    }
    for i in &report.issues {
        println!(
            "  {}  {:<14} {} {} -> {} {}{}",
            i.at,
            i.kind,
            i.method,
            i.path,
            i.status,
            i.scim_type
                .as_deref()
                .map(|t| format!("{t}: "))
                .unwrap_or_default(),
            i.detail
        );
    }
    println!("attributes no schema defines:");
    if report.unregistered_attributes.is_empty() {
        println!("  none");
    }
    for a in &report.unregistered_attributes {
        let name = match &a.schema {
            Some(urn) => format!("{urn}:{}", a.name),
            None => a.name.clone(),
        };
        println!(
            "  {} {}  seen {} times, e.g. {}",
            a.resource_type, name, a.count, a.example
        );
    }
    Ok(())
}

pub fn set(args: SetArgs, clock: &dyn Clock) -> Result<(), CliError> {
    let store = open_store(&args.database)?;
    let ctx = operator_context(clock);
    let view = store
        .write_now(|conn| {
            directories::set_strict_schema(conn, &ctx, &args.id, args.strict_schema)
                .map_err(AccessError::from)
        })
        .map_err(|e| match e {
            AccessError::Store(crate::store::StoreError::NotFound) => {
                CliError::Usage(format!("no directory {}", args.id))
            }
            e => e.into(),
        })?;
    if args.json {
        println!("{}", serde_json::to_string(&view).unwrap_or_default());
    } else {
        println!(
            "directory {}: strict_schema = {}",
            view.id, view.strict_schema
        );
    }
    Ok(())
}
