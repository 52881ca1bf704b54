//! What each console page and form needs of the signed-in admin's roles.
//! Pages show what the roles may read; forms that change one site's or
//! one product's things let the scoped roles in here and are checked
//! against the thing again when they change it. A leaf: the session and
//! the page frame read it, and `mod.rs` holds every page to it.

use actix_web::http::Method;

use crate::access::roles::{Need, Standing};

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
    ("GET", "/admins", Some(Need::Audit)),
    ("POST", "/admins", Some(Need::Org)),
    ("POST", "/admins/{id}/revoke", Some(Need::Org)),
];

/// Whether a form posting to `path` (`/console` included; a segment in
/// braces, `{p}`, stands for any value) is one `standing` may send: the
/// page shows only those, so an auditor sees no buttons that would 403.
pub fn may_post(standing: &Standing, path: &str) -> bool {
    let path = path.strip_prefix("/console").unwrap_or(path);
    let same = |pattern: &str| {
        let (a, b): (Vec<&str>, Vec<&str>) =
            (pattern.split('/').collect(), path.split('/').collect());
        a.len() == b.len()
            && a.iter()
                .zip(&b)
                .all(|(x, y)| x == y || (x.starts_with('{') && y.starts_with('{')))
    };
    GATES
        .iter()
        .find(|(m, p, _)| *m == "POST" && same(p))
        .is_some_and(|(_, _, need)| need.is_none_or(|n| standing.admit(n).is_ok()))
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::roles::{Held, Role};

    #[test]
    fn forms_are_shown_to_the_roles_that_may_send_them() {
        let auditor = Standing {
            holds: vec![Held::whole(Role::Auditor)],
        };
        let site_admin = Standing {
            holds: vec![Held {
                role: Role::SiteAdmin,
                site: Some("s".into()),
                product: None,
            }],
        };
        let table: [(&Standing, &str, bool); 6] = [
            (&auditor, "/console/sites", false),
            (&auditor, "/console/requests/{p}/approve", false),
            (&site_admin, "/console/products/{p}", true),
            (&site_admin, "/console/sites", false),
            (
                &site_admin,
                "/console/directories/{p}/tokens/{p}/revoke",
                false,
            ),
            (&site_admin, "/console/no-such-form", false),
        ];
        for (standing, path, shown) in table {
            assert_eq!(may_post(standing, path), shown, "{path}");
        }
    }
}
