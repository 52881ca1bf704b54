//! `auditor`: the compliance questions an auditor asks of a large
//! directory seeded with `bench/seed_users.py --groups` and mapped by
//! `bench/floors.sh` (not part of `all`): each filter's first page of 100
//! with its total, repeatedly at the run's concurrency (one filter at a
//! time), then one full
//! cursor walk of each, timed.

use std::rc::Rc;
use std::time::Instant;

use awc::http::Method;
use serde_json::{json, Map, Value};

use super::shared::{get_each_operation, ENTERPRISE};
use crate::client::{q, Scim};
use crate::stats::{Recorder, Shared};

const ACCESS: &str = "urn:gatehouse:scim:schemas:extension:access:1.0:User";

/// A cursor walk stops after this long (and says so, `cut`).
const WALK_CUT_SECS: u64 = 90;

/// The big group `bench/seed_users.py --groups` makes (group 0).
const BIG_GROUP: &str = "00000000-0000-4000-9000-000000000000";

/// The auditor's filters: name and filter text. `product` is the product
/// the big group is mapped to; `since` an RFC 3339 time an hour ago.
fn filters(product: &str, since: &str) -> Vec<(&'static str, String)> {
    vec![
        (
            "licensed_active",
            format!("entitlements[value eq \"{product}:user\"] and active eq true"),
        ),
        ("not_synced", format!("{ACCESS}:grants[synced eq false]")),
        (
            "modified_last_hour",
            format!("meta.lastModified gt \"{since}\""),
        ),
        (
            "contractors",
            "emails[type eq \"work\" and value ew \"@contractor.example\"]".to_owned(),
        ),
        (
            "department",
            format!("{ENTERPRISE}:department eq \"Dept 3\""),
        ),
        ("inactive", "active eq false".to_owned()),
        (
            "reports_of_manager",
            format!("{ENTERPRISE}:manager.value eq \"00000000-0000-4000-8000-000000000500\""),
        ),
        (
            "big_group_members",
            format!("groups[value eq \"{BIG_GROUP}\"]"),
        ),
    ]
}

/// First pages (`repeats` of each filter at `concurrency`), then one
/// cursor walk of each filter with pages of `page` users.
pub async fn auditor(
    scim: &Scim,
    product: &str,
    since: &str,
    repeats: usize,
    concurrency: usize,
    page: usize,
) -> Value {
    let rec: Shared = Rc::new(Recorder::default());
    let started = Instant::now();
    let filters = filters(product, since);
    let jobs: Vec<(String, String)> = (0..repeats)
        .flat_map(|_| {
            filters.iter().map(|(name, filter)| {
                (
                    format!("first_page_{name}"),
                    format!("/Users?count=100&attributes=userName&filter={}", q(filter)),
                )
            })
        })
        .collect();
    get_each_operation(scim, &rec, jobs, concurrency, false).await;
    let mut walks = Map::new();
    for (name, filter) in &filters {
        let walk_started = Instant::now();
        let (mut cursor, mut seen, mut total) = (String::new(), 0usize, None);
        let mut cut = false;
        loop {
            // A walk far past the floor's 60 s tells nothing more: cut it.
            if walk_started.elapsed().as_secs() >= WALK_CUT_SECS {
                cut = true;
                break;
            }
            let path = format!(
                "/Users?count={page}&attributes=userName&filter={}&cursor={}",
                q(filter),
                q(&cursor)
            );
            let Some(found) = scim
                .send(
                    &rec,
                    &format!("walk_page_{name}"),
                    Method::GET,
                    &path,
                    None,
                    &[200],
                )
                .await
            else {
                break;
            };
            let body = found.json();
            total = total.or(body["totalResults"].as_u64());
            seen += body["Resources"].as_array().map_or(0, Vec::len);
            match body["nextCursor"].as_str() {
                Some(next) => cursor = next.to_owned(),
                None => break,
            }
        }
        walks.insert(
            (*name).to_owned(),
            json!({
                "seconds": (walk_started.elapsed().as_secs_f64() * 10.0).round() / 10.0,
                "users": seen,
                "total": total,
                "cut": cut,
            }),
        );
    }
    let mut report = rec.report("auditor", started);
    report["walks"] = Value::Object(walks);
    report
}
