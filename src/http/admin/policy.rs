//! `/policy`: the access policy of the organization or of a site.

use actix_web::{web, HttpRequest, HttpResponse};

use crate::access::policy::{self, PolicyFields};
use crate::access::{admin_roles, policy_changes, AccessError};
use crate::http::auth::AdminPrincipal;
use crate::http::rest::{ok, parse, query};
use crate::http::state::AppState;

/// `GET /policy[?site=ID]`: effective policy and the fields set there.
pub async fn get(
    state: web::Data<AppState>,
    _: AdminPrincipal,
    req: HttpRequest,
) -> Result<HttpResponse, AccessError> {
    let site = query(&req)?.remove("site");
    Ok(ok(&state
        .store
        .read(move |conn| policy::view(conn, site.as_deref()))
        .await?))
}

/// `PUT /policy[?site=ID][&revoke_non_synced=true]`: sets any subset of
/// the fields. Turning IT-only mode on closes pending requests and reports
/// the access that did not come from synced groups; `revoke_non_synced`
/// also removes it. Open invitations the new policy refuses (IT-only mode,
/// invitations off) are revoked.
pub async fn put(
    state: web::Data<AppState>,
    who: AdminPrincipal,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, AccessError> {
    let changes: PolicyFields = parse(&body)?;
    let mut q = query(&req)?;
    let site = q.remove("site");
    let revoke = match q.remove("revoke_non_synced").as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => {
            return Err(AccessError::Invalid(format!(
                "revoke_non_synced is true or false, not \"{other}\""
            )))
        }
    };
    let ctx = who.write_context(state.clock.now_micros());
    let change = state
        .store
        .write(move |conn| {
            // The organization's policy is the org admin's; a site's
            // overrides, its site-admin's too.
            let held = match site.as_deref() {
                Some(site) => admin_roles::over_site(conn, &who.standing, site)?,
                None => admin_roles::over_organization(&who.standing)?,
            };
            let ctx = admin_roles::acting(&ctx, held);
            policy_changes::apply(conn, &ctx, site.as_deref(), &changes, revoke)
        })
        .await?;
    Ok(ok(&change))
}
