//! Products and roles: sites, products with their roles, caps, default
//! groups, invite modes and anonymous access.

use actix_web::{web, HttpResponse};
use askama::Template;

use super::error::ConsoleError;
use super::page::{done, render, Chrome};
use super::session::{Form, Posted, Signed};
use crate::access::catalog::InviteMode;
use crate::access::licensing;
use crate::access::products::{self, NewProduct, ProductChanges, ProductView, SiteView};
use crate::access::{admin_roles, AccessError};
use crate::http::state::AppState;

struct ProductLine {
    p: ProductView,
    used: i64,
    default_group: String,
}

#[derive(Template)]
#[template(path = "products.html")]
struct ProductsPage {
    chrome: Chrome,
    sites: Vec<SiteView>,
    products: Vec<ProductLine>,
    modes: &'static [(&'static str, &'static str)],
}

/// Invite modes: value, label.
const MODES: &[(&str, &str)] = &[
    ("anyone", "Anyone may be invited"),
    ("approved_domains", "Only approved domains"),
    ("admin_approval", "Invitations need an admin's approval"),
    ("off", "No invitations"),
];

fn invite_mode(form: &Form) -> Result<Option<InviteMode>, ConsoleError> {
    Ok(match form.get("invite_mode") {
        None => None,
        Some("anyone") => Some(InviteMode::Anyone),
        Some("approved_domains") => Some(InviteMode::ApprovedDomains),
        Some("admin_approval") => Some(InviteMode::AdminApproval),
        Some("off") => Some(InviteMode::Off),
        Some(other) => {
            return Err(ConsoleError::Invalid(format!(
                "\"{other}\" is not an invite mode"
            )))
        }
    })
}

/// A cap field: blank means no cap.
fn cap(form: &Form) -> Result<Option<i64>, ConsoleError> {
    form.get("license_cap")
        .map(|c| {
            c.parse::<i64>().map_err(|_| {
                ConsoleError::Invalid(format!("the license cap \"{c}\" is not a whole number"))
            })
        })
        .transpose()
}

/// `GET /console/products`.
pub async fn page(
    state: web::Data<AppState>,
    signed: Signed,
) -> Result<HttpResponse, ConsoleError> {
    let (sites, products) = state
        .store
        .read(move |conn| {
            let used = licensing::all(conn)?;
            let lines = products::list(conn)?
                .into_iter()
                .map(|p| ProductLine {
                    used: used
                        .iter()
                        .find(|u| u.product == p.key)
                        .map_or(0, |u| u.used),
                    default_group: p
                        .default_group
                        .get("displayName")
                        .and_then(|v| v.as_str())
                        .unwrap_or_default()
                        .to_owned(),
                    p,
                })
                .collect();
            Ok::<_, AccessError>((products::list_sites(conn)?, lines))
        })
        .await?;
    render(&ProductsPage {
        chrome: signed.chrome("Products and roles", "products"),
        sites,
        products,
        modes: MODES,
    })
}

/// `POST /console/sites`.
pub async fn create_site(
    state: web::Data<AppState>,
    posted: Posted,
) -> Result<HttpResponse, ConsoleError> {
    let name = posted.form.need("name", "The site's name")?.to_owned();
    let site = posted
        .change(&state, move |conn, ctx| {
            products::create_site(conn, ctx, &name)
        })
        .await?;
    Ok(done(
        "/console/products",
        &format!("Site {} created.", site.name),
    ))
}

/// `POST /console/products`.
pub async fn create_product(
    state: web::Data<AppState>,
    posted: Posted,
) -> Result<HttpResponse, ConsoleError> {
    let f = &posted.form;
    let new = NewProduct {
        site: f.need("site", "The site")?.to_owned(),
        key: f.need("key", "The product key")?.to_owned(),
        name: f.get("name").map(str::to_owned),
        license_cap: cap(f)?,
        service_desk: None,
        anonymous_access: f.ticked("anonymous_access"),
        invite_mode: invite_mode(f)?,
    };
    let site = new.site.clone();
    let product = posted
        .change_within(
            &state,
            move |conn, standing| admin_roles::over_site(conn, standing, &site),
            move |conn, ctx| products::create_product(conn, ctx, new.clone()),
        )
        .await?;
    Ok(done(
        "/console/products",
        &format!("Product {} created with its default group.", product.key),
    ))
}

/// `POST /console/products/{key}`: cap, invite mode, anonymous access.
pub async fn update_product(
    state: web::Data<AppState>,
    key: web::Path<String>,
    posted: Posted,
) -> Result<HttpResponse, ConsoleError> {
    let key = key.into_inner();
    let f = &posted.form;
    let changes = ProductChanges {
        name: None,
        license_cap: Some(cap(f)?),
        anonymous_access: Some(f.ticked("anonymous_access")),
        invite_mode: invite_mode(f)?,
    };
    let product_key = key.clone();
    let product = posted
        .change_within(
            &state,
            move |conn, standing| admin_roles::over_product_settings(conn, standing, &product_key),
            move |conn, ctx| products::update(conn, ctx, &key, changes.clone()),
        )
        .await?;
    Ok(done(
        "/console/products",
        &format!("Product {} saved.", product.key),
    ))
}
