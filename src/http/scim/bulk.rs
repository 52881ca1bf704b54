//! `POST /Bulk` (RFC 7644 §3.7): operations run in order, each in its own
//! transaction; an operation that refers to a `bulkId` not yet created
//! waits until it is; `failOnErrors` stops the run after that many errors.

use std::collections::{HashMap, HashSet};

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::{json, Map, Value};

use super::json_response;
use super::resources::note_written;
use crate::access::provisioning::{Groups, Provisioned, Users};
use crate::access::sync_health::RequestSeen;
use crate::http::auth::ScimPrincipal;
use crate::http::body::ScimBody;
use crate::http::state::AppState;
use crate::scim::bulk::{self, BulkOperation, Listed, Method, BULK_RESPONSE_URN};
use crate::scim::patch;
use crate::scim::resource::location;
use crate::scim::resource::ScimResource;
use crate::scim::schema::ResourceKind;
use crate::scim::validate::validate_resource;
use crate::scim::ScimError;

/// Most operations in one request (advertised as bulk.maxOperations).
pub const MAX_OPERATIONS: usize = 1000;

/// What a successful operation reports.
struct Done {
    status: u16,
    id: String,
    version: Option<String>,
}

/// `POST /Bulk`.
pub async fn bulk(
    state: web::Data<AppState>,
    who: ScimPrincipal,
    req: HttpRequest,
    body: ScimBody,
) -> Result<HttpResponse, ScimError> {
    // Bulk writes: refuse a read-only principal before any operation runs.
    who.write_context(state.clock.now_micros())?;
    let request = bulk::parse(&body.0, MAX_OPERATIONS)?;
    let declared: HashSet<String> = request
        .operations
        .iter()
        .filter_map(|o| match o {
            Listed::Valid(op) => op.bulk_id.clone(),
            Listed::Invalid { .. } => None,
        })
        .collect();
    let mut results: Vec<Option<Value>> = vec![None; request.operations.len()];
    let mut created: HashMap<String, String> = HashMap::new();
    let mut failed: HashSet<String> = HashSet::new();
    let mut errors = 0u64;
    let mut pending: Vec<usize> = (0..request.operations.len()).collect();
    let stop = |errors: u64| request.fail_on_errors.is_some_and(|limit| errors >= limit);
    // Passes until nothing moves: each pass runs every operation whose
    // references are all resolved.
    'passes: while !pending.is_empty() {
        let mut waiting = Vec::new();
        let mut progressed = false;
        for &index in &pending {
            if stop(errors) {
                break 'passes;
            }
            let Some(listed) = request.operations.get(index) else {
                continue;
            };
            let outcome = match listed {
                Listed::Invalid {
                    method,
                    bulk_id,
                    error,
                } => Some(error_result(method, bulk_id.as_deref(), error)),
                Listed::Valid(op) => {
                    let refs = bulk::references(op);
                    if refs
                        .iter()
                        .any(|r| failed.contains(r) || !declared.contains(r))
                    {
                        let error = ScimError {
                            status: 409,
                            scim_type: Some(crate::scim::ScimType::InvalidValue),
                            detail: "refers to a bulkId that was not created by this request"
                                .into(),
                            cause: None,
                        };
                        op.bulk_id.iter().for_each(|b| {
                            failed.insert(b.clone());
                        });
                        Some(error_result(
                            op.method.as_str(),
                            op.bulk_id.as_deref(),
                            &error,
                        ))
                    } else if refs.iter().all(|r| created.contains_key(r)) {
                        let mut op = op.clone();
                        bulk::substitute(&mut op, &created);
                        Some(match run(&state, &who, &req, &op).await {
                            Ok(done) => {
                                if let Some(b) = &op.bulk_id {
                                    created.insert(b.clone(), done.id.clone());
                                }
                                success(&who, &op, &done)
                            }
                            Err(error) => {
                                note_refused(&state, &who, &req, &op, &error);
                                op.bulk_id.iter().for_each(|b| {
                                    failed.insert(b.clone());
                                });
                                error_result(op.method.as_str(), op.bulk_id.as_deref(), &error)
                            }
                        })
                    } else {
                        None
                    }
                }
            };
            match outcome {
                Some(result) => {
                    if result.get("response").is_some() {
                        errors += 1;
                    }
                    if let Some(slot) = results.get_mut(index) {
                        *slot = Some(result);
                    }
                    progressed = true;
                }
                None => waiting.push(index),
            }
        }
        pending = waiting;
        if !progressed {
            // What is left refers to itself in a circle.
            for &index in &pending {
                if let Some(Listed::Valid(op)) = request.operations.get(index) {
                    let error = ScimError {
                        status: 409,
                        scim_type: Some(crate::scim::ScimType::InvalidValue),
                        detail: "bulkId references form a cycle".into(),
                        cause: None,
                    };
                    if let Some(slot) = results.get_mut(index) {
                        *slot = Some(error_result(
                            op.method.as_str(),
                            op.bulk_id.as_deref(),
                            &error,
                        ));
                    }
                }
            }
            break;
        }
    }
    let operations: Vec<Value> = results.into_iter().flatten().collect();
    Ok(json_response(
        StatusCode::OK,
        &json!({"schemas": [BULK_RESPONSE_URN], "Operations": operations}),
    ))
}

