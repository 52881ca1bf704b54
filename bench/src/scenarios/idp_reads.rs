//! `idp-reads`: the reads an IdP and an auditor make of a large directory
//! seeded with `bench/seed_users.py` (not part of `all`): Okta's
//! connection probe, a full `startIndex` import, and equality filters on
//! every attribute users are looked up by.

use std::rc::Rc;
use std::time::Instant;

use awc::http::Method;
use serde_json::{json, Value};

use super::shared::{get_each_operation, user_name, ENTERPRISE};
use crate::client::{q, Scim};
use crate::stats::{Recorder, Shared};

/// The id `bench/seed_users.py` gives user `i`.
fn seeded_id(i: usize) -> String {
    format!("00000000-0000-4000-8000-{i:012}")
}

/// The work email `bench/seed_users.py` gives user `i` (every fiftieth a
/// contractor's).
fn seeded_email(i: usize) -> String {
    match i % 50 {
        3 => format!("user{i:07}@contractor.example"),
        _ => user_name(i),
    }
}

/// An equality filter per looked-up attribute, for seeded user `i`, with
/// the values `bench/seed_users.py` writes.
fn filters(i: usize) -> Vec<(&'static str, String)> {
    vec![
        ("eq_userName", format!("userName eq \"{}\"", user_name(i))),
        ("eq_externalId", format!("externalId eq \"ext-{i}\"")),
        (
            "eq_emails_value",
            format!("emails.value eq \"{}\"", seeded_email(i)),
        ),
        (
            "eq_displayName",
            format!("displayName eq \"Bench User {i}\""),
        ),
        (
            "eq_familyName",
            format!("name.familyName eq \"Family{}\"", i % 997),
        ),
        ("eq_active_false", "active eq false".to_owned()),
        (
            "eq_employeeNumber",
            format!("{ENTERPRISE}:employeeNumber eq \"{i}\""),
        ),
        (
            "eq_department",
            format!("{ENTERPRISE}:department eq \"Dept {}\"", i % 20),
        ),
        (
            "eq_manager_value",
            format!(
                "{ENTERPRISE}:manager.value eq \"{}\"",
                seeded_id(i / 50 * 50)
            ),
        ),
    ]
}

/// The probe `GET /Users?count=1` and every equality filter, `repeats`
/// times each at `concurrency` (one operation at a time); then one importer walking every user with
/// `startIndex` pages of 100, as Okta's import does, first page to last.
/// A non-empty `only` keeps the operations it names (the import is
/// `import_page`).
pub async fn idp_reads(
    scim: &Scim,
    users: usize,
    repeats: usize,
    concurrency: usize,
    only: &[String],
) -> Value {
    let wanted = |op: &str| only.is_empty() || only.iter().any(|o| o == op);
    let rec: Shared = Rc::new(Recorder::default());
    let started = Instant::now();
    let stride = (users / repeats.max(1)).max(1);
    let mut jobs: Vec<(String, String)> = Vec::new();
    for k in 0..repeats {
        let i = (k * stride + k % 7) % users.max(1);
        if wanted("probe_count_1") {
            jobs.push(("probe_count_1".to_owned(), "/Users?count=1".to_owned()));
        }
        for (name, filter) in filters(i).into_iter().filter(|(name, _)| wanted(name)) {
            jobs.push((
                name.to_owned(),
                format!("/Users?count=100&filter={}", q(&filter)),
            ));
        }
    }
    get_each_operation(scim, &rec, jobs, concurrency, true).await;
    if !wanted("import_page") {
        return rec.report("idp-reads", started);
    }
    // The import: one client, each page after the last.
    let import_started = Instant::now();
    let mut start = 1;
    let mut seen = 0usize;
    loop {
        let path = format!("/Users?startIndex={start}&count=100");
        let Some(page) = scim
            .send(&rec, "import_page", Method::GET, &path, None, &[200])
            .await
        else {
            break;
        };
        let got = page.json()["Resources"].as_array().map_or(0, Vec::len);
        if got == 0 {
            break;
        }
        seen += got;
        start += got;
    }
    let import_seconds = import_started.elapsed().as_secs_f64();
    if seen < users {
        rec.error(
            "import_page",
            format!("the import saw {seen} of {users} users"),
        );
    }
    let mut report = rec.report("idp-reads", started);
    report["import_seconds"] = json!((import_seconds * 10.0).round() / 10.0);
    report["import_users"] = json!(seen);
    report
}
