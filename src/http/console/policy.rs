//! Policy: IT-only mode first, with what turning it on will close shown
//! before the admin decides; then requests, invitations, approved domains,
//! automatic access, for the organization or one site.

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use super::error::ConsoleError;
use super::page::{done, render, Chrome};
use super::session::{Form, Posted, Signed};
use crate::access::policy::{
    self, ApprovedDomain, DomainMode, Invitations, PolicyFields, PolicyView,
};
use crate::access::policy_changes::{self, ItOnlyPreview, PolicyChange};
use crate::access::products::{self, SiteView};
use crate::access::{admin_roles, AccessError};
use crate::http::state::AppState;

#[derive(Template)]
#[template(path = "policy.html")]
struct PolicyPage {
    chrome: Chrome,
    site: Option<String>,
    sites: Vec<SiteView>,
    view: PolicyView,
    preview: Option<ItOnlyPreview>,
}

impl PolicyPage {
    fn invitations(&self) -> &'static str {
        match self.view.effective.invitations {
            Invitations::Off => "off",
            Invitations::Admins => "admins",
            Invitations::Users => "users",
        }
    }

    fn approved_domains(&self) -> String {
        self.view
            .effective
            .approved_domains
            .iter()
            .map(|d| match d.mode {
                DomainMode::Direct => format!("{} direct", d.domain),
                DomainMode::Approval => format!("{} approval", d.domain),
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The form's action, keeping the site.
    fn action(&self, path: &str) -> String {
        match &self.site {
            Some(s) => format!("{path}?site={}", encode(s)),
            None => path.to_owned(),
        }
    }
}

fn encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[derive(Template)]
#[template(path = "policy_changed.html")]
struct ChangedPage {
    chrome: Chrome,
    change: PolicyChange,
}

fn site_of(req: &HttpRequest) -> Result<Option<String>, ConsoleError> {
    Ok(crate::http::rest::query(req)?
        .remove("site")
        .filter(|s| !s.is_empty()))
}

/// `GET /console/policy[?site=ID]`.
pub async fn page(
    state: web::Data<AppState>,
    req: HttpRequest,
    signed: Signed,
) -> Result<HttpResponse, ConsoleError> {
    let site = site_of(&req)?;
    let now = state.clock.now_micros();
    let at = site.clone();
    let (sites, view, preview) = state
        .store
        .read(move |conn| {
            let view = policy::view(conn, at.as_deref())?;
            let preview = if view.effective.it_only {
                None
            } else {
                Some(policy_changes::it_only_preview(conn, at.as_deref(), now)?)
            };
            Ok::<_, AccessError>((products::list_sites(conn)?, view, preview))
        })
        .await?;
    render(&PolicyPage {
        chrome: signed.chrome("Policy", "policy"),
        site,
        sites,
        view,
        preview,
    })
}

/// Applies `fields` at `site`, as the admin API's `PUT /policy` does.
async fn apply(
    state: &AppState,
    posted: &Posted,
    site: Option<String>,
    fields: PolicyFields,
    revoke: bool,
) -> Result<PolicyChange, ConsoleError> {
    let scope_site = site.clone();
    Ok(posted
        .change_within(
            state,
            // The organization's policy is the org admin's; a site's
            // overrides, its site-admin's too.
            move |conn, standing| match scope_site.as_deref() {
                Some(site) => admin_roles::over_site(conn, standing, site),
                None => admin_roles::over_organization(standing),
            },
            move |conn, ctx| policy_changes::apply(conn, ctx, site.as_deref(), &fields, revoke),
        )
        .await?)
}

/// `POST /console/policy/it-only[?site=ID]`: `it_only` on or off; with
/// `revoke_non_synced`, turning it on also removes non-synced access.
pub async fn it_only(
    state: web::Data<AppState>,
    req: HttpRequest,
    posted: Posted,
) -> Result<HttpResponse, ConsoleError> {
    let on = match posted.form.need("it_only", "On or off")? {
        "on" => true,
        "off" => false,
        other => {
            return Err(ConsoleError::Invalid(format!(
                "IT-only mode is on or off, not \"{other}\""
            )))
        }
    };
    let revoke = on && posted.form.ticked("revoke_non_synced");
    let fields = PolicyFields {
        it_only: Some(on),
        ..PolicyFields::default()
    };
    let change = apply(&state, &posted, site_of(&req)?, fields, revoke).await?;
    if !on {
        return Ok(done("/console/policy", "IT-only mode is off."));
    }
    render(&ChangedPage {
        chrome: posted.signed.chrome("IT-only mode is on", "policy"),
        change,
    })
}

fn lines(form: &Form, name: &str) -> Vec<String> {
    form.get(name)
        .map(|t| {
            t.split(['\n', ','])
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn approved_domains(form: &Form) -> Result<Vec<ApprovedDomain>, ConsoleError> {
    lines(form, "approved_domains")
        .into_iter()
        .map(|line| {
            let mut words = line.split_whitespace();
            let domain = words.next().unwrap_or_default().to_lowercase();
            let mode = match words.next() {
                None | Some("direct") => DomainMode::Direct,
                Some("approval") => DomainMode::Approval,
                Some(other) => {
                    return Err(ConsoleError::Invalid(format!(
                        "\"{line}\": a domain's mode is direct or approval, not \"{other}\""
                    )))
                }
            };
            Ok(ApprovedDomain { domain, mode })
        })
        .collect()
}

/// `POST /console/policy[?site=ID]`: the self-service settings.
pub async fn save(
    state: web::Data<AppState>,
    req: HttpRequest,
    posted: Posted,
) -> Result<HttpResponse, ConsoleError> {
    let f = &posted.form;
    let invitations = match f.need("invitations", "Who may invite")? {
        "off" => Invitations::Off,
        "admins" => Invitations::Admins,
        "users" => Invitations::Users,
        other => {
            return Err(ConsoleError::Invalid(format!(
                "\"{other}\" is not an invitations setting"
            )))
        }
    };
    let fields = PolicyFields {
        it_only: None,
        access_requests: Some(f.ticked("access_requests")),
        invitations: Some(invitations),
        approved_domains: Some(approved_domains(f)?),
        auto_access: Some(lines(f, "auto_access")),
        verified_domains: Some(
            lines(f, "verified_domains")
                .into_iter()
                .map(|d| d.to_lowercase())
                .collect(),
        ),
    };
    let site = site_of(&req)?;
    let back = match &site {
        Some(s) => format!("/console/policy?site={}", encode(s)),
        None => "/console/policy".to_owned(),
    };
    let change = apply(&state, &posted, site, fields, false).await?;
    let closed = change.revoked_invitations.len();
    let notice = if closed > 0 {
        format!("Policy saved; {closed} open invitation(s) it no longer allows were revoked.")
    } else {
        "Policy saved.".to_owned()
    };
    Ok(done(&back, &notice))
}
