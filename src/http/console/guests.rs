//! Guests: people from outside the organization, each in one space of a
//! product, holding no license; remove one.

use actix_web::{web, HttpResponse};
use askama::Template;

use super::error::ConsoleError;
use super::page::{done, render, Chrome};
use super::session::{Posted, Signed};
use crate::access::admin_roles;
use crate::access::guests::{self, GuestView};
use crate::http::state::AppState;

#[derive(Template)]
#[template(path = "guests.html")]
struct GuestsPage {
    chrome: Chrome,
    guests: Vec<GuestView>,
}

/// `GET /console/guests`.
pub async fn page(
    state: web::Data<AppState>,
    signed: Signed,
) -> Result<HttpResponse, ConsoleError> {
    let guests = state.store.read(guests::list).await?;
    render(&GuestsPage {
        chrome: signed.chrome("Guests", "guests"),
        guests,
    })
}

/// `POST /console/guests/{id}/remove`.
pub async fn remove(
    state: web::Data<AppState>,
    id: web::Path<String>,
    posted: Posted,
) -> Result<HttpResponse, ConsoleError> {
    let id = id.into_inner();
    let guest = id.clone();
    posted
        .change_within(
            &state,
            move |conn, standing| admin_roles::over_guest(conn, standing, &guest),
            move |conn, ctx| guests::remove(conn, ctx, &id),
        )
        .await?;
    Ok(done("/console/guests", "Guest removed."))
}
