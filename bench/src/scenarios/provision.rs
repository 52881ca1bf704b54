//! `provision`: an IdP's first sync of a directory, as Okta does it.

use std::rc::Rc;
use std::time::Instant;

use awc::http::Method;
use serde_json::{json, Value};

use super::shared::{fan_out, patch, user_name, ENTERPRISE, GROUP};
use crate::client::{q, Answer, Scim};
use crate::stats::{Recorder, Shared};

const USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";

/// `POST /Users` of bench user `i`, timed as `create_user` (here and in
/// the `create` scenario, so the two report the same operation).
pub(super) async fn create_user(scim: &Scim, rec: &Shared, i: usize) -> Option<Answer> {
    scim.send(
        rec,
        "create_user",
        Method::POST,
        "/Users",
        Some(&user_body(i)),
        &[201],
    )
    .await
}

pub(super) fn user_body(i: usize) -> Value {
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
                if let Some(created) = create_user(&scim, &rec, i).await {
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
