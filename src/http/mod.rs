//! HTTP: the route table, extractors, and the rendering of responses.

pub mod admin;
pub mod api;
pub mod auth;
pub mod body;
pub mod console;
pub mod draining;
pub mod error;
pub mod fair_share;
pub mod health;
pub mod kept_documents;
pub mod limiter;
pub mod metrics;
pub mod nul;
pub mod problem;
pub mod rate_limit;
pub mod request_log;
pub mod rest;
pub mod retry_after;
pub mod scim;
pub mod state;
pub mod tls;

pub use state::AppState;

use actix_web::{middleware, web};

/// The whole route table.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(health::healthz))
        .route("/readyz", web::get().to(health::readyz))
        .route("/metrics", web::get().to(metrics::metrics_for_admins))
        // The directory-scoped base must come first: `/scim/v2` would
        // otherwise claim `/scim/v2/directories/…` as its own prefix.
        .service(
            web::scope("/scim/v2/directories/{directory_id}")
                .wrap(middleware::from_fn(scim::sync::record))
                .configure(scim_routes),
        )
        .service(
            web::scope("/scim/v2")
                .wrap(middleware::from_fn(scim::sync::record))
                .configure(scim_routes),
        )
        .service(
            web::scope("/admin/v1")
                .wrap(middleware::from_fn(problem::as_problem))
                .configure(admin::routes),
        )
        .service(
            web::scope("/console")
                .wrap(console::security_headers())
                .configure(console::routes),
        )
        .service(
            web::scope("/api/v1")
                .wrap(middleware::from_fn(problem::as_problem))
                .configure(api::routes),
        );
}

/// The SCIM endpoints, mounted under both base URLs.
fn scim_routes(cfg: &mut web::ServiceConfig) {
    use crate::access::provisioning::{Groups, Users};
    use scim::discovery;
    use scim::listing::{list, search};
    use scim::resources::{create, delete, get, patch, replace};
    cfg.service(endpoint("/ServiceProviderConfig").get(discovery::service_provider_config))
        .service(endpoint("/ResourceTypes").get(discovery::resource_types))
        .service(endpoint("/ResourceTypes/{name}").get(discovery::resource_type))
        .service(endpoint("/Schemas").get(discovery::schemas))
        .service(endpoint("/Schemas/{urn}").get(discovery::schema))
        .service(endpoint("/.search").post(scim::search::search_all))
        .service(endpoint("/Bulk").post(scim::bulk::bulk))
        // `.search` before `{id}`, which would otherwise claim it.
        .service(endpoint("/Users/.search").post(search::<Users>))
        .service(endpoint("/Groups/.search").post(search::<Groups>))
        .service(endpoint("/Users").get(list::<Users>).post(create::<Users>))
        .service(
            endpoint("/Users/{id}")
                .get(get::<Users>)
                .put(replace::<Users>)
                .patch(patch::<Users>)
                .delete(delete::<Users>),
        )
        .service(
            endpoint("/Groups")
                .get(list::<Groups>)
                .post(create::<Groups>),
        )
        .service(
            endpoint("/Groups/{id}")
                .get(scim::group_read::get)
                .put(replace::<Groups>)
                .patch(patch::<Groups>)
                .delete(delete::<Groups>),
        )
        .service(web::resource("/Me").to(scim::me))
        .default_service(web::to(scim::no_such_endpoint));
}

/// A SCIM endpoint: methods it does not serve answer 405 with a SCIM error.
fn endpoint(path: &str) -> actix_web::Resource {
    web::resource(path).default_service(web::to(scim::method_not_allowed))
}
