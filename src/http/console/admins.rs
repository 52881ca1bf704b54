//! Admins: who holds which admin role (persons by email, IdP groups by
//! name); an org admin grants and removes them here, as with
//! `gatehouse admin grant` and `/admin/v1/admin-roles`.

use actix_web::{web, HttpResponse};
use askama::Template;

use super::error::ConsoleError;
use super::page::{done, render, Chrome};
use super::session::{Posted, Signed};
use crate::access::admin_roles::{self, NewRole, RoleView};
use crate::access::products::{self, SiteView};
use crate::access::roles::Role;
use crate::http::state::AppState;

#[derive(Template)]
#[template(path = "admins.html")]
struct AdminsPage {
    chrome: Chrome,
    roles: Vec<RoleView>,
    sites: Vec<SiteView>,
    role_names: Vec<&'static str>,
}

/// `GET /console/admins`.
pub async fn page(
    state: web::Data<AppState>,
    signed: Signed,
) -> Result<HttpResponse, ConsoleError> {
    let (roles, sites) = state
        .store
        .read(|conn| Ok::<_, ConsoleError>((admin_roles::list(conn)?, products::list_sites(conn)?)))
        .await?;
    render(&AdminsPage {
        chrome: signed.chrome("Admins", "admins"),
        roles,
        sites,
        role_names: Role::ALL.into_iter().map(Role::as_str).collect(),
    })
}

/// `POST /console/admins`: grant a role to a person or an IdP group.
pub async fn grant(
    state: web::Data<AppState>,
    posted: Posted,
) -> Result<HttpResponse, ConsoleError> {
    let f = &posted.form;
    let holder = f
        .need("holder", "The person's email or the group's name")?
        .to_owned();
    let is_group = f.get("kind") == Some("group");
    let new = NewRole {
        role: f.need("role", "The role")?.to_owned(),
        site: f.get("site").map(str::to_owned),
        product: f.get("product").map(str::to_owned),
        email: (!is_group).then(|| holder.clone()),
        group: is_group.then(|| holder.clone()),
        directory: None,
    };
    let (view, fresh) = posted
        .change(&state, move |conn, ctx| admin_roles::grant(conn, ctx, &new))
        .await?;
    let notice = if fresh {
        format!("{} granted to {holder}.", view.role)
    } else {
        format!("{holder} already holds {}.", view.role)
    };
    Ok(done("/console/admins", &notice))
}

/// `POST /console/admins/{id}/revoke`.
pub async fn revoke(
    state: web::Data<AppState>,
    id: web::Path<String>,
    posted: Posted,
) -> Result<HttpResponse, ConsoleError> {
    let id = id.into_inner();
    posted
        .change(&state, move |conn, ctx| admin_roles::revoke(conn, ctx, &id))
        .await?;
    Ok(done("/console/admins", "Admin role removed."))
}
