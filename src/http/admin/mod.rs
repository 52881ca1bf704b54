//! The admin REST API under `/admin/v1`: sites, products, mappings, local
//! groups, users' access and licenses. JSON in and out; errors are RFC 7807
//! problem documents. Every request carries an admin bearer token, except
//! the OpenAPI document.

mod admin_roles;
mod admin_tokens;
pub(crate) mod audit;
mod catalog;
mod directories;
pub(crate) mod export;
mod groups;
mod guests;
mod invitations;
mod mappings;
pub mod openapi;
mod people;
mod policy;
pub(crate) mod reports;
mod requests;
mod schemas;
mod users;

use std::collections::HashMap;
use std::sync::OnceLock;

use actix_web::http::{Method, StatusCode};
use actix_web::{web, HttpResponse};

use crate::access::roles::Need;
use crate::access::AccessError;

/// One admin operation: method, path below `/admin/v1`, what it needs of
/// the caller's admin roles (`None`: open to all), handler.
type Operation = (Method, &'static str, Option<Need>, actix_web::Route);

/// Every admin operation. The route table is built from this list, the
/// caller's roles are checked against its `Need`, and a test holds
/// `openapi.json` to exactly the same operations.
fn operations() -> Vec<Operation> {
    use Method as M;
    use Need as N;
    let to = web::route;
    vec![
        (M::GET, "/openapi.json", None, to().to(openapi::document)),
        (
            M::GET,
            "/directories",
            Some(N::Read),
            to().to(directories::list),
        ),
        (
            M::GET,
            "/directories/{id}",
            Some(N::Read),
            to().to(directories::get),
        ),
        (
            M::PATCH,
            "/directories/{id}",
            Some(N::Org),
            to().to(directories::update),
        ),
        (
            M::GET,
            "/directories/{id}/sync-health",
            Some(N::Read),
            to().to(directories::sync_health),
        ),
        (M::GET, "/schemas", Some(N::Read), to().to(schemas::list)),
        (
            M::POST,
            "/schemas",
            Some(N::Org),
            to().to(schemas::register),
        ),
        (
            M::GET,
            "/schemas/{urn}",
            Some(N::Read),
            to().to(schemas::get),
        ),
        (
            M::DELETE,
            "/schemas/{urn}",
            Some(N::Org),
            to().to(schemas::remove),
        ),
        (
            M::GET,
            "/sites",
            Some(N::Read),
            to().to(catalog::list_sites),
        ),
        (
            M::POST,
            "/sites",
            Some(N::Org),
            to().to(catalog::create_site),
        ),
        (
            M::GET,
            "/products",
            Some(N::Read),
            to().to(catalog::list_products),
        ),
        (
            M::POST,
            "/products",
            Some(N::Site),
            to().to(catalog::create_product),
        ),
        (
            M::GET,
            "/products/{key}",
            Some(N::Read),
            to().to(catalog::get_product),
        ),
        (
            M::PATCH,
            "/products/{key}",
            Some(N::Site),
            to().to(catalog::update_product),
        ),
        (
            M::GET,
            "/products/{key}/licenses",
            Some(N::Read),
            to().to(catalog::product_licenses),
        ),
        (
            M::GET,
            "/licenses",
            Some(N::Read),
            to().to(catalog::licenses),
        ),
        (M::GET, "/mappings", Some(N::Read), to().to(mappings::list)),
        (
            M::POST,
            "/mappings",
            Some(N::Site),
            to().to(mappings::create),
        ),
        (
            M::GET,
            "/mappings/{id}",
            Some(N::Read),
            to().to(mappings::get),
        ),
        (
            M::DELETE,
            "/mappings/{id}",
            Some(N::Site),
            to().to(mappings::delete),
        ),
        (M::GET, "/groups", Some(N::Read), to().to(groups::list)),
        (M::POST, "/groups", Some(N::Org), to().to(groups::create)),
        (M::GET, "/groups/{id}", Some(N::Read), to().to(groups::get)),
        (
            M::DELETE,
            "/groups/{id}",
            Some(N::Org),
            to().to(groups::delete),
        ),
        (
            M::GET,
            "/groups/{id}/members",
            Some(N::Read),
            to().to(groups::members),
        ),
        (
            M::POST,
            "/groups/{id}/members",
            Some(N::Members),
            to().to(groups::add_members),
        ),
        (
            M::DELETE,
            "/groups/{id}/members/{user_id}",
            Some(N::Members),
            to().to(groups::remove_member),
        ),
        (M::GET, "/people", Some(N::Read), to().to(people::list)),
        (M::GET, "/people/{id}", Some(N::Read), to().to(people::get)),
        (
            M::GET,
            "/people/{id}/access",
            Some(N::Read),
            to().to(people::access),
        ),
        (
            M::GET,
            "/users/{id}/access",
            Some(N::Read),
            to().to(users::access),
        ),
        (
            M::POST,
            "/users/{id}/suspend",
            Some(N::Org),
            to().to(users::suspend),
        ),
        (
            M::POST,
            "/users/{id}/restore",
            Some(N::Org),
            to().to(users::restore),
        ),
        (
            M::POST,
            "/customers",
            Some(N::Org),
            to().to(users::create_customer),
        ),
        (M::GET, "/policy", Some(N::Read), to().to(policy::get)),
        (M::PUT, "/policy", Some(N::Site), to().to(policy::put)),
        (
            M::GET,
            "/access-requests",
            Some(N::Read),
            to().to(requests::list),
        ),
        (
            M::GET,
            "/access-requests/{id}",
            Some(N::Read),
            to().to(requests::get),
        ),
        (
            M::POST,
            "/access-requests/{id}/approve",
            Some(N::Members),
            to().to(requests::approve),
        ),
        (
            M::POST,
            "/access-requests/{id}/deny",
            Some(N::Members),
            to().to(requests::deny),
        ),
        (
            M::GET,
            "/invitations",
            Some(N::Read),
            to().to(invitations::list),
        ),
        (
            M::GET,
            "/invitations/{id}",
            Some(N::Read),
            to().to(invitations::get),
        ),
        (
            M::DELETE,
            "/invitations/{id}",
            Some(N::Org),
            to().to(invitations::revoke),
        ),
        (
            M::GET,
            "/invite-links",
            Some(N::Read),
            to().to(invitations::list_links),
        ),
        (
            M::POST,
            "/invite-links",
            Some(N::Org),
            to().to(invitations::create_link),
        ),
        (
            M::DELETE,
            "/invite-links/{id}",
            Some(N::Org),
            to().to(invitations::revoke_link),
        ),
        (M::GET, "/guests", Some(N::Read), to().to(guests::list)),
        (M::POST, "/guests", Some(N::Site), to().to(guests::invite)),
        (M::GET, "/guests/{id}", Some(N::Read), to().to(guests::get)),
        (
            M::DELETE,
            "/guests/{id}",
            Some(N::Site),
            to().to(guests::remove),
        ),
        (
            M::POST,
            "/guests/{id}/spaces",
            Some(N::Site),
            to().to(guests::add_space),
        ),
        (
            M::DELETE,
            "/guests/{id}/spaces/{space}",
            Some(N::Site),
            to().to(guests::remove_space),
        ),
        (
            M::POST,
            "/guests/{id}/promote",
            Some(N::Org),
            to().to(guests::promote),
        ),
        (M::GET, "/audit", Some(N::Audit), to().to(audit::list)),
        (
            M::GET,
            "/reports/access",
            Some(N::Audit),
            to().to(reports::access),
        ),
        (
            M::GET,
            "/reports/non-synced-access",
            Some(N::Audit),
            to().to(reports::non_synced),
        ),
        (
            M::GET,
            "/reports/licenses",
            Some(N::Audit),
            to().to(reports::licenses),
        ),
        (
            M::GET,
            "/reports/leavers",
            Some(N::Audit),
            to().to(reports::leavers),
        ),
        (
            M::GET,
            "/admin-roles",
            Some(N::Audit),
            to().to(admin_roles::list),
        ),
        (
            M::POST,
            "/admin-roles",
            Some(N::Org),
            to().to(admin_roles::grant),
        ),
        (
            M::DELETE,
            "/admin-roles/{id}",
            Some(N::Org),
            to().to(admin_roles::revoke),
        ),
        (
            M::GET,
            "/admin-tokens",
            Some(N::Org),
            to().to(admin_tokens::list),
        ),
        (
            M::POST,
            "/admin-tokens",
            Some(N::Org),
            to().to(admin_tokens::create),
        ),
        (
            M::DELETE,
            "/admin-tokens/{id}",
            Some(N::Org),
            to().to(admin_tokens::revoke),
        ),
        (M::GET, "/me", Some(N::Read), to().to(admin_roles::me)),
    ]
}

/// The admin routes, mounted at `/admin/v1`: one resource per path, in
/// the order of `operations`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    let mut resources: Vec<(&str, actix_web::Resource)> = Vec::new();
    for (method, path, _, route) in operations() {
        let route = route.method(method);
        match resources.iter().position(|(p, _)| *p == path) {
            Some(i) => {
                let (p, r) = resources.remove(i);
                resources.insert(i, (p, r.route(route)));
            }
            None => resources.push((path, resource(path).route(route))),
        }
    }
    for (_, r) in resources {
        cfg.service(r);
    }
    cfg.default_service(web::to(no_such_route));
}

