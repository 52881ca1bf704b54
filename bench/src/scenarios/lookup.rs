//! `lookup`: `userName eq` lookups alone, the call an IdP makes most (not
//! part of `all`).

use std::rc::Rc;
use std::time::Instant;

use awc::http::Method;
use serde_json::Value;

use super::shared::{fan_out, user_name};
use crate::client::{q, Scim};
use crate::stats::{Recorder, Shared};

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
