//! The OpenAPI 3.1 description of the admin API, kept beside the routes it
//! describes (a test sends a request to every operation it lists).

use actix_web::HttpResponse;

/// The document, as served.
pub const DOCUMENT: &str = include_str!("openapi.json");

/// `GET /admin/v1/openapi.json` (no token needed: it describes, it grants nothing).
pub async fn document() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(DOCUMENT)
}
