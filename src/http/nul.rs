//! A URL holding a NUL (`%00`) in its path or query is refused before
//! routing, with the error body of the API it addressed: no id, name or
//! parameter may hold one (`scim::nul`), and PostgreSQL answered a lookup
//! of such an id with a 500.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware;

use crate::access::AccessError;
use crate::scim::ScimError;

const DETAIL: &str = "the URL holds a NUL character (%00), which no id, name or parameter may hold";

/// Whether a request target (path and query, as sent) encodes a NUL.
fn encodes_nul(target: &str) -> bool {
    target
        .as_bytes()
        .windows(3)
        .any(|w| w.eq_ignore_ascii_case(b"%00"))
}

/// Refuses a request whose URL encodes a NUL.
pub async fn refuse(
    req: ServiceRequest,
    next: middleware::Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let target = req.uri().path_and_query().map_or("", |pq| pq.as_str());
    if encodes_nul(target) {
        return Err(if req.path().starts_with("/scim/") {
            ScimError::invalid_value(DETAIL).into()
        } else {
            AccessError::Invalid(DETAIL.into()).into()
        });
    }
    next.call(req).await
}

#[cfg(test)]
mod tests {
    use super::encodes_nul;

    #[test]
    fn only_an_encoded_nul_is_refused() {
        for (target, nul) in [
            ("/scim/v2/Users/a%00b", true),
            ("/scim/v2/Users?filter=userName%20eq%20%22a%00%22", true),
            ("/scim/v2/Users/a%2500b", false),
            ("/scim/v2/Users/a%20b", false),
            ("/scim/v2/Users/%0", false),
            ("/", false),
        ] {
            assert_eq!(encodes_nul(target), nul, "{target}");
        }
    }
}
