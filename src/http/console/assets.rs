//! The console's static files, compiled into the binary: its stylesheet,
//! its small script, and htmx (vendored from npm, BSD-0), which makes the
//! search-as-you-type fields update part of a page.

use actix_web::http::header;
use actix_web::{web, HttpResponse};

/// Name, content type, bytes.
const FILES: &[(&str, &str, &[u8])] = &[
    (
        "console.css",
        "text/css; charset=utf-8",
        include_bytes!("assets/console.css"),
    ),
    (
        "console.js",
        "text/javascript; charset=utf-8",
        include_bytes!("assets/console.js"),
    ),
    (
        "htmx.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("assets/htmx.min.js"),
    ),
];

/// The version pages put in asset URLs, so a new binary's files aren't
/// served from an old cache.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// `GET /console/assets/{name}`.
pub async fn serve(name: web::Path<String>) -> HttpResponse {
    match FILES.iter().find(|(n, _, _)| *n == name.as_str()) {
        Some((_, content_type, bytes)) => HttpResponse::Ok()
            .content_type(*content_type)
            .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
            .body(*bytes),
        None => HttpResponse::NotFound()
            .content_type("text/plain; charset=utf-8")
            .body("no such console file"),
    }
}
