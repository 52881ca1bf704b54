//! Endpoint names as clients write them: a trailing slash and any letter
//! case (`/users`, `/Users/`), and `/serviceConfiguration` for
//! `/ServiceProviderConfig`, as Microsoft's SCIM test collection sends
//! them. The path is rewritten to the canonical name before routing, so
//! every handler sees one spelling; a canonical path is left untouched.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Uri;
use actix_web::middleware;

/// The SCIM base paths: a directory's and the short one.
const DIRECTORY_BASE: &str = "/scim/v2/directories/";
const SHORT_BASE: &str = "/scim/v2/";

/// Canonical endpoint names by their lowercase spelling.
const ENDPOINTS: &[(&str, &str)] = &[
    ("users", "Users"),
    ("groups", "Groups"),
    ("serviceproviderconfig", "ServiceProviderConfig"),
    ("serviceconfiguration", "ServiceProviderConfig"),
    ("resourcetypes", "ResourceTypes"),
    ("schemas", "Schemas"),
    ("bulk", "Bulk"),
    ("me", "Me"),
    (".search", ".search"),
];

/// The canonical spelling of a SCIM path, or `None` when it already is
/// (every request asks; a canonical path costs no allocation).
pub fn canonical_path(path: &str) -> Option<String> {
    let (base, rest) = split_base(path)?;
    let trimmed = rest.trim_end_matches('/');
    let (name, tail) = match trimmed.split_once('/') {
        Some((name, tail)) => (name, Some(tail)),
        None => (trimmed, None),
    };
    let canonical = ENDPOINTS
        .iter()
        .find(|(lower, _)| lower.eq_ignore_ascii_case(name))
        .map_or(name, |(_, c)| c);
    // `/.search` below a resource type is a name too.
    let tail_canonical = tail.map(|t| {
        if t.eq_ignore_ascii_case(".search") {
            ".search"
        } else {
            t
        }
    });
    if canonical == name && tail_canonical == tail && trimmed.len() == rest.len() {
        return None;
    }
    let mut out = format!("{base}{canonical}");
    if let Some(t) = tail_canonical {
        out.push('/');
        out.push_str(t);
    }
    Some(out)
}

/// A SCIM path split after its base (`/scim/v2/` or
/// `/scim/v2/directories/{id}/`), or `None` for any other path.
fn split_base(path: &str) -> Option<(&str, &str)> {
    let rest = path.strip_prefix(SHORT_BASE)?;
    let Some(after) = path.strip_prefix(DIRECTORY_BASE) else {
        return Some((SHORT_BASE, rest));
    };
    let (directory, tail) = after.split_once('/')?;
    let base_len = DIRECTORY_BASE.len() + directory.len() + 1;
    Some((&path[..base_len], tail))
}

/// Rewrites a non-canonical SCIM path before routing.
pub async fn normalize(
    mut req: ServiceRequest,
    next: middleware::Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if let Some(path) = canonical_path(req.path()) {
        let with_query = match req.uri().query() {
            Some(q) => format!("{path}?{q}"),
            None => path,
        };
        if let Ok(uri) = with_query.parse::<Uri>() {
            req.match_info_mut().get_mut().update(&uri);
            req.head_mut().uri = uri;
        }
    }
    next.call(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_names_take_their_canonical_spelling() {
        let cases = [
            ("/scim/v2/Users", None),
            ("/scim/v2/Users/abc", None),
            ("/scim/v2/users", Some("/scim/v2/Users")),
            ("/scim/v2/Users/", Some("/scim/v2/Users")),
            ("/scim/v2/USERS/abc/", Some("/scim/v2/Users/abc")),
            ("/scim/v2/groups/.SEARCH", Some("/scim/v2/Groups/.search")),
            (
                "/scim/v2/serviceConfiguration",
                Some("/scim/v2/ServiceProviderConfig"),
            ),
            (
                "/scim/v2/serviceproviderconfig/",
                Some("/scim/v2/ServiceProviderConfig"),
            ),
            (
                "/scim/v2/directories/d1/users",
                Some("/scim/v2/directories/d1/Users"),
            ),
            ("/scim/v2/directories/d1/Groups/g1", None),
            ("/scim/v2/Schemas/urn:x:User", None),
            (
                "/scim/v2/schemas/urn:x:User",
                Some("/scim/v2/Schemas/urn:x:User"),
            ),
            ("/scim/v2/Users/AbC", None),
            ("/scim/v2/nothing", None),
            ("/scim/v2/", None),
            ("/admin/v1/users", None),
        ];
        for (path, want) in cases {
            assert_eq!(canonical_path(path).as_deref(), want, "{path}");
        }
    }
}