async fn run(
    state: &web::Data<AppState>,
    who: &ScimPrincipal,
    req: &HttpRequest,
    op: &BulkOperation,
) -> Result<Done, ScimError> {
    match op.kind {
        ResourceKind::User => run_on::<Users>(state, who, req, op).await,
        ResourceKind::Group => run_on::<Groups>(state, who, req, op).await,
    }
}

/// An operation of a bulk request that failed is a refused request of the
/// directory's sync health, like the same request sent alone.
fn note_refused(
    state: &AppState,
    who: &ScimPrincipal,
    req: &HttpRequest,
    op: &BulkOperation,
    error: &ScimError,
) {
    let Some(directory_id) = &who.directory else {
        return;
    };
    let path = format!(
        "{} {}/{}",
        req.path(),
        op.kind.endpoint(),
        op.id.as_deref().unwrap_or_default()
    );
    state.sync.refused(RequestSeen {
        directory_id,
        method: op.method.as_str(),
        path: path.trim_end_matches('/'),
        status: error.status,
        error: Some(error),
        request_id: who.request_id.as_deref(),
        now: state.clock.now_micros(),
    });
}

async fn run_on<E: Provisioned>(
    state: &web::Data<AppState>,
    who: &ScimPrincipal,
    req: &HttpRequest,
    op: &BulkOperation,
) -> Result<Done, ScimError> {
    let ctx = who.write_context(state.clock.now_micros())?;
    let noted = ctx.clone();
    let id = op.id.clone().unwrap_or_default();
    let version = op.version.clone();
    let data = op.data.clone().unwrap_or(Value::Null);
    let done = |status: u16, r: &E::Resource| Done {
        status,
        id: r.id().to_owned(),
        version: Some(r.meta().etag()),
    };
    match op.method {
        Method::Post => {
            let validated = validate_resource(&state.registry(), E::KIND, &data)?;
            let r = state
                .store
                .write_reaching(E::REACH, move |c| E::create(c, &ctx, validated.clone()))
                .await?;
            let target = (E::KIND, r.resource.id());
            note_written(state, req, &noted, target, StatusCode::CREATED, &r);
            Ok(done(201, &r.resource))
        }
        Method::Put => {
            let validated = validate_resource(&state.registry(), E::KIND, &data)?;
            let r = state
                .store
                .write_reaching(E::REACH, move |c| {
                    E::replace(c, &ctx, &id, validated.clone(), version.as_deref())
                })
                .await?;
            let target = (E::KIND, r.resource.id());
            note_written(state, req, &noted, target, StatusCode::OK, &r);
            Ok(done(200, &r.resource))
        }
        Method::Patch => {
            let operations = patch::parse_request(&data)?;
            let registry = state.registry();
            let reach = E::patch_reach(&operations);
            let r = state
                .store
                .write_reaching(reach, move |c| {
                    E::patch(
                        c,
                        &ctx,
                        &registry,
                        &id,
                        &operations,
                        version.as_deref(),
                        false,
                    )
                })
                .await?;
            let target = (E::KIND, r.resource.id());
            note_written(state, req, &noted, target, StatusCode::OK, &r);
            Ok(done(200, &r.resource))
        }
        Method::Delete => {
            let target = id.clone();
            state
                .store
                .write_reaching(E::REACH, move |c| {
                    E::delete(c, &ctx, &target, version.as_deref())
                })
                .await?;
            Ok(Done {
                status: 204,
                id,
                version: None,
            })
        }
    }
}

fn success(who: &ScimPrincipal, op: &BulkOperation, done: &Done) -> Value {
    let mut out = Map::new();
    out.insert("method".into(), op.method.as_str().into());
    if let Some(b) = &op.bulk_id {
        out.insert("bulkId".into(), b.clone().into());
    }
    if op.method != Method::Delete {
        out.insert(
            "location".into(),
            location(&who.base_url, op.kind, &done.id).into(),
        );
    }
    if let Some(v) = &done.version {
        out.insert("version".into(), v.clone().into());
    }
    out.insert("status".into(), done.status.to_string().into());
    Value::Object(out)
}

fn error_result(method: &str, bulk_id: Option<&str>, error: &ScimError) -> Value {
    let mut out = Map::new();
    out.insert("method".into(), method.into());
    if let Some(b) = bulk_id {
        out.insert("bulkId".into(), b.into());
    }
    out.insert("status".into(), error.status.to_string().into());
    out.insert("response".into(), error.to_body());
    Value::Object(out)
}
