//! The admin web console at `/console`: server-rendered pages (askama
//! templates compiled into the binary), plain HTML forms that work without
//! script, and htmx for the search-as-you-type fields. Every page needs a
//! session; every form carries the session's CSRF token. Changes go through
//! the same `access` functions as the admin API, audited as the admin who
//! signed in.

pub mod assets;
mod audit;
mod directories;
mod error;
mod guests;
mod mappings;
mod overview;
mod page;
mod people;
mod policy;
mod products;
mod reports;
mod requests;
mod session;
mod sign_in;

use actix_web::web;

pub use error::ConsoleError;
pub use page::security_headers;
pub use session::COOKIE;

/// The console's routes, mounted at `/console`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    let get = web::get;
    let post = web::post;
    cfg.route("", get().to(overview::page))
        .route("/", get().to(overview::page))
        .route("/assets/{name}", get().to(assets::serve))
        .route("/sign-in", get().to(sign_in::page))
        .route("/sign-in", post().to(sign_in::sign_in))
        .route("/sign-out", post().to(sign_in::sign_out))
        .route("/directories", get().to(directories::page))
        .route("/directories", post().to(directories::connect))
        .route("/directories/{id}/tokens", post().to(directories::rotate))
        .route(
            "/directories/{id}/tokens/{token}/revoke",
            post().to(directories::revoke),
        )
        .route("/products", get().to(products::page))
        .route("/products", post().to(products::create_product))
        .route("/products/{key}", post().to(products::update_product))
        .route("/sites", post().to(products::create_site))
        .route("/mappings", get().to(mappings::page))
        .route("/mappings", post().to(mappings::create))
        .route("/mappings/groups", get().to(mappings::groups))
        .route("/mappings/{id}/delete", post().to(mappings::delete))
        .route("/policy", get().to(policy::page))
        .route("/policy", post().to(policy::save))
        .route("/policy/it-only", post().to(policy::it_only))
        .route("/requests", get().to(requests::page))
        .route("/requests/{id}/approve", post().to(requests::approve))
        .route("/requests/{id}/deny", post().to(requests::deny))
        .route("/people", get().to(people::page))
        .route("/people/search", get().to(people::results))
        .route("/people/{id}", get().to(people::person))
        .route(
            "/people/{person}/accounts/{account}/suspend",
            post().to(people::suspend),
        )
        .route(
            "/people/{person}/accounts/{account}/restore",
            post().to(people::restore),
        )
        .route("/guests", get().to(guests::page))
        .route("/guests/{id}/remove", post().to(guests::remove))
        .route("/reports", get().to(reports::page))
        .route("/reports/non-synced", get().to(reports::non_synced))
        .route("/reports/leavers", get().to(reports::leavers))
        .route("/reports/access.csv", get().to(reports::access_csv))
        .route("/reports/non-synced.csv", get().to(reports::non_synced_csv))
        .route("/audit", get().to(audit::page))
        .route("/audit/download", get().to(audit::download))
        .default_service(web::to(page::not_found));
}
