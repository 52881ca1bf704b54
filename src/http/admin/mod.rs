//! The admin REST API under `/admin/v1`: sites, products, mappings, local
//! groups, users' access and licenses. JSON in and out; errors are RFC 7807
//! problem documents. Every request carries an admin bearer token, except
//! the OpenAPI document.

mod audit;
mod catalog;
mod groups;
mod guests;
mod mappings;
pub mod openapi;
mod policy;
mod reports;
mod requests;
mod users;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::access::AccessError;

/// The admin routes, mounted at `/admin/v1`. `openapi.json` describes
/// exactly these (a test holds the two together).
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/openapi.json").get(openapi::document))
        .service(
            resource("/sites")
                .get(catalog::list_sites)
                .post(catalog::create_site),
        )
        .service(
            resource("/products")
                .get(catalog::list_products)
                .post(catalog::create_product),
        )
        .service(
            resource("/products/{key}")
                .get(catalog::get_product)
                .patch(catalog::update_product),
        )
        .service(resource("/products/{key}/licenses").get(catalog::product_licenses))
        .service(resource("/licenses").get(catalog::licenses))
        .service(
            resource("/mappings")
                .get(mappings::list)
                .post(mappings::create),
        )
        .service(
            resource("/mappings/{id}")
                .get(mappings::get)
                .delete(mappings::delete),
        )
        .service(resource("/groups").get(groups::list).post(groups::create))
        .service(
            resource("/groups/{id}")
                .get(groups::get)
                .delete(groups::delete),
        )
        .service(
            resource("/groups/{id}/members")
                .get(groups::members)
                .post(groups::add_members),
        )
        .service(resource("/groups/{id}/members/{user_id}").delete(groups::remove_member))
        .service(resource("/users/{id}/access").get(users::access))
        .service(resource("/users/{id}/suspend").post(users::suspend))
        .service(resource("/users/{id}/restore").post(users::restore))
        .service(resource("/customers").post(users::create_customer))
        .service(resource("/policy").get(policy::get).put(policy::put))
        .service(resource("/access-requests").get(requests::list))
        .service(resource("/access-requests/{id}").get(requests::get))
        .service(resource("/access-requests/{id}/approve").post(requests::approve))
        .service(resource("/access-requests/{id}/deny").post(requests::deny))
        .service(resource("/guests").get(guests::list).post(guests::invite))
        .service(
            resource("/guests/{id}")
                .get(guests::get)
                .delete(guests::remove),
        )
        .service(resource("/guests/{id}/spaces").post(guests::add_space))
        .service(resource("/guests/{id}/spaces/{space}").delete(guests::remove_space))
        .service(resource("/guests/{id}/promote").post(guests::promote))
        .service(resource("/audit").get(audit::list))
        .service(resource("/reports/access").get(reports::access))
        .service(resource("/reports/non-synced-access").get(reports::non_synced))
        .service(resource("/reports/licenses").get(reports::licenses))
        .default_service(web::to(no_such_route));
}

/// An admin endpoint: methods it does not serve answer 405 as a problem.
fn resource(path: &str) -> actix_web::Resource {
    web::resource(path).default_service(web::to(method_not_allowed))
}

async fn no_such_route() -> AccessError {
    AccessError::NotFound("no such admin API route; see /admin/v1/openapi.json".into())
}

async fn method_not_allowed() -> HttpResponse {
    problem(
        405,
        "method_not_allowed",
        "this route does not serve that method; see /admin/v1/openapi.json",
    )
}

fn problem(status: u16, code: &str, detail: &str) -> HttpResponse {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    HttpResponse::build(status)
        .content_type(crate::http::error::PROBLEM_CONTENT_TYPE)
        .body(
            serde_json::json!({
                "type": "about:blank",
                "title": status.canonical_reason().unwrap_or("Error"),
                "status": status.as_u16(),
                "code": code,
                "detail": detail,
            })
            .to_string(),
        )
}

impl actix_web::Responder for AccessError {
    type Body = actix_web::body::BoxBody;
    fn respond_to(self, _: &actix_web::HttpRequest) -> HttpResponse {
        actix_web::ResponseError::error_response(&self)
    }
}

/// Reads a JSON request body into `T`; unknown fields and wrong types are
/// a 400 that says which.
pub(crate) fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, AccessError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(AccessError::Invalid("the request needs a JSON body".into()));
    }
    serde_json::from_slice(body)
        .map_err(|e| AccessError::Invalid(format!("the JSON body is not valid here: {e}")))
}

/// The query string as a map (a later repeat of a key wins).
pub(crate) fn query(
    req: &actix_web::HttpRequest,
) -> Result<std::collections::HashMap<String, String>, AccessError> {
    web::Query::<std::collections::HashMap<String, String>>::from_query(req.query_string())
        .map(web::Query::into_inner)
        .map_err(|e| AccessError::Invalid(format!("bad query string: {e}")))
}

/// A JSON response.
fn reply(status: StatusCode, body: &impl Serialize) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("application/json")
        .body(serde_json::to_string(body).unwrap_or_else(|_| "{}".into()))
}

pub(crate) fn ok(body: &impl Serialize) -> HttpResponse {
    reply(StatusCode::OK, body)
}

pub(crate) fn created(body: &impl Serialize) -> HttpResponse {
    reply(StatusCode::CREATED, body)
}

/// A list response: `{"items": [...]}`, so fields can be added beside it.
fn items<T: Serialize>(items: Vec<T>) -> HttpResponse {
    ok(&serde_json::json!({ "items": items }))
}
