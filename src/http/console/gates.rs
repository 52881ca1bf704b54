//! What each console page and form needs of the signed-in admin's roles.
//! Pages show what the roles may read; forms that change one site's or
//! one product's things let the scoped roles in here and are checked
//! against the thing again when they change it. A leaf: the session and
//! the page frame read it, and `mod.rs` holds every page to it.

use actix_web::http::Method;

use crate::access::roles::Need;

/// Method, path below `/console`, need (`None`: no session needed).
pub const GATES: &[(&str, &str, Option<Need>)] = &[
    ("GET", "", Some(Need::Read)),
    ("GET", "/", Some(Need::Read)),
    ("GET", "/assets/{name}", None),
    ("GET", "/sign-in", None),
    ("POST", "/sign-in", None),
    ("GET", "/sign-in/oidc", None),
    ("GET", "/oidc/callback", None),
    ("POST", "/sign-out", Some(Need::Read)),
    ("GET", "/directories", Some(Need::Read)),
    ("POST", "/directories", Some(Need::Org)),
    ("POST", "/directories/{id}/tokens", Some(Need::Org)),
    (
        "POST",
        "/directories/{id}/tokens/{token}/revoke",
        Some(Need::Org),
    ),
    ("GET", "/products", Some(Need::Read)),
    ("POST", "/products", Some(Need::Site)),
    ("POST", "/products/{key}", Some(Need::Site)),
    ("POST", "/sites", Some(Need::Org)),
    ("GET", "/mappings", Some(Need::Read)),
    ("POST", "/mappings", Some(Need::Site)),
    ("GET", "/mappings/groups", Some(Need::Read)),
    ("POST", "/mappings/{id}/delete", Some(Need::Site)),
    ("GET", "/policy", Some(Need::Read)),
    ("POST", "/policy", Some(Need::Site)),
    ("POST", "/policy/it-only", Some(Need::Site)),
    ("GET", "/requests", Some(Need::Read)),
    ("POST", "/requests/{id}/approve", Some(Need::Members)),
    ("POST", "/requests/{id}/deny", Some(Need::Members)),
    ("GET", "/people", Some(Need::Read)),
    ("GET", "/people/search", Some(Need::Read)),
    ("GET", "/people/{id}", Some(Need::Read)),
    (
        "POST",
        "/people/{person}/accounts/{account}/suspend",
        Some(Need::Org),
    ),
    (
        "POST",
        "/people/{person}/accounts/{account}/restore",
        Some(Need::Org),
    ),
    ("GET", "/guests", Some(Need::Read)),
    ("POST", "/guests/{id}/remove", Some(Need::Site)),
    ("GET", "/reports", Some(Need::Audit)),
    ("GET", "/reports/non-synced", Some(Need::Audit)),
    ("GET", "/reports/leavers", Some(Need::Audit)),
    ("GET", "/reports/access.csv", Some(Need::Audit)),
    ("GET", "/reports/non-synced.csv", Some(Need::Audit)),
    ("GET", "/audit", Some(Need::Audit)),
    ("GET", "/audit/download", Some(Need::Audit)),
];

/// What the page at `pattern` (matched, `/console` included) with
/// `method` needs; a page not in the table needs org-admin (closed by
/// default).
pub fn need_of(method: &Method, pattern: &str) -> Need {
    let path = pattern.strip_prefix("/console").unwrap_or(pattern);
    match GATES
        .iter()
        .find(|(m, p, _)| *m == method.as_str() && *p == path)
    {
        Some((_, _, Some(need))) => *need,
        Some((_, _, None)) => Need::Read,
        None => Need::Org,
    }
}
