//! What the scenarios share: the SCIM URNs they send, the worker pool that
//! runs their requests, the bench users' names and PATCH bodies.

use std::future::Future;
use std::rc::Rc;

use futures_util::future::join_all;
use serde_json::{json, Value};

pub(super) const GROUP: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
pub(super) const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const PATCH_OP: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

/// Runs `work(item)` for every item with `concurrency` workers.
pub(super) async fn fan_out<T, F, Fut>(items: Vec<T>, concurrency: usize, work: F)
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

/// The userName of bench user `i`.
pub(super) fn user_name(i: usize) -> String {
    format!("user{i:07}@bench.example")
}

/// A PATCH request body with these operations.
pub(super) fn patch(ops: Value) -> Value {
    json!({"schemas": [PATCH_OP], "Operations": ops})
}

/// Runs GET requests (operation name, path) one operation at a time, each
/// with `concurrency` workers, so an operation's latency is measured under
/// load of its own kind rather than queued behind another's slower
/// requests. Each answer must carry `totalResults`, above 0 when
/// `must_find`.
pub(super) async fn get_each_operation(
    scim: &crate::client::Scim,
    rec: &crate::stats::Shared,
    jobs: Vec<(String, String)>,
    concurrency: usize,
    must_find: bool,
) {
    let mut by_operation: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for (op, path) in jobs {
        by_operation.entry(op).or_default().push(path);
    }
    for (op, paths) in by_operation {
        let (scim, rec, op) = (scim.clone(), rec.clone(), Rc::new(op));
        fan_out(paths, concurrency, move |path| {
            let (scim, rec, op) = (scim.clone(), rec.clone(), op.clone());
            async move {
                let method = awc::http::Method::GET;
                if let Some(found) = scim.send(&rec, &op, method, &path, None, &[200]).await {
                    match found.total_results() {
                        None => rec.error(&op, format!("{path}: no totalResults")),
                        Some(0) if must_find => rec.error(&op, format!("{path} found nobody")),
                        Some(_) => {}
                    }
                }
            }
        })
        .await;
    }
}
