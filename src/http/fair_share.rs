//! Marks each request's reads with its share: a hash of its credential
//! (the `Authorization` value), so the readers can keep one directory's
//! costly reads from taking every reader (`store::readers`). A request
//! without credentials has no share; it is refused before it reads much.

use std::hash::BuildHasher;
use std::sync::OnceLock;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware;

use crate::store::as_share;

/// Runs the request with its reads counted against its credential's share.
pub async fn mark(
    req: ServiceRequest,
    next: middleware::Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    static HASHER: OnceLock<std::collections::hash_map::RandomState> = OnceLock::new();
    let share = req.headers().get(header::AUTHORIZATION).map(|credential| {
        HASHER
            .get_or_init(Default::default)
            .hash_one(credential.as_bytes())
    });
    match share {
        Some(share) => as_share(share, next.call(req)).await,
        None => next.call(req).await,
    }
}
