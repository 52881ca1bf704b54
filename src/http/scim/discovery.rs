//! `/ServiceProviderConfig`, `/ResourceTypes` and `/Schemas` (RFC 7644 §4),
//! served from `scim-schemas/` with run-time limits and `meta` filled in.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::{json, Value};

use super::json_response;
use crate::http::auth::scim_base_url;
use crate::http::state::AppState;
use crate::scim::list::ListResponse;
use crate::scim::ScimError;

fn with_meta(mut doc: Value, resource_type: &str, location: String) -> Value {
    if let Some(o) = doc.as_object_mut() {
        o.insert(
            "meta".into(),
            json!({"resourceType": resource_type, "location": location}),
        );
    }
    doc
}

/// `GET /ServiceProviderConfig`.
pub async fn service_provider_config(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    let mut doc = state.registry().service_provider_config().clone();
    let page = state.settings.max_page_size;
    let settings: [(&str, Value); 5] = [
        ("/filter/maxResults", page.into()),
        // RFC 9865 §4: the page size used when `count` is absent, and the most allowed.
        ("/pagination/defaultPageSize", page.into()),
        ("/pagination/maxPageSize", page.into()),
        // The one body-size limit RFC 7643 gives a place to advertise; it
        // applies to every request, not only to Bulk.
        (
            "/bulk/maxPayloadSize",
            state.settings.max_payload_bytes.into(),
        ),
        ("/bulk/maxOperations", super::bulk::MAX_OPERATIONS.into()),
    ];
    for (pointer, value) in settings {
        // The embedded document has every one of these places; the
        // discovery tests read each value back.
        if let Some(place) = doc.pointer_mut(pointer) {
            *place = value;
        }
    }
    let location = format!("{}/ServiceProviderConfig", scim_base_url(&req, &state));
    json_response(
        StatusCode::OK,
        &with_meta(doc, "ServiceProviderConfig", location),
    )
}

fn resource_type_doc(state: &AppState, req: &HttpRequest, doc: &Value) -> Value {
    let id = doc["id"].as_str().unwrap_or_default();
    let location = format!("{}/ResourceTypes/{id}", scim_base_url(req, state));
    with_meta(doc.clone(), "ResourceType", location)
}

/// `GET /ResourceTypes`.
pub async fn resource_types(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    let docs: Vec<Value> = state
        .registry()
        .resource_types()
        .iter()
        .map(|d| resource_type_doc(&state, &req, d))
        .collect();
    json_response(
        StatusCode::OK,
        &ListResponse::indexed(docs.len() as u64, 1, docs),
    )
}

/// `GET /ResourceTypes/{name}`.
pub async fn resource_type(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ScimError> {
    let name = req.match_info().get("name").unwrap_or_default();
    let registry = state.registry();
    let doc = registry
        .resource_types()
        .iter()
        .find(|d| {
            d["id"]
                .as_str()
                .is_some_and(|id| id.eq_ignore_ascii_case(name))
        })
        .ok_or_else(|| ScimError::not_found(format!("no resource type {name}")))?;
    Ok(json_response(
        StatusCode::OK,
        &resource_type_doc(&state, &req, doc),
    ))
}

fn schema_doc(state: &AppState, req: &HttpRequest, doc: &Value) -> Value {
    let id = doc["id"].as_str().unwrap_or_default();
    let location = format!("{}/Schemas/{id}", scim_base_url(req, state));
    with_meta(doc.clone(), "Schema", location)
}

/// `GET /Schemas`.
pub async fn schemas(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    let docs: Vec<Value> = state
        .registry()
        .documents()
        .iter()
        .map(|d| schema_doc(&state, &req, d))
        .collect();
    json_response(
        StatusCode::OK,
        &ListResponse::indexed(docs.len() as u64, 1, docs),
    )
}

/// `GET /Schemas/{urn}`.
pub async fn schema(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ScimError> {
    let urn = req.match_info().get("urn").unwrap_or_default();
    let registry = state.registry();
    let doc = registry
        .document(urn)
        .ok_or_else(|| ScimError::not_found(format!("no schema {urn}")))?;
    Ok(json_response(
        StatusCode::OK,
        &schema_doc(&state, &req, doc),
    ))
}