/// `(method, path)` of every admin operation, for the OpenAPI check.
pub fn operation_list() -> Vec<(String, &'static str)> {
    operations()
        .into_iter()
        .map(|(m, p, _, _)| (m.as_str().to_lowercase(), p))
        .collect()
}

/// What the admin operation at `pattern` (the matched route pattern,
/// `/admin/v1` included) with `method` needs of the caller's roles; an
/// operation not in the table needs org-admin (closed by default).
pub fn need_of(method: &Method, pattern: &str) -> Need {
    static NEEDS: OnceLock<HashMap<(Method, &'static str), Option<Need>>> = OnceLock::new();
    let needs = NEEDS.get_or_init(|| {
        operations()
            .into_iter()
            .map(|(m, p, need, _)| ((m, p), need))
            .collect()
    });
    let path = pattern.strip_prefix("/admin/v1").unwrap_or(pattern);
    match needs.get(&(method.clone(), path)) {
        Some(Some(need)) => *need,
        Some(None) => Need::Read,
        None => Need::Org,
    }
}

/// Every gated operation and its need, for the role × route tests.
pub fn operation_needs() -> Vec<(String, &'static str, Need)> {
    operations()
        .into_iter()
        .filter_map(|(m, p, need, _)| need.map(|n| (m.as_str().to_owned(), p, n)))
        .collect()
}

/// An admin endpoint: methods it does not serve answer 405 as a problem.
fn resource(path: &str) -> actix_web::Resource {
    web::resource(path).default_service(web::to(method_not_allowed))
}

async fn no_such_route() -> AccessError {
    AccessError::NotFound("no such admin API route; see /admin/v1/openapi.json".into())
}

async fn method_not_allowed() -> HttpResponse {
    let status = StatusCode::METHOD_NOT_ALLOWED;
    crate::http::error::problem(
        status,
        &crate::http::error::problem_document(
            status,
            "method_not_allowed",
            "this route does not serve that method; see /admin/v1/openapi.json",
        ),
    )
}
