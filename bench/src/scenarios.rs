//! The workloads: what identity providers and auditors do.

use std::future::Future;
use std::rc::Rc;
use std::time::Instant;

use awc::http::Method;
use futures_util::future::join_all;
use serde_json::{json, Value};

use crate::client::{q, Scim};
use crate::stats::{Recorder, Shared};

const USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
const GROUP: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const PATCH_OP: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

/// Runs `work(item)` for every item with `concurrency` workers.
async fn fan_out<T, F, Fut>(items: Vec<T>, concurrency: usize, work: F)
where
    T: Clone + 'static,
    F: Fn(T) -> Fut + Clone + 'static,
    Fut: Future<Output = ()> + 'static,
{
    let items = Rc::new(items);
    let next = Rc::new(std::cell::Cell::new(0usize));
    let workers = (0..concurrency.max(1)).map(|_| {
        let (items, next, work) = (items.clone(), next.clone(), work.clone());
        async move {
            loop {
                let i = next.get();
                if i >= items.len() {
                    break;
                }
                next.set(i + 1);
                work(items[i].clone()).await;
            }
        }
    });
    join_all(workers).await;
}

pub fn user_name(i: usize) -> String {
    format!("user{i:07}@bench.example")
}

fn user_body(i: usize) -> Value {
    json!({
        "schemas": [USER, ENTERPRISE],
        "userName": user_name(i),
        "externalId": format!("ext-{i}"),
        "name": {"givenName": format!("Given{i}"), "familyName": format!("Family{}", i % 997)},
        "displayName": format!("Bench User {i}"),
        "emails": [{"value": user_name(i), "type": "work", "primary": true}],
        "title": "Engineer",
        "active": true,
        ENTERPRISE: {"department": format!("Dept {}", i % 20), "employeeNumber": i.to_string()}
    })
}

fn patch(ops: Value) -> Value {
    json!({"schemas": [PATCH_OP], "Operations": ops})
}

/// Okta-style provisioning: look each user up, create it; create groups
/// empty, then add their members by PATCH in batches of 50.
pub async fn provision(
    scim: &Scim,
    users: usize,
    groups: usize,
    members: usize,
    concurrency: usize,
) -> (Value, Vec<String>) {
    let rec: Shared = Rc::new(Recorder::default());
    let started = Instant::now();
    let ids = Rc::new(std::cell::RefCell::new(vec![String::new(); users]));
    {
        let (scim, rec, ids) = (scim.clone(), rec.clone(), ids.clone());
        fan_out((0..users).collect(), concurrency, move |i| {
            let (scim, rec, ids) = (scim.clone(), rec.clone(), ids.clone());
            async move {
                let filter = q(&format!("userName eq \"{}\"", user_name(i)));
                let Some(found) = scim
                    .send(
                        &rec,
                        "lookup",
                        Method::GET,
                        &format!("/Users?filter={filter}"),
                        None,
                        &[200],
                    )
                    .await
                else {
                    return;
                };
                if let Some(id) = found.json()["Resources"][0]["id"].as_str() {
                    ids.borrow_mut()[i] = id.to_owned();
                    return;
                }
                if let Some(created) = scim
                    .send(
                        &rec,
                        "create_user",
                        Method::POST,
                        "/Users",
                        Some(&user_body(i)),
                        &[201],
                    )
                    .await
                {
                    ids.borrow_mut()[i] =
                        created.json()["id"].as_str().unwrap_or_default().to_owned();
                }
            }
        })
        .await;
    }
    let ids: Vec<String> = ids.borrow().clone();
    {
        let (scim, rec, ids) = (scim.clone(), rec.clone(), Rc::new(ids.clone()));
        fan_out((0..groups).collect(), concurrency, move |g| {
            let (scim, rec, ids) = (scim.clone(), rec.clone(), ids.clone());
            async move {
                let name = format!("bench-group-{g:05}");
                let filter = q(&format!("displayName eq \"{name}\""));
                let Some(found) = scim
                    .send(
                        &rec,
                        "lookup_group",
                        Method::GET,
                        &format!("/Groups?excludedAttributes=members&filter={filter}"),
                        None,
                        &[200],
                    )
                    .await
                else {
                    return;
                };
                let id = match found.json()["Resources"][0]["id"].as_str() {
                    Some(id) => id.to_owned(),
                    None => {
                        let body = json!({"schemas": [GROUP], "displayName": name, "members": []});
                        let Some(created) = scim
                            .send(
                                &rec,
                                "create_group",
                                Method::POST,
                                "/Groups",
                                Some(&body),
                                &[201],
                            )
                            .await
                        else {
                            return;
                        };
                        created.json()["id"].as_str().unwrap_or_default().to_owned()
                    }
                };
                let picked: Vec<&String> = (0..members)
                    .map(|k| &ids[(g * members + k) % ids.len().max(1)])
                    .collect();
                for batch in picked.chunks(50) {
                    let value: Vec<Value> = batch.iter().map(|m| json!({"value": m})).collect();
                    let body = patch(json!([{"op": "add", "path": "members", "value": value}]));
                    scim.send(
                        &rec,
                        "add_members",
                        Method::PATCH,
                        &format!("/Groups/{id}?excludedAttributes=members"),
                        Some(&body),
                        &[200, 204],
                    )
                    .await;
                }
            }
        })
        .await;
    }
    (rec.report("provision", started), ids)
}

