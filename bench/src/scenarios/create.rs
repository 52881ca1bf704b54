//! `create`: `POST /Users` alone (not part of `all`), the write floor 2
//! reads against the ceiling. In `provision` a create shares the run with
//! the lookup before it and the member PATCHes after, so its rate there is
//! a share of a mix, not what creating costs.

use std::rc::Rc;
use std::time::Instant;

use serde_json::Value;

use super::provision::create_user;
use super::shared::fan_out;
use crate::client::Scim;
use crate::stats::{Recorder, Shared};

/// Creates `users` users, numbered from `first` (so it can follow a
/// `provision` run on the same directory without taking its names).
pub async fn create(scim: &Scim, first: usize, users: usize, concurrency: usize) -> Value {
    let rec: Shared = Rc::new(Recorder::default());
    let started = Instant::now();
    let (scim2, rec2) = (scim.clone(), rec.clone());
    fan_out((first..first + users).collect(), concurrency, move |i| {
        let (scim, rec) = (scim2.clone(), rec2.clone());
        async move {
            create_user(&scim, &rec, i).await;
        }
    })
    .await;
    rec.report("create", started)
}
