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

use std::collections::HashMap;
use std::sync::OnceLock;

use actix_web::http::Method;
use actix_web::web;

use crate::access::roles::Need;

pub use error::ConsoleError;
pub use page::security_headers;
pub use session::COOKIE;

/// One console page or form: method, path below `/console`, what it
/// needs of the signed-in admin's roles (`None`: no session needed).
type Page = (Method, &'static str, Option<Need>, actix_web::Route);

/// Every console page and form. Pages show what the roles may read;
/// forms that change one site's or one product's things are checked
/// against it again when they change it.
fn pages() -> Vec<Page> {
    use Method as M;
    use Need as N;
    let to = web::route;
    vec![
        (M::GET, "", Some(N::Read), to().to(overview::page)),
        (M::GET, "/", Some(N::Read), to().to(overview::page)),
        (M::GET, "/assets/{name}", None, to().to(assets::serve)),
        (M::GET, "/sign-in", None, to().to(sign_in::page)),
        (M::POST, "/sign-in", None, to().to(sign_in::sign_in)),
        (M::GET, "/sign-in/oidc", None, to().to(oidc::start)),
        (M::GET, "/oidc/callback", None, to().to(oidc::callback)),
        (
            M::POST,
            "/sign-out",
            Some(N::Read),
            to().to(sign_in::sign_out),
        ),
        (
            M::GET,
            "/directories",
            Some(N::Read),
            to().to(directories::page),
        ),
        (
            M::POST,
            "/directories",
            Some(N::Org),
            to().to(directories::connect),
        ),
        (
            M::POST,
            "/directories/{id}/tokens",
            Some(N::Org),
            to().to(directories::rotate),
        ),
        (
            M::POST,
            "/directories/{id}/tokens/{token}/revoke",
            Some(N::Org),
            to().to(directories::revoke),
        ),
        (M::GET, "/products", Some(N::Read), to().to(products::page)),
        (
            M::POST,
            "/products",
            Some(N::Site),
            to().to(products::create_product),
        ),
        (
            M::POST,
            "/products/{key}",
            Some(N::Site),
            to().to(products::update_product),
        ),
        (
            M::POST,
            "/sites",
            Some(N::Org),
            to().to(products::create_site),
        ),
        (M::GET, "/mappings", Some(N::Read), to().to(mappings::page)),
        (
            M::POST,
            "/mappings",
            Some(N::Site),
            to().to(mappings::create),
        ),
        (
            M::GET,
            "/mappings/groups",
            Some(N::Read),
            to().to(mappings::groups),
        ),
        (
            M::POST,
            "/mappings/{id}/delete",
            Some(N::Site),
            to().to(mappings::delete),
        ),
        (M::GET, "/policy", Some(N::Read), to().to(policy::page)),
        (M::POST, "/policy", Some(N::Site), to().to(policy::save)),
        (
            M::POST,
            "/policy/it-only",
            Some(N::Site),
            to().to(policy::it_only),
        ),
        (M::GET, "/requests", Some(N::Read), to().to(requests::page)),
        (
            M::POST,
            "/requests/{id}/approve",
            Some(N::Members),
            to().to(requests::approve),
        ),
        (
            M::POST,
            "/requests/{id}/deny",
            Some(N::Members),
            to().to(requests::deny),
        ),
        (M::GET, "/people", Some(N::Read), to().to(people::page)),
        (
            M::GET,
            "/people/search",
            Some(N::Read),
            to().to(people::results),
        ),
        (
            M::GET,
            "/people/{id}",
            Some(N::Read),
            to().to(people::person),
        ),
        (
            M::POST,
            "/people/{person}/accounts/{account}/suspend",
            Some(N::Org),
            to().to(people::suspend),
        ),
        (
            M::POST,
            "/people/{person}/accounts/{account}/restore",
            Some(N::Org),
            to().to(people::restore),
        ),
        (M::GET, "/guests", Some(N::Read), to().to(guests::page)),
        (
            M::POST,
            "/guests/{id}/remove",
            Some(N::Site),
            to().to(guests::remove),
        ),
        (M::GET, "/reports", Some(N::Audit), to().to(reports::page)),
        (
            M::GET,
            "/reports/non-synced",
            Some(N::Audit),
            to().to(reports::non_synced),
        ),
        (
            M::GET,
            "/reports/leavers",
            Some(N::Audit),
            to().to(reports::leavers),
        ),
        (
            M::GET,
            "/reports/access.csv",
            Some(N::Audit),
            to().to(reports::access_csv),
        ),
        (
            M::GET,
            "/reports/non-synced.csv",
            Some(N::Audit),
            to().to(reports::non_synced_csv),
        ),
        (M::GET, "/audit", Some(N::Audit), to().to(audit::page)),
        (
            M::GET,
            "/audit/download",
            Some(N::Audit),
            to().to(audit::download),
        ),
    ]
}

/// The console's routes, mounted at `/console`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    for (method, path, _, route) in pages() {
        cfg.route(path, route.method(method));
    }
    cfg.default_service(web::to(page::not_found));
}

/// What the console page at `pattern` (matched, `/console` included)
/// with `method` needs of the signed-in admin's roles; a page not in the
/// table needs org-admin (closed by default).
pub fn need_of(method: &Method, pattern: &str) -> Need {
    static NEEDS: OnceLock<HashMap<(Method, &'static str), Option<Need>>> = OnceLock::new();
    let needs = NEEDS.get_or_init(|| {
        pages()
            .into_iter()
            .map(|(m, p, need, _)| ((m, p), need))
            .collect()
    });
    let path = pattern.strip_prefix("/console").unwrap_or(pattern);
    match needs.get(&(method.clone(), path)) {
        Some(Some(need)) => *need,
        Some(None) => Need::Read,
        None => Need::Org,
    }
}

/// Every console page that needs a session, and its need, for the role tests.
pub fn page_needs() -> Vec<(String, &'static str, Need)> {
    pages()
        .into_iter()
        .filter_map(|(m, p, need, _)| need.map(|n| (m.as_str().to_owned(), p, n)))
        .collect()
}