/// The hourly resync: every user looked up; 10% get an attribute PATCH, 2%
/// are deactivated; 10% of groups see member changes.
pub async fn resync(
    scim: &Scim,
    users: usize,
    ids: &[String],
    group_ids: &[String],
    concurrency: usize,
) -> Value {
    let rec: Shared = Rc::new(Recorder::default());
    let started = Instant::now();
    let ids = Rc::new(ids.to_vec());
    {
        let (scim, rec, ids) = (scim.clone(), rec.clone(), ids.clone());
        fan_out((0..users).collect(), concurrency, move |i| {
            let (scim, rec, ids) = (scim.clone(), rec.clone(), ids.clone());
            async move {
                let filter = q(&format!("userName eq \"{}\"", user_name(i)));
                scim.send(&rec, "lookup", Method::GET, &format!("/Users?filter={filter}"), None, &[200]).await;
                let Some(id) = ids.get(i).filter(|s| !s.is_empty()) else {
                    return;
                };
                if i % 10 == 0 {
                    let body = patch(json!([{"op": "replace", "path": "title", "value": format!("Title {}", i % 7)}]));
                    scim.send(&rec, "patch_user", Method::PATCH, &format!("/Users/{id}"), Some(&body), &[200]).await;
                }
                if i % 50 == 1 {
                    let body = patch(json!([{"op": "replace", "value": {"active": false}}]));
                    scim.send(&rec, "deactivate", Method::PATCH, &format!("/Users/{id}"), Some(&body), &[200]).await;
                }
            }
        })
        .await;
    }
    {
        let changed: Vec<String> = group_ids.iter().step_by(10).cloned().collect();
        let (scim, rec, ids) = (scim.clone(), rec.clone(), ids.clone());
        fan_out(changed, concurrency, move |gid| {
            let (scim, rec, ids) = (scim.clone(), rec.clone(), ids.clone());
            async move {
                let n = ids.len().max(1);
                let seed = gid.bytes().map(usize::from).sum::<usize>();
                let add: Vec<Value> = (0..5).map(|k| json!({"value": ids[(seed * 31 + k) % n]})).collect();
                let remove = format!("members[value eq \"{}\"]", ids[(seed * 17) % n]);
                let body = patch(json!([{"op": "add", "path": "members", "value": add}, {"op": "remove", "path": remove}]));
                scim.send(&rec, "group_members", Method::PATCH, &format!("/Groups/{gid}?excludedAttributes=members"), Some(&body), &[200, 204])
                    .await;
            }
        })
        .await;
    }
    rec.report("resync", started)
}

/// The IdP's hottest call alone: `userName eq` lookups of `lookups` users
/// spread evenly over the first `users` names.
pub async fn lookup(scim: &Scim, users: usize, lookups: usize, concurrency: usize) -> Value {
    let rec: Shared = Rc::new(Recorder::default());
    let started = Instant::now();
    let stride = (users / lookups.max(1)).max(1);
    let (scim2, rec2) = (scim.clone(), rec.clone());
    fan_out(
        (0..lookups)
            .map(|k| (k * stride + k % 7) % users.max(1))
            .collect(),
        concurrency,
        move |i| {
            let (scim, rec) = (scim2.clone(), rec2.clone());
            async move {
                let filter = q(&format!("userName eq \"{}\"", user_name(i)));
                if let Some(found) = scim
                    .send(
                        &rec,
                        "lookup",
                        Method::GET,
                        &format!("/Users?filter={filter}"),
                        None,
                        &[200],
                    )
                    .await
                {
                    if found.total_results() != Some(1) {
                        rec.error("lookup", format!("{} not found", user_name(i)));
                    }
                }
            }
        },
    )
    .await;
    rec.report("lookup", started)
}

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

