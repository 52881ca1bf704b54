//! HTTP: the route table, extractors, and the rendering of responses.

pub mod auth;
pub mod body;
pub mod error;
pub mod health;
pub mod scim;

use std::sync::Arc;

use actix_web::web;

use crate::clock::Clock;
use crate::config::Settings;
use crate::scim::schema::SchemaRegistry;
use crate::store::SharedStore;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: SharedStore,
    pub registry: Arc<SchemaRegistry>,
    pub settings: Arc<Settings>,
    pub clock: Arc<dyn Clock>,
}

/// The whole route table.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(health::healthz))
        .route("/readyz", web::get().to(health::readyz))
        // The directory-scoped base must come first: `/scim/v2` would
        // otherwise claim `/scim/v2/directories/…` as its own prefix.
        .service(web::scope("/scim/v2/directories/{directory_id}").configure(scim_routes))
        .service(web::scope("/scim/v2").configure(scim_routes));
}

/// The SCIM endpoints, mounted under both base URLs.
fn scim_routes(cfg: &mut web::ServiceConfig) {
    use scim::{discovery, groups, users};
    cfg.service(
        web::resource("/ServiceProviderConfig")
            .get(discovery::service_provider_config)
            .default_service(web::to(scim::method_not_allowed)),
    )
    .service(
        web::resource("/ResourceTypes")
            .get(discovery::resource_types)
            .default_service(web::to(scim::method_not_allowed)),
    )
    .service(
        web::resource("/ResourceTypes/{name}")
            .get(discovery::resource_type)
            .default_service(web::to(scim::method_not_allowed)),
    )
    .service(
        web::resource("/Schemas")
            .get(discovery::schemas)
            .default_service(web::to(scim::method_not_allowed)),
    )
    .service(
        web::resource("/Schemas/{urn}")
            .get(discovery::schema)
            .default_service(web::to(scim::method_not_allowed)),
    )
    .service(
        web::resource("/Users")
            .get(users::list)
            .post(users::create)
            .default_service(web::to(scim::method_not_allowed)),
    )
    .service(
        web::resource("/Users/{id}")
            .get(users::get)
            .put(users::replace)
            .delete(users::delete)
            .default_service(web::to(scim::method_not_allowed)),
    )
    .service(
        web::resource("/Groups")
            .get(groups::list)
            .post(groups::create)
            .default_service(web::to(scim::method_not_allowed)),
    )
    .service(
        web::resource("/Groups/{id}")
            .get(groups::get)
            .put(groups::replace)
            .delete(groups::delete)
            .default_service(web::to(scim::method_not_allowed)),
    )
    .service(web::resource("/Me").to(scim::me))
    .default_service(web::to(scim::no_such_endpoint));
}
