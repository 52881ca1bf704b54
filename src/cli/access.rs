//! Access-model commands: sites, products, mappings, a
//! user's access, licenses. Each is one transaction, audited with the
//! operator as actor.

use clap::{Args, Subcommand};
use serde_json::Value;

use super::common::{open_store, operator_context, CliError, DatabaseArgs};
use crate::access::mappings::NewMapping;
use crate::access::products::NewProduct;
use crate::access::{effective, licensing, mappings, products};
use crate::clock::Clock;

#[derive(Debug, Subcommand)]
pub enum SiteCommand {
    /// Creates a site.
    Add {
        name: String,
        #[command(flatten)]
        database: DatabaseArgs,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ProductCommand {
    /// Creates a product (and its default group) on a site.
    Add {
        /// The product key, unique in the organization (e.g. `jira-software`).
        key: String,
        /// The site's id or name.
        #[arg(long)]
        site: String,
        /// A display name (default: the key).
        #[arg(long)]
        name: Option<String>,
        /// Most licenses the product may use.
        #[arg(long)]
        license_cap: Option<i64>,
        /// A service desk (adds the `customer` role).
        #[arg(long)]
        service_desk: bool,
        #[command(flatten)]
        database: DatabaseArgs,
        #[arg(long)]
        json: bool,
    },
    /// Lists products.
    List {
        #[command(flatten)]
        database: DatabaseArgs,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub struct MapArgs {
    /// The group's id or displayName (it may not have been pushed yet).
    group: String,
    /// The product key.
    product: String,
    /// The role: user, admin, user-access-admin, guest or customer.
    role: String,
    /// Only a group of this directory.
    #[arg(long)]
    directory: Option<String>,
    /// Why a local group must grant access while IT-only mode is on.
    #[arg(long)]
    break_glass_reason: Option<String>,
    #[command(flatten)]
    database: DatabaseArgs,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct AccessArgs {
    /// The user's id.
    user: String,
    #[command(flatten)]
    database: DatabaseArgs,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct LicensesArgs {
    #[command(flatten)]
    database: DatabaseArgs,
    #[arg(long)]
    json: bool,
}

pub(super) fn print_json(value: &impl serde::Serialize) {
    println!("{}", serde_json::to_string(value).unwrap_or_default());
}

/// `gatehouse site …`.
pub fn site(command: SiteCommand, clock: &dyn Clock) -> Result<(), CliError> {
    let SiteCommand::Add {
        name,
        database,
        json,
    } = command;
    let store = open_store(&database)?;
    let site =
        store.write_now(|conn| products::create_site(conn, &operator_context(clock), &name))?;
    if json {
        print_json(&site);
    } else {
        println!("site {} ({})", site.name, site.id);
    }
    Ok(())
}

/// `gatehouse product …`.
pub fn product(command: ProductCommand, clock: &dyn Clock) -> Result<(), CliError> {
    match command {
        ProductCommand::Add {
            key,
            site,
            name,
            license_cap,
            service_desk,
            database,
            json,
        } => {
            let store = open_store(&database)?;
            let new = NewProduct {
                site,
                key,
                name,
                license_cap,
                service_desk: service_desk.then_some(true),
                anonymous_access: false,
                invite_mode: None,
            };
            let product = store.write_now(|conn| {
                products::create_product(conn, &operator_context(clock), new.clone())
            })?;
            if json {
                print_json(&product);
            } else {
                println!(
                    "product {} on site {}; roles {}; default group {}",
                    product.key,
                    product.site,
                    product.roles.join(", "),
                    product
                        .default_group
                        .get("displayName")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                );
            }
            Ok(())
        }
        ProductCommand::List { database, json } => {
            let store = open_store(&database)?;
            for p in store.read_now(|conn| products::list(conn).map_err(CliError::from))? {
                if json {
                    print_json(&p);
                } else {
                    println!("{}  {}  cap {:?}", p.key, p.name, p.license_cap);
                }
            }
            Ok(())
        }
    }
}

/// `gatehouse map GROUP PRODUCT ROLE`.
pub fn map(args: MapArgs, clock: &dyn Clock) -> Result<(), CliError> {
    let store = open_store(&args.database)?;
    let new = NewMapping {
        group: args.group,
        product: args.product,
        role: args.role,
        directory: args.directory,
        break_glass_reason: args.break_glass_reason,
    };
    let (mapping, _) = store
        .write_now(|conn| mappings::create(conn, &operator_context(clock), new.clone()))
        .map_err(CliError::from)?;
    if args.json {
        print_json(&mapping);
    } else {
        println!(
            "mapping {}: group {} → {}:{} ({})",
            mapping.id,
            mapping
                .group
                .get("displayName")
                .and_then(Value::as_str)
                .unwrap_or_default(),
            mapping.product,
            mapping.role,
            mapping.status
        );
    }
    Ok(())
}

/// `gatehouse access USER`.
pub fn access(args: AccessArgs) -> Result<(), CliError> {
    let store = open_store(&args.database)?;
    let access = store.read_now(|conn| effective::of_user(conn, &args.user))?;
    if args.json {
        print_json(&access);
        return Ok(());
    }
    println!(
        "{} ({}){}",
        access.user_name,
        access.user,
        match (access.active, access.suspended) {
            (false, _) => " — deactivated",
            (true, true) => " — suspended",
            _ => "",
        }
    );
    if access.entitlements.is_empty() {
        println!("  no product access");
    }
    for e in &access.entitlements {
        let via: Vec<&str> = e.via.iter().map(|v| v.display_name.as_str()).collect();
        println!("  {}:{}  via {}", e.product, e.role, via.join(", "));
    }
    Ok(())
}

/// `gatehouse licenses`.
pub fn licenses(args: LicensesArgs) -> Result<(), CliError> {
    let store = open_store(&args.database)?;
    let all = store.read_now(licensing::all)?;
    for l in all {
        if args.json {
            print_json(&l);
        } else {
            match l.cap {
                Some(cap) => println!("{}  {} / {}", l.product, l.used, cap),
                None => println!("{}  {}", l.product, l.used),
            }
        }
    }
    Ok(())
}
