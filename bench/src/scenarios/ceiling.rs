//! `ceiling`: `GET /healthz`, the cheapest answer the server gives, with
//! the same driver, connections and concurrency as every other scenario.
//! What the server does per SCIM request is then read as a fraction of
//! this: the part of the machine's HTTP capacity a create or a lookup
//! leaves (issue #19's floors: lookups ≥ 50%, creates ≥ 15%).

use std::rc::Rc;
use std::time::Instant;

use awc::http::Method;
use serde_json::Value;

use super::shared::fan_out;
use crate::client::Scim;
use crate::stats::{Recorder, Shared};

/// The server's origin: the SCIM base URL up to `/scim/`.
pub fn origin(base: &str) -> &str {
    base.split_once("/scim/").map_or(base, |(origin, _)| origin)
}

/// `requests` health checks at `concurrency`, on `origin`'s connection pool.
pub async fn ceiling(origin: &Scim, requests: usize, concurrency: usize) -> Value {
    let rec: Shared = Rc::new(Recorder::default());
    let started = Instant::now();
    let (scim, rec2) = (origin.clone(), rec.clone());
    fan_out((0..requests).collect(), concurrency, move |_| {
        let (scim, rec) = (scim.clone(), rec2.clone());
        async move {
            scim.send(&rec, "healthz", Method::GET, "/healthz", None, &[200])
                .await;
        }
    })
    .await;
    rec.report("ceiling", started)
}
