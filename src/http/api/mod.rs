//! The product API under `/api/v1`, called by the products themselves
//! with a product token: access requests, invitations, approved-domain
//! signups, and access decisions. Every refused self-service attempt is
//! recorded in the audit log.

use actix_web::http::Method;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::access::invitations::{self, Invited, NewInvitation};
use crate::access::requests::{self, NewRequest};
use crate::access::{decisions, invite_links, signups, AccessError};
use crate::http::auth::ProductPrincipal;
use crate::http::rest::{created, ok, parse, with_refusals_audited};
use crate::http::state::AppState;

/// Every product API operation: method, path below `/api/v1`, handler
/// (the OpenAPI document is held to exactly these, as for the admin API).
fn operations() -> Vec<(Method, &'static str, actix_web::Route)> {
    use Method as M;
    let to = web::route;
    vec![
        (M::POST, "/access-requests", to().to(create_request)),
        (M::POST, "/invitations", to().to(invite)),
        (
            M::POST,
            "/invitations/{id}/accept",
            to().to(accept_invitation),
        ),
        (M::POST, "/signups", to().to(signup)),
        (M::GET, "/invite-links/{token}", to().to(link_info)),
        (M::POST, "/invite-links/{token}/join", to().to(join_link)),
        (M::GET, "/decisions", to().to(decide)),
    ]
}

/// The product API routes, mounted at `/api/v1`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    for (method, path, route) in operations() {
        cfg.route(path, route.method(method));
    }
    cfg.default_service(web::to(no_such_route));
}

/// `(method, path)` of every product API operation, for the OpenAPI check.
pub fn operation_list() -> Vec<(String, &'static str)> {
    operations()
        .into_iter()
        .map(|(m, p, _)| (m.as_str().to_lowercase(), p))
        .collect()
}

async fn no_such_route() -> AccessError {
    AccessError::NotFound("no such product API route".into())
}

/// Runs a self-service change; a refusal is audited in its own transaction.
async fn self_service<T, F>(
    state: &web::Data<AppState>,
    who: &ProductPrincipal,
    attempt: &'static str,
    request: Value,
    work: F,
) -> Result<T, AccessError>
where
    F: Fn(&mut crate::store::DbConn, &crate::access::WriteContext) -> Result<T, AccessError>
        + Send
        + 'static,
    T: Send + 'static,
{
    let ctx = who.write_context(state.clock.now_micros());
    with_refusals_audited(state, ctx, attempt, request, work).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RequestBody {
    requester: String,
    product: String,
    #[serde(rename = "for")]
    for_whom: Option<String>,
    #[serde(default)]
    email_verified: bool,
}

/// `POST /access-requests`.
async fn create_request(
    state: web::Data<AppState>,
    who: ProductPrincipal,
    body: web::Bytes,
) -> Result<HttpResponse, AccessError> {
    let b: RequestBody = parse(&body)?;
    let new = NewRequest {
        requester: b.requester,
        product: b.product,
        for_whom: b.for_whom,
        email_verified: b.email_verified,
    };
    let summary = json!({"requester": new.requester, "product": new.product, "for": new.for_whom});
    let view = self_service(&state, &who, "access_request", summary, move |conn, ctx| {
        requests::create(conn, ctx, &new)
    })
    .await?;
    Ok(created(&view))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InvitationBody {
    email: String,
    product: String,
    #[serde(default = "crate::http::rest::user_role")]
    role: String,
    invited_by: Option<String>,
}

/// `POST /invitations`.
async fn invite(
    state: web::Data<AppState>,
    who: ProductPrincipal,
    body: web::Bytes,
) -> Result<HttpResponse, AccessError> {
    let b: InvitationBody = parse(&body)?;
    let new = NewInvitation {
        email: b.email,
        product: b.product,
        role: b.role,
        invited_by: b.invited_by,
    };
    let summary = json!({"email": new.email, "product": new.product, "role": new.role, "invited_by": new.invited_by});
    let invited = self_service(&state, &who, "invitation", summary, move |conn, ctx| {
        invitations::invite(conn, ctx, &new)
    })
    .await?;
    Ok(match invited {
        Invited::Sent(view) => created(&view),
        // The product's invitations need an admin's approval.
        Invited::PendingApproval(request) => HttpResponse::Accepted()
            .content_type("application/json")
            .body(json!({"status": "pending_approval", "request": request}).to_string()),
    })
}

/// `POST /invitations/{id}/accept`.
async fn accept_invitation(
    state: web::Data<AppState>,
    who: ProductPrincipal,
    id: web::Path<String>,
) -> Result<HttpResponse, AccessError> {
    let id = id.into_inner();
    let summary = json!({"invitation": id});
    let view = self_service(
        &state,
        &who,
        "invitation_accept",
        summary,
        move |conn, ctx| invitations::accept(conn, ctx, &id),
    )
    .await?;
    Ok(ok(&view))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SignupBody {
    email: String,
    product: String,
    #[serde(default)]
    email_verified: bool,
}

/// `POST /signups`.
async fn signup(
    state: web::Data<AppState>,
    who: ProductPrincipal,
    body: web::Bytes,
) -> Result<HttpResponse, AccessError> {
    let b: SignupBody = parse(&body)?;
    let summary =
        json!({"email": b.email, "product": b.product, "email_verified": b.email_verified});
    let view = self_service(&state, &who, "signup", summary, move |conn, ctx| {
        signups::signup(conn, ctx, &b.email, &b.product, b.email_verified)
    })
    .await?;
    Ok(created(&view))
}

/// `GET /invite-links/{token}`: what a live link grants (410 when dead).
async fn link_info(
    state: web::Data<AppState>,
    _: ProductPrincipal,
    token: web::Path<String>,
) -> Result<HttpResponse, AccessError> {
    let (token, now) = (token.into_inner(), state.clock.now_micros());
    Ok(ok(&state
        .store
        .read(move |conn| invite_links::info(conn, &token, now))
        .await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JoinBody {
    email: String,
    #[serde(default)]
    email_verified: bool,
}

/// `POST /invite-links/{token}/join {"email","email_verified"}`.
async fn join_link(
    state: web::Data<AppState>,
    who: ProductPrincipal,
    token: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AccessError> {
    let b: JoinBody = parse(&body)?;
    let token = token.into_inner();
    let summary = json!({"email": b.email, "email_verified": b.email_verified});
    let joined = self_service(&state, &who, "invite_link", summary, move |conn, ctx| {
        invite_links::join(conn, ctx, &token, &b.email, b.email_verified)
    })
    .await?;
    Ok(created(&joined))
}

/// `GET /decisions?user=…&product=…`.
async fn decide(
    state: web::Data<AppState>,
    _: ProductPrincipal,
    req: HttpRequest,
) -> Result<HttpResponse, AccessError> {
    let mut q = crate::http::rest::query(&req)?;
    let (Some(user), Some(product)) = (q.remove("user"), q.remove("product")) else {
        return Err(AccessError::Invalid(
            "decisions need ?user=…&product=…".into(),
        ));
    };
    let decision = state
        .store
        .read(move |conn| decisions::decide(conn, &user, &product))
        .await?;
    Ok(ok(&decision))
}
