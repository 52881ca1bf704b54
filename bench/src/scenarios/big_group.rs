//! `big-group`: membership changes on large groups, one group per size.

use std::rc::Rc;
use std::time::Instant;

use awc::http::Method;
use serde_json::{json, Value};

use super::shared::{patch, GROUP};
use crate::client::Scim;
use crate::stats::{Recorder, Shared};

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
