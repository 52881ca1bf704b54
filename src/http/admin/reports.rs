//! `/reports`: access by product and group, non-synced access, licenses.

use actix_web::{web, HttpRequest, HttpResponse};

use super::{items, query};
use crate::access::{reports, AccessError};
use crate::http::auth::AdminPrincipal;
use crate::http::AppState;

/// `GET /reports/access[?product=KEY]`: who has which product, via which group.
pub async fn access(
    state: web::Data<AppState>,
    _: AdminPrincipal,
    req: HttpRequest,
) -> Result<HttpResponse, AccessError> {
    let product = query(&req)?.remove("product");
    Ok(items(
        state
            .store
            .read(move |conn| reports::access(conn, product.as_deref()))
            .await?,
    ))
}

/// `GET /reports/non-synced-access`: licensed access no synced group explains.
pub async fn non_synced(
    state: web::Data<AppState>,
    _: AdminPrincipal,
) -> Result<HttpResponse, AccessError> {
    Ok(items(
        state
            .store
            .read(|conn| reports::non_synced(conn, None))
            .await?,
    ))
}

/// `GET /reports/licenses`: licenses per product, guests counted apart.
pub async fn licenses(
    state: web::Data<AppState>,
    _: AdminPrincipal,
) -> Result<HttpResponse, AccessError> {
    Ok(items(state.store.read(reports::licenses).await?))
}
