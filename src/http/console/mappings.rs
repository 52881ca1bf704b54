//! Group mappings: find an IdP group as you type, map it to a product role,
//! see waiting and bound mappings, remove one. Under IT-only mode a local
//! group needs a break-glass reason, and the page says why.

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use super::error::ConsoleError;
use super::page::{done, render, search_text, Chrome};
use super::session::{refused_partial, Posted, Signed};
use crate::access::finder::{self, FoundGroup};
use crate::access::mappings::{self, MappingView, NewMapping};
use crate::access::{admin_roles, policy, products, AccessError, LOCAL_DIRECTORY};
use crate::http::state::AppState;

/// Most groups a search shows.
const FOUND_LIMIT: i64 = 20;

/// Groups found for a search, as the results list shows them.
struct Found {
    query: String,
    groups: Vec<FoundGroup>,
    it_only: bool,
}

impl Found {
    fn is_local(&self, g: &FoundGroup) -> bool {
        g.directory_id == LOCAL_DIRECTORY
    }
}

#[derive(Template)]
#[template(path = "group_results.html")]
struct GroupResults {
    found: Found,
}

#[derive(Template)]
#[template(path = "mappings.html")]
struct MappingsPage {
    chrome: Chrome,
    found: Found,
    /// `product:role` choices.
    roles: Vec<String>,
    mappings: Vec<MappingView>,
}

impl MappingsPage {
    fn group_name(&self, m: &MappingView) -> String {
        m.group
            .get("displayName")
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_owned()
    }
}

async fn find(state: &AppState, query: String) -> Result<Found, ConsoleError> {
    Ok(state
        .store
        .read(move |conn| {
            let groups = finder::groups(conn, &query, FOUND_LIMIT)?;
            let it_only = policy::view(conn, None)?.effective.it_only;
            Ok::<_, AccessError>(Found {
                query: query.clone(),
                groups,
                it_only,
            })
        })
        .await?)
}

/// `GET /console/mappings[?q=…]`.
pub async fn page(
    state: web::Data<AppState>,
    req: HttpRequest,
    signed: Signed,
) -> Result<HttpResponse, ConsoleError> {
    let found = find(&state, search_text(&req)?).await?;
    let (roles, mappings) = state
        .store
        .read(move |conn| {
            let roles = products::list(conn)?
                .into_iter()
                .flat_map(|p| {
                    p.roles
                        .iter()
                        .map(|r| format!("{}:{r}", p.key))
                        .collect::<Vec<_>>()
                })
                .collect();
            Ok::<_, AccessError>((roles, mappings::list(conn, None)?))
        })
        .await?;
    render(&MappingsPage {
        chrome: signed.chrome("Group mappings", "mappings"),
        found,
        roles,
        mappings,
    })
}

/// `GET /console/mappings/groups?q=…`: the results list alone, for the
/// search field to swap in as the admin types.
pub async fn groups(
    state: web::Data<AppState>,
    req: HttpRequest,
    signed: Result<Signed, ConsoleError>,
) -> Result<HttpResponse, ConsoleError> {
    if let Some(answer) = refused_partial(signed) {
        return Ok(answer);
    }
    let found = find(&state, search_text(&req)?).await?;
    render(&GroupResults { found })
}

/// `POST /console/mappings`: `group` (`directory|id`), `role`
/// (`product:role`), and a `break_glass_reason` when IT-only mode needs one.
pub async fn create(
    state: web::Data<AppState>,
    posted: Posted,
) -> Result<HttpResponse, ConsoleError> {
    let f = &posted.form;
    let group = f.need("group", "A group (search, then pick one)")?;
    let (directory, group) = group
        .split_once('|')
        .ok_or_else(|| ConsoleError::Invalid("pick a group from the search results".into()))?;
    let role = f.need("role", "A product role")?;
    let (product, role) = role
        .split_once(':')
        .ok_or_else(|| ConsoleError::Invalid(format!("\"{role}\" is not a product role")))?;
    let new = NewMapping {
        group: group.to_owned(),
        product: product.to_owned(),
        role: role.to_owned(),
        directory: (directory != LOCAL_DIRECTORY).then(|| directory.to_owned()),
        break_glass_reason: f.get("break_glass_reason").map(str::to_owned),
    };
    let product = new.product.clone();
    let (mapping, created) = posted
        .change_within(
            &state,
            move |conn, standing| admin_roles::over_product_settings(conn, standing, &product),
            move |conn, ctx| mappings::create(conn, ctx, new.clone()),
        )
        .await?;
    let name = mapping
        .group
        .get("displayName")
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_owned();
    let notice = if created {
        format!("{name} is mapped to {}:{}.", mapping.product, mapping.role)
    } else {
        format!(
            "{name} was already mapped to {}:{}.",
            mapping.product, mapping.role
        )
    };
    Ok(done("/console/mappings", &notice))
}

/// `POST /console/mappings/{id}/delete`.
pub async fn delete(
    state: web::Data<AppState>,
    id: web::Path<String>,
    posted: Posted,
) -> Result<HttpResponse, ConsoleError> {
    let id = id.into_inner();
    let mapping = id.clone();
    posted
        .change_within(
            &state,
            move |conn, standing| admin_roles::over_mapping(conn, standing, &mapping),
            move |conn, ctx| mappings::delete(conn, ctx, &id),
        )
        .await?;
    Ok(done("/console/mappings", "Mapping removed."))
}
