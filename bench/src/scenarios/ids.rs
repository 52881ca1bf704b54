//! The users and groups an earlier run made, for scenarios run on an
//! existing set rather than after `provision`.

use std::rc::Rc;

use awc::http::Method;

use crate::client::{q, Scim};
use crate::stats::{Recorder, Shared};

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

/// Ids of the bench's groups: those `provision` made ("bench-group-…") and
/// those `seed_users.py --groups` wrote ("Bench Group …"), so the resync at
/// 1M users changes members as it does after a provision.
pub async fn group_ids(scim: &Scim) -> Vec<String> {
    let rec: Shared = Rc::new(Recorder::default());
    let mut ids = Vec::new();
    let mut start = 1;
    loop {
        let path = format!(
            "/Groups?excludedAttributes=members&count=200&startIndex={start}&filter={}",
            q("displayName sw \"bench-group-\" or displayName sw \"Bench Group \"")
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
