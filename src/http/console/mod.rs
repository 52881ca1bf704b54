//! The admin web console at `/console`: server-rendered pages (askama
//! templates compiled into the binary), plain HTML forms that work without
//! script, and htmx for the search-as-you-type fields. Every page needs a
//! session; every form carries the session's CSRF token. Changes go through
//! the same `access` functions as the admin API, audited as the admin who
//! signed in.

mod admins;
pub mod assets;
mod audit;
mod directories;
mod error;
mod gates;
mod guests;
mod mappings;
mod oidc;
mod overview;
mod page;
mod people;
mod policy;
mod products;
mod reports;
mod requests;
mod session;
mod sign_in;

use actix_web::http::Method;
use actix_web::web;

pub use error::ConsoleError;
pub use oidc::START_METADATA_TTL;
pub use page::security_headers;
pub use session::COOKIE;

/// One console page or form: method, path below `/console`, handler.
/// What each needs of the signed-in admin's roles is in `gates`.
type Page = (Method, &'static str, actix_web::Route);

/// Every console page and form.
fn pages() -> Vec<Page> {
    use Method as M;
    let to = web::route;
    vec![
        (M::GET, "", to().to(overview::page)),
        (M::GET, "/", to().to(overview::page)),
        (M::GET, "/assets/{name}", to().to(assets::serve)),
        (M::GET, "/sign-in", to().to(sign_in::page)),
        (M::POST, "/sign-in", to().to(sign_in::sign_in)),
        (M::GET, "/sign-in/oidc", to().to(oidc::start)),
        (M::GET, "/oidc/callback", to().to(oidc::callback)),
        (M::POST, "/sign-out", to().to(sign_in::sign_out)),
        (M::GET, "/directories", to().to(directories::page)),
        (M::POST, "/directories", to().to(directories::connect)),
        (
            M::POST,
            "/directories/{id}/tokens",
            to().to(directories::rotate),
        ),
        (
            M::POST,
            "/directories/{id}/tokens/{token}/revoke",
            to().to(directories::revoke),
        ),
        (M::GET, "/products", to().to(products::page)),
        (M::POST, "/products", to().to(products::create_product)),
        (
            M::POST,
            "/products/{key}",
            to().to(products::update_product),
        ),
        (M::POST, "/sites", to().to(products::create_site)),
        (M::GET, "/mappings", to().to(mappings::page)),
        (M::POST, "/mappings", to().to(mappings::create)),
        (M::GET, "/mappings/groups", to().to(mappings::groups)),
        (M::POST, "/mappings/{id}/delete", to().to(mappings::delete)),
        (M::GET, "/policy", to().to(policy::page)),
        (M::POST, "/policy", to().to(policy::save)),
        (M::POST, "/policy/it-only", to().to(policy::it_only)),
        (M::GET, "/requests", to().to(requests::page)),
        (
            M::POST,
            "/requests/{id}/approve",
            to().to(requests::approve),
        ),
        (M::POST, "/requests/{id}/deny", to().to(requests::deny)),
        (M::GET, "/people", to().to(people::page)),
        (M::GET, "/people/search", to().to(people::results)),
        (M::GET, "/people/{id}", to().to(people::person)),
        (
            M::POST,
            "/people/{person}/accounts/{account}/suspend",
            to().to(people::suspend),
        ),
        (
            M::POST,
            "/people/{person}/accounts/{account}/restore",
            to().to(people::restore),
        ),
        (M::GET, "/guests", to().to(guests::page)),
        (M::POST, "/guests/{id}/remove", to().to(guests::remove)),
        (M::GET, "/reports", to().to(reports::page)),
        (M::GET, "/reports/non-synced", to().to(reports::non_synced)),
        (M::GET, "/reports/leavers", to().to(reports::leavers)),
        (M::GET, "/reports/access.csv", to().to(reports::access_csv)),
        (
            M::GET,
            "/reports/non-synced.csv",
            to().to(reports::non_synced_csv),
        ),
        (M::GET, "/audit", to().to(audit::page)),
        (M::GET, "/audit/download", to().to(audit::download)),
        (M::GET, "/admins", to().to(admins::page)),
        (M::POST, "/admins", to().to(admins::grant)),
        (M::POST, "/admins/{id}/revoke", to().to(admins::revoke)),
    ]
}

/// The console's routes, mounted at `/console`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    for (method, path, route) in pages() {
        cfg.route(path, route.method(method));
    }
    cfg.default_service(web::to(page::not_found));
}

/// `(method, path)` of every console page and form, for the gate check.
pub fn page_list() -> Vec<(String, &'static str)> {
    pages()
        .into_iter()
        .map(|(m, p, _)| (m.as_str().to_owned(), p))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_page_has_a_gate_and_every_gate_a_page() {
        let mut pages = super::page_list();
        let mut gated: Vec<(String, &str)> = super::gates::GATES
            .iter()
            .map(|(m, p, _)| (m.to_string(), *p))
            .collect();
        pages.sort();
        gated.sort();
        assert_eq!(pages, gated);
    }
}
