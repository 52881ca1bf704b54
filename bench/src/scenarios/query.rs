//! `query`: what an auditor reads, with an untimed setup through the admin
//! API when one is given.

use std::rc::Rc;
use std::time::Instant;

use awc::http::Method;
use serde_json::{json, Value};

use super::shared::{fan_out, ENTERPRISE};
use crate::client::{q, Scim};
use crate::stats::{Recorder, Shared};

/// Auditor reads: paging through every user, compliance filters, group
/// reads with and without members.
pub async fn query(
    scim: &Scim,
    admin: Option<&Scim>,
    group_ids: &[String],
    repeats: usize,
    concurrency: usize,
) -> Value {
    // With an admin API, map the first group to a product so that the
    // auditor's question "who holds it?" has answers. Not timed.
    let mapped = match (admin, group_ids.first()) {
        (Some(admin), Some(group)) => map_group_to_product(admin, group).await,
        _ => false,
    };
    let rec: Shared = Rc::new(Recorder::default());
    let started = Instant::now();
    // Paging through everyone with cursors.
    let mut cursor = String::new();
    loop {
        let path = format!("/Users?count=200&attributes=userName&cursor={}", q(&cursor));
        let Some(page) = scim
            .send(&rec, "page_users", Method::GET, &path, None, &[200])
            .await
        else {
            break;
        };
        match page.json()["nextCursor"].as_str() {
            Some(next) => cursor = next.to_owned(),
            None => break,
        }
    }
    let mut filters = vec![
        ("value_path", "emails[type eq \"work\" and value ew \"@bench.example\"] and userName sw \"user00001\"".to_owned()),
        ("starts_with", "userName sw \"user000\"".to_owned()),
        ("date_gt", "meta.lastModified gt \"2020-01-01T00:00:00Z\" and userName sw \"user0001\"".to_owned()),
        ("extension", format!("{ENTERPRISE}:department eq \"Dept 3\"")),
        ("inactive", "active eq false".to_owned()),
        ("email_eq", "emails.value eq \"user0000042@bench.example\"".to_owned()),
    ];
    if mapped {
        filters.push((
            "entitlement",
            "entitlements[value eq \"bench-wiki:user\"] and active eq true".to_owned(),
        ));
    }
    let jobs: Vec<(String, String)> = (0..repeats)
        .flat_map(|_| {
            filters.iter().map(|(n, f)| {
                (
                    format!("filter_{n}"),
                    format!("/Users?count=100&filter={}", q(f)),
                )
            })
        })
        .chain(group_ids.iter().take(repeats).flat_map(|g| {
            [
                ("group_with_members".to_owned(), format!("/Groups/{g}")),
                (
                    "group_without_members".to_owned(),
                    format!("/Groups/{g}?excludedAttributes=members"),
                ),
            ]
        }))
        .collect();
    {
        let (scim, rec) = (scim.clone(), rec.clone());
        fan_out(jobs, concurrency, move |(op, path)| {
            let (scim, rec) = (scim.clone(), rec.clone());
            async move {
                scim.send(&rec, &op, Method::GET, &path, None, &[200]).await;
            }
        })
        .await;
    }
    rec.report("query", started)
}

/// Creates site `bench`, product `bench-wiki` and maps `group` to its
/// `user` role (each step may already exist from an earlier run).
async fn map_group_to_product(admin: &Scim, group: &str) -> bool {
    let setup: Shared = Rc::new(Recorder::default());
    let steps = [
        ("/sites", json!({"name": "bench"})),
        ("/products", json!({"site": "bench", "key": "bench-wiki"})),
        (
            "/mappings",
            json!({"group": group, "product": "bench-wiki", "role": "user"}),
        ),
    ];
    for (path, body) in steps {
        if admin
            .send(
                &setup,
                "setup",
                Method::POST,
                path,
                Some(&body),
                &[201, 409],
            )
            .await
            .is_none()
        {
            return false;
        }
    }
    true
}
