//! People: search by user name or email (as you type); a person's accounts
//! and identities, and their access with its source (which group, synced
//! or not, how the membership came about); suspend and restore an account.

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use super::error::ConsoleError;
use super::page::{done, render, search_text, Chrome};
use super::session::{refused_partial, Posted, Signed};
use crate::access::finder;
use crate::access::person_views::{self, PersonAccess, PersonView};
use crate::access::{accounts, AccessError};
use crate::http::state::AppState;

/// Most people a search shows.
const FOUND_LIMIT: i64 = 50;

struct Found {
    query: String,
    people: Vec<PersonView>,
}

#[derive(Template)]
#[template(path = "people_results.html")]
struct PeopleResults {
    found: Found,
}

#[derive(Template)]
#[template(path = "people.html")]
struct PeoplePage {
    chrome: Chrome,
    found: Found,
}

#[derive(Template)]
#[template(path = "person.html")]
struct PersonPage {
    chrome: Chrome,
    person: PersonView,
    access: PersonAccess,
}

async fn search(state: &AppState, req: &HttpRequest) -> Result<Found, ConsoleError> {
    let query = search_text(req)?;
    let text = query.clone();
    let people = state
        .store
        .read(move |conn| finder::people(conn, &text, FOUND_LIMIT))
        .await?;
    Ok(Found { query, people })
}

/// `GET /console/people[?q=…]`.
pub async fn page(
    state: web::Data<AppState>,
    req: HttpRequest,
    signed: Signed,
) -> Result<HttpResponse, ConsoleError> {
    let found = search(&state, &req).await?;
    render(&PeoplePage {
        chrome: signed.chrome("People", "people"),
        found,
    })
}

/// `GET /console/people/search?q=…`: the results alone, swapped in as the
/// admin types.
pub async fn results(
    state: web::Data<AppState>,
    req: HttpRequest,
    signed: Result<Signed, ConsoleError>,
) -> Result<HttpResponse, ConsoleError> {
    if let Some(answer) = refused_partial(signed) {
        return Ok(answer);
    }
    let found = search(&state, &req).await?;
    render(&PeopleResults { found })
}

/// `GET /console/people/{id}`.
pub async fn person(
    state: web::Data<AppState>,
    id: web::Path<String>,
    signed: Signed,
) -> Result<HttpResponse, ConsoleError> {
    let id = id.into_inner();
    let (person, access) = state
        .store
        .read(move |conn| {
            Ok::<_, AccessError>((
                person_views::get(conn, &id)?,
                person_views::access(conn, &id)?,
            ))
        })
        .await?;
    let title = person.email.clone().unwrap_or_else(|| person.id.clone());
    render(&PersonPage {
        chrome: signed.chrome(title, "people"),
        person,
        access,
    })
}

async fn set_suspended(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    posted: Posted,
    suspended: bool,
) -> Result<HttpResponse, ConsoleError> {
    let (person, account) = path.into_inner();
    posted
        .change(&state, move |conn, ctx| {
            accounts::set_suspended(conn, ctx, &account, suspended)
        })
        .await?;
    let notice = if suspended {
        "Account suspended: it holds no access and no license."
    } else {
        "Account restored."
    };
    Ok(done(&format!("/console/people/{person}"), notice))
}

/// `POST /console/people/{person}/accounts/{account}/suspend`.
pub async fn suspend(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    posted: Posted,
) -> Result<HttpResponse, ConsoleError> {
    set_suspended(state, path, posted, true).await
}

/// `POST /console/people/{person}/accounts/{account}/restore`.
pub async fn restore(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    posted: Posted,
) -> Result<HttpResponse, ConsoleError> {
    set_suspended(state, path, posted, false).await
}
