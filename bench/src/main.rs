//! `gatehouse-bench`: replays identity-provider workloads against a running
//! SCIM server and prints (and writes) JSON figures per scenario.

mod client;
mod scenarios;
mod stats;

use std::process::ExitCode;

use clap::{Parser, ValueEnum};
use serde_json::{json, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Scenario {
    Provision,
    Resync,
    Query,
    BigGroup,
    /// `userName eq` lookups only (not part of `all`).
    Lookup,
    /// `POST /Users` only (not part of `all`): `--users` new users
    /// numbered from `--first`.
    Create,
    /// A seeded directory's probe, startIndex import and equality filters
    /// (not part of `all`).
    IdpReads,
    /// An auditor's compliance filters over a seeded directory with groups
    /// (not part of `all`).
    Auditor,
    /// `GET /healthz` only: the ceiling the other scenarios are read
    /// against (every scenario runs it first, unless `--no-ceiling`).
    Ceiling,
    All,
}

/// Replays IdP sync workloads against a SCIM server.
#[derive(Debug, Parser)]
#[command(name = "gatehouse-bench")]
struct Args {
    /// SCIM base URL, e.g. http://127.0.0.1:8080/scim/v2
    #[arg(long)]
    base: String,
    /// Bearer token (omit for servers without authentication).
    #[arg(long)]
    token: Option<String>,
    #[arg(long, value_enum, default_value = "all")]
    scenario: Scenario,
    #[arg(long, default_value_t = 10_000)]
    users: usize,
    #[arg(long, default_value_t = 100)]
    groups: usize,
    /// Members per group in `provision`.
    #[arg(long, default_value_t = 300)]
    members: usize,
    #[arg(long, default_value_t = 8)]
    concurrency: usize,
    /// Group sizes for `big-group`, comma-separated.
    #[arg(long, default_value = "1000,10000")]
    big_sizes: String,
    /// Add/remove rounds per size in `big-group`.
    #[arg(long, default_value_t = 20)]
    rounds: usize,
    /// Repeats of each filter and group read in `query`.
    #[arg(long, default_value_t = 20)]
    repeats: usize,
    /// `create`: the number of the first user it creates (past the
    /// users an earlier `provision` made on the same directory).
    #[arg(long, default_value_t = 0)]
    first: usize,
    /// Lookups in `lookup`.
    #[arg(long, default_value_t = 20_000)]
    lookups: usize,
    /// Health checks in `ceiling`. Enough for a few seconds: runs of
    /// 20,000 (a third of a second) put one server anywhere between 48k
    /// and 90k a second; runs of 200,000 between 53k and 58k.
    #[arg(long, default_value_t = 200_000)]
    ceiling_requests: usize,
    /// Skip the ceiling (for a server without `GET /healthz` at its origin).
    #[arg(long)]
    no_ceiling: bool,
    /// A label for the run (server and database).
    #[arg(long, default_value = "gatehouse")]
    label: String,
    /// Open a new connection for every request (for HTTP/1.0 servers).
    #[arg(long)]
    fresh_connections: bool,
    /// Also write the JSON here.
    #[arg(long)]
    out: Option<std::path::PathBuf>,
    /// Gatehouse admin API base, e.g. http://127.0.0.1:8080/admin/v1: with
    /// `--admin-token`, `query` maps a group to a product first and adds the
    /// compliance filter on `entitlements`.
    #[arg(long, requires = "admin_token")]
    admin_base: Option<String>,
    #[arg(long)]
    admin_token: Option<String>,
    /// `auditor`: the product the big seeded group is mapped to.
    #[arg(long, default_value = "p00")]
    product: String,
    /// `auditor`: the `meta.lastModified gt` bound (RFC 3339), e.g. an hour ago.
    #[arg(long, default_value = "2026-01-01T00:00:00Z")]
    modified_since: String,
    /// `auditor`: users per page of the cursor walks.
    #[arg(long, default_value_t = 200)]
    walk_page: usize,
    /// `idp-reads`: only these operations (comma-separated, e.g.
    /// `eq_familyName,import_page`), to measure one read's cost alone.
    #[arg(long, value_delimiter = ',')]
    only: Vec<String>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let result = actix_rt::System::new().block_on(run(&args));
    let text = match serde_json::to_string_pretty(&result) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    println!("{text}");
    if let Some(path) = &args.out {
        if let Err(e) = std::fs::write(path, format!("{text}\n")) {
            eprintln!("cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

async fn run(args: &Args) -> Value {
    let scim = client::Scim::new(&args.base, args.token.clone(), args.fresh_connections);
    let wants = |s: Scenario| args.scenario == s || args.scenario == Scenario::All;
    let mut reports = Vec::new();
    let mut ids: Vec<String> = Vec::new();
    // Every run starts with the ceiling, so each results table has it.
    if !args.no_ceiling || args.scenario == Scenario::Ceiling {
        let origin = client::Scim::new(scenarios::origin(&args.base), None, args.fresh_connections);
        let report = scenarios::ceiling(&origin, args.ceiling_requests, args.concurrency).await;
        eprintln!("ceiling: {}", summary(&report));
        reports.push(report);
        if args.scenario == Scenario::Ceiling {
            return finish(args, reports);
        }
    }
    if wants(Scenario::Provision) {
        let (report, made) = scenarios::provision(
            &scim,
            args.users,
            args.groups,
            args.members,
            args.concurrency,
        )
        .await;
        eprintln!("provision: {}", summary(&report));
        reports.push(report);
        ids = made;
    }
    if args.scenario == Scenario::Lookup {
        let report = scenarios::lookup(&scim, args.users, args.lookups, args.concurrency).await;
        eprintln!("lookup: {}", summary(&report));
        reports.push(report);
        return finish(args, reports);
    }
    if args.scenario == Scenario::Create {
        let report = scenarios::create(&scim, args.first, args.users, args.concurrency).await;
        eprintln!("create: {}", summary(&report));
        reports.push(report);
        return finish(args, reports);
    }
    if args.scenario == Scenario::IdpReads {
        let report = scenarios::idp_reads(
            &scim,
            args.users,
            args.repeats,
            args.concurrency,
            &args.only,
        )
        .await;
        eprintln!("idp-reads: {}", summary(&report));
        reports.push(report);
        return finish(args, reports);
    }
    if args.scenario == Scenario::Auditor {
        let report = scenarios::auditor(
            &scim,
            &args.product,
            &args.modified_since,
            args.repeats,
            args.concurrency,
            args.walk_page,
        )
        .await;
        eprintln!("auditor: {}", summary(&report));
        reports.push(report);
        return finish(args, reports);
    }
    if ids.is_empty() && args.scenario != Scenario::Provision {
        ids = scenarios::user_ids(&scim).await;
        ids.sort_by_key(|id| id.clone());
    }
    let group_ids = if wants(Scenario::Resync) || wants(Scenario::Query) {
        scenarios::group_ids(&scim).await
    } else {
        Vec::new()
    };
    if wants(Scenario::Resync) {
        let report = scenarios::resync(&scim, args.users, &ids, &group_ids, args.concurrency).await;
        eprintln!("resync: {}", summary(&report));
        reports.push(report);
    }
    if wants(Scenario::Query) {
        let admin = args
            .admin_base
            .as_ref()
            .map(|base| client::Scim::new(base, args.admin_token.clone(), false));
        let report = scenarios::query(
            &scim,
            admin.as_ref(),
            &group_ids,
            args.repeats,
            args.concurrency,
        )
        .await;
        eprintln!("query: {}", summary(&report));
        reports.push(report);
    }
    if wants(Scenario::BigGroup) {
        let sizes: Vec<usize> = args
            .big_sizes
            .split(',')
            .filter_map(|s| s.trim().parse().ok())
            .collect();
        let report = scenarios::big_group(&scim, &ids, &sizes, args.rounds).await;
        eprintln!("big-group: {}", summary(&report));
        reports.push(report);
    }
    finish(args, reports)
}

/// The run's JSON. With a `ceiling` among the reports, every other report
/// and each of its operations also says what fraction of the ceiling's
/// requests per second it reached (`of_ceiling`).
fn finish(args: &Args, mut reports: Vec<Value>) -> Value {
    let ceiling = reports
        .iter()
        .find(|r| r["scenario"] == "ceiling")
        .and_then(|r| r["req_per_s"].as_f64())
        .filter(|c| *c > 0.0);
    if let Some(ceiling) = ceiling {
        let share = |v: &Value| {
            v["req_per_s"]
                .as_f64()
                .map(|r| json!((r / ceiling * 1000.0).round() / 1000.0))
        };
        for report in reports.iter_mut().filter(|r| r["scenario"] != "ceiling") {
            if let Some(s) = share(report) {
                report["of_ceiling"] = s;
            }
            if let Some(ops) = report["operations"].as_object_mut() {
                for op in ops.values_mut() {
                    if let Some(s) = share(op) {
                        op["of_ceiling"] = s;
                    }
                }
            }
            eprintln!(
                "{}: {} of the ceiling",
                report["scenario"], report["of_ceiling"]
            );
        }
    }
    json!({
        "label": args.label,
        "base": args.base,
        "concurrency": args.concurrency,
        "users": args.users,
        "groups": args.groups,
        "members_per_group": args.members,
        "ceiling_req_per_s": ceiling,
        "scenarios": reports,
    })
}

fn summary(report: &Value) -> String {
    format!(
        "{} requests, {} errors, {} req/s, p50 {} ms, p99 {} ms, {} s",
        report["requests"],
        report["errors"],
        report["req_per_s"],
        report["p50_ms"],
        report["p99_ms"],
        report["seconds"]
    )
}
