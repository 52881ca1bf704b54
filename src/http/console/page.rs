//! Rendering console pages: the frame around every page, HTML responses,
//! redirects after a form, and the headers every console response carries.

use actix_web::http::{header, Method};
use actix_web::middleware::DefaultHeaders;
use actix_web::HttpResponse;
use askama::Template;

use super::error::ConsoleError;
use crate::access::roles::Standing;

/// What the frame around a page shows: title, navigation, who is signed
/// in, the sign-out form's token and the last action's notice.
pub struct Chrome {
    pub title: String,
    /// The navigation entry this page belongs to.
    pub active: &'static str,
    pub csrf: String,
    pub who: String,
    pub notice: Option<String>,
    /// The navigation entries the signed-in admin's roles open.
    pub nav: Vec<(&'static str, &'static str, &'static str)>,
    /// What the signed-in admin holds: which forms the page shows.
    pub standing: Standing,
}

/// The console's navigation: path, label, key.
pub const NAV: &[(&str, &str, &str)] = &[
    ("/console", "Overview", "overview"),
    ("/console/directories", "Directories", "directories"),
    ("/console/products", "Products", "products"),
    ("/console/mappings", "Group mappings", "mappings"),
    ("/console/policy", "Policy", "policy"),
    ("/console/requests", "Requests", "requests"),
    ("/console/people", "People", "people"),
    ("/console/guests", "Guests", "guests"),
    ("/console/reports", "Reports", "reports"),
    ("/console/audit", "Audit log", "audit"),
    ("/console/admins", "Admins", "admins"),
];

impl Chrome {
    /// The navigation entries.
    pub fn nav(&self) -> &[(&'static str, &'static str, &'static str)] {
        &self.nav
    }

    /// Whether the page shows the form posting to `path` (see `gates::may_post`).
    pub fn may(&self, path: &str) -> bool {
        super::gates::may_post(&self.standing, path)
    }
}

/// The navigation entries whose pages `standing` may open.
pub fn nav_for(standing: &Standing) -> Vec<(&'static str, &'static str, &'static str)> {
    NAV.iter()
        .filter(|(href, _, _)| {
            standing
                .admit(super::gates::need_of(&Method::GET, href))
                .is_ok()
        })
        .copied()
        .collect()
}

/// A page, rendered.
pub fn render<T: Template>(page: &T) -> Result<HttpResponse, ConsoleError> {
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(page.render()?))
}

/// After a form: back to `path` (303, so a reload doesn't resubmit), with
/// a notice saying what was done.
pub fn done(path: &str, notice: &str) -> HttpResponse {
    let sep = if path.contains('?') { '&' } else { '?' };
    let notice: String = url::form_urlencoded::byte_serialize(notice.as_bytes()).collect();
    see_other(&format!("{path}{sep}notice={notice}"))
}

/// A 303 to `location`.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

/// The Content-Security-Policy: scripts and styles only from the console's
/// own files (no inline code, no `unsafe-inline`), nothing from elsewhere,
/// forms only to us, never framed.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Headers on every console response.
pub fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add((header::CONTENT_SECURITY_POLICY, CSP))
        .add((header::X_FRAME_OPTIONS, "DENY"))
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        // Not `no-referrer`: under it Chromium sends `Origin: null` with
        // every form, and the same-origin check could not tell ours apart.
        .add((header::REFERRER_POLICY, "same-origin"))
        .add((header::CACHE_CONTROL, "no-store"))
}

/// Microseconds since the epoch as `YYYY-MM-DD HH:MM UTC`.
pub fn when(micros: i64) -> String {
    chrono::DateTime::from_timestamp_micros(micros)
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default()
}

/// Any other path under `/console`.
pub async fn not_found() -> Result<HttpResponse, ConsoleError> {
    Err(ConsoleError::Access(crate::access::AccessError::NotFound(
        "there is no such console page".into(),
    )))
}

/// The text typed into a search field (`q`), cut at 200 characters.
pub fn search_text(req: &actix_web::HttpRequest) -> Result<String, ConsoleError> {
    Ok(crate::http::rest::query(req)?
        .remove("q")
        .unwrap_or_default()
        .chars()
        .take(200)
        .collect())
}

/// Marks a response as a file to save under `name`.
pub fn attachment(mut response: HttpResponse, name: &str) -> HttpResponse {
    if let Ok(value) = header::HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, value);
    }
    response
}
