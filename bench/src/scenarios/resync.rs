//! `resync`: an IdP's hourly resync of a provisioned directory.

use std::rc::Rc;
use std::time::Instant;

use awc::http::Method;
use serde_json::{json, Value};

use super::shared::{fan_out, patch, user_name};
use crate::client::{q, Scim};
use crate::stats::{Recorder, Shared};

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
