//! The admin REST API under `/admin/v1`: sites, products, mappings, local
//! groups, users' access and licenses. JSON in and out; errors are RFC 7807
//! problem documents. Every request carries an admin bearer token, except
//! the OpenAPI document.

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

use actix_web::http::{Method, StatusCode};
use actix_web::{web, HttpResponse};

use crate::access::AccessError;

/// Every admin operation: method, path below `/admin/v1`, handler. The
/// route table is built from this list, and a test holds `openapi.json`
/// to exactly the same operations.
fn operations() -> Vec<(Method, &'static str, actix_web::Route)> {
    use Method as M;
    let to = web::route;
    vec![
        (M::GET, "/openapi.json", to().to(openapi::document)),
        (M::GET, "/directories", to().to(directories::list)),
        (M::GET, "/directories/{id}", to().to(directories::get)),
        (M::PATCH, "/directories/{id}", to().to(directories::update)),
        (
            M::GET,
            "/directories/{id}/sync-health",
            to().to(directories::sync_health),
        ),
        (M::GET, "/schemas", to().to(schemas::list)),
        (M::POST, "/schemas", to().to(schemas::register)),
        (M::GET, "/schemas/{urn}", to().to(schemas::get)),
        (M::DELETE, "/schemas/{urn}", to().to(schemas::remove)),
        (M::GET, "/sites", to().to(catalog::list_sites)),
        (M::POST, "/sites", to().to(catalog::create_site)),
        (M::GET, "/products", to().to(catalog::list_products)),
        (M::POST, "/products", to().to(catalog::create_product)),
        (M::GET, "/products/{key}", to().to(catalog::get_product)),
        (
            M::PATCH,
            "/products/{key}",
            to().to(catalog::update_product),
        ),
        (
            M::GET,
            "/products/{key}/licenses",
            to().to(catalog::product_licenses),
        ),
        (M::GET, "/licenses", to().to(catalog::licenses)),
        (M::GET, "/mappings", to().to(mappings::list)),
        (M::POST, "/mappings", to().to(mappings::create)),
        (M::GET, "/mappings/{id}", to().to(mappings::get)),
        (M::DELETE, "/mappings/{id}", to().to(mappings::delete)),
        (M::GET, "/groups", to().to(groups::list)),
        (M::POST, "/groups", to().to(groups::create)),
        (M::GET, "/groups/{id}", to().to(groups::get)),
        (M::DELETE, "/groups/{id}", to().to(groups::delete)),
        (M::GET, "/groups/{id}/members", to().to(groups::members)),
        (
            M::POST,
            "/groups/{id}/members",
            to().to(groups::add_members),
        ),
        (
            M::DELETE,
            "/groups/{id}/members/{user_id}",
            to().to(groups::remove_member),
        ),
        (M::GET, "/people", to().to(people::list)),
        (M::GET, "/people/{id}", to().to(people::get)),
        (M::GET, "/people/{id}/access", to().to(people::access)),
        (M::GET, "/users/{id}/access", to().to(users::access)),
        (M::POST, "/users/{id}/suspend", to().to(users::suspend)),
        (M::POST, "/users/{id}/restore", to().to(users::restore)),
        (M::POST, "/customers", to().to(users::create_customer)),
        (M::GET, "/policy", to().to(policy::get)),
        (M::PUT, "/policy", to().to(policy::put)),
        (M::GET, "/access-requests", to().to(requests::list)),
        (M::GET, "/access-requests/{id}", to().to(requests::get)),
        (
            M::POST,
            "/access-requests/{id}/approve",
            to().to(requests::approve),
        ),
        (
            M::POST,
            "/access-requests/{id}/deny",
            to().to(requests::deny),
        ),
        (M::GET, "/invitations", to().to(invitations::list)),
        (M::GET, "/invitations/{id}", to().to(invitations::get)),
        (M::DELETE, "/invitations/{id}", to().to(invitations::revoke)),
        (M::GET, "/invite-links", to().to(invitations::list_links)),
        (M::POST, "/invite-links", to().to(invitations::create_link)),
        (
            M::DELETE,
            "/invite-links/{id}",
            to().to(invitations::revoke_link),
        ),
        (M::GET, "/guests", to().to(guests::list)),
        (M::POST, "/guests", to().to(guests::invite)),
        (M::GET, "/guests/{id}", to().to(guests::get)),
        (M::DELETE, "/guests/{id}", to().to(guests::remove)),
        (M::POST, "/guests/{id}/spaces", to().to(guests::add_space)),
        (
            M::DELETE,
            "/guests/{id}/spaces/{space}",
            to().to(guests::remove_space),
        ),
        (M::POST, "/guests/{id}/promote", to().to(guests::promote)),
        (M::GET, "/audit", to().to(audit::list)),
        (M::GET, "/reports/access", to().to(reports::access)),
        (
            M::GET,
            "/reports/non-synced-access",
            to().to(reports::non_synced),
        ),
        (M::GET, "/reports/licenses", to().to(reports::licenses)),
        (M::GET, "/reports/leavers", to().to(reports::leavers)),
    ]
}

/// The admin routes, mounted at `/admin/v1`: one resource per path, in
/// the order of `operations`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    let mut resources: Vec<(&str, actix_web::Resource)> = Vec::new();
    for (method, path, route) in operations() {
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
        .map(|(m, p, _)| (m.as_str().to_lowercase(), p))
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