/// Adding and removing 50 members on groups of each size: the cost must
/// not grow with the group.
pub async fn big_group(scim: &Scim, ids: &[String], sizes: &[usize], rounds: usize) -> Value {
    let rec: Shared = Rc::new(Recorder::default());
    let started = Instant::now();
    for &size in sizes {
        if ids.len() < size + 50 {
            rec.error(
                "setup",
                format!("need {} users for a group of {size}", size + 50),
            );
            continue;
        }
        let body = json!({"schemas": [GROUP], "displayName": format!("big-{size}-{}", started.elapsed().as_nanos())});
        let Some(created) = scim
            .send(&rec, "setup", Method::POST, "/Groups", Some(&body), &[201])
            .await
        else {
            continue;
        };
        let gid = created.json()["id"].as_str().unwrap_or_default().to_owned();
        let path = format!("/Groups/{gid}?excludedAttributes=members");
        for chunk in ids[..size].chunks(1000) {
            let value: Vec<Value> = chunk.iter().map(|m| json!({"value": m})).collect();
            scim.send(
                &rec,
                "setup",
                Method::PATCH,
                &path,
                Some(&patch(
                    json!([{"op": "add", "path": "members", "value": value}]),
                )),
                &[200, 204],
            )
            .await;
        }
        let extra = &ids[size..size + 50];
        for _ in 0..rounds {
            let value: Vec<Value> = extra.iter().map(|m| json!({"value": m})).collect();
            let add = patch(json!([{"op": "add", "path": "members", "value": value}]));
            scim.send(
                &rec,
                &format!("add_50_at_{size}"),
                Method::PATCH,
                &path,
                Some(&add),
                &[200, 204],
            )
            .await;
            let filter = extra
                .iter()
                .map(|m| format!("value eq \"{m}\""))
                .collect::<Vec<_>>()
                .join(" or ");
            let remove = patch(json!([{"op": "remove", "path": format!("members[{filter}]")}]));
            scim.send(
                &rec,
                &format!("remove_50_at_{size}"),
                Method::PATCH,
                &path,
                Some(&remove),
                &[200, 204],
            )
            .await;
        }
    }
    rec.report("big-group", started)
}

/// Ids of every user, by cursor paging (for scenarios run on an existing set).
pub async fn user_ids(scim: &Scim) -> Vec<String> {
    let rec: Shared = Rc::new(Recorder::default());
    let mut ids = Vec::new();
    let mut cursor = String::new();
    loop {
        let path = format!("/Users?count=200&attributes=id&cursor={}", q(&cursor));
        let Some(page) = scim
            .send(&rec, "ids", Method::GET, &path, None, &[200])
            .await
        else {
            break;
        };
        let page = page.json();
        ids.extend(
            page["Resources"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|u| u["id"].as_str().map(str::to_owned)),
        );
        match page["nextCursor"].as_str() {
            Some(next) => cursor = next.to_owned(),
            None => break,
        }
    }
    ids
}

/// Ids of the groups `provision` made.
pub async fn group_ids(scim: &Scim) -> Vec<String> {
    let rec: Shared = Rc::new(Recorder::default());
    let mut ids = Vec::new();
    let mut start = 1;
    loop {
        let path = format!(
            "/Groups?excludedAttributes=members&count=200&startIndex={start}&filter={}",
            q("displayName sw \"bench-group-\"")
        );
        let Some(page) = scim
            .send(&rec, "ids", Method::GET, &path, None, &[200])
            .await
        else {
            break;
        };
        let got: Vec<String> = page.json()["Resources"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|g| g["id"].as_str().map(str::to_owned))
            .collect();
        if got.is_empty() {
            break;
        }
        start += got.len();
        ids.extend(got);
    }
    ids
}
