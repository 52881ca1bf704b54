//! The four admin roles, their scopes, and what each route needs of them.
//! Pure: who holds what is found in `admin_roles`; this module only says
//! whether what is held is enough.

use std::fmt;

/// An admin role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Everything.
    OrgAdmin,
    /// One site: its products, mappings, requests, guests, policy overrides.
    SiteAdmin,
    /// Who holds one product, through groups that grant nothing else.
    UserAccessAdmin,
    /// Read-only: SCIM reads across directories, reports, audit log, access views.
    Auditor,
}

impl Role {
    /// Every role, in the order the docs list them.
    pub const ALL: [Role; 4] = [
        Role::OrgAdmin,
        Role::SiteAdmin,
        Role::UserAccessAdmin,
        Role::Auditor,
    ];

    /// The role's name in the API, the CLI and the audit log.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::OrgAdmin => "org-admin",
            Role::SiteAdmin => "site-admin",
            Role::UserAccessAdmin => "user-access-admin",
            Role::Auditor => "auditor",
        }
    }

    /// The role with this name.
    pub fn parse(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == name.trim())
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A role as held, with its scope: a site-admin's site, a
/// user-access-admin's product.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    pub role: Role,
    pub site: Option<String>,
    pub product: Option<String>,
}

impl Held {
    /// A role with no scope (org-admin, auditor).
    pub fn whole(role: Role) -> Held {
        Held {
            role,
            site: None,
            product: None,
        }
    }

    /// The scope as the audit log says it: `organization`, `site:ID`,
    /// `product:KEY`.
    pub fn scope(&self) -> String {
        match (&self.site, &self.product) {
            (Some(site), _) => format!("site:{site}"),
            (None, Some(product)) => format!("product:{product}"),
            (None, None) => "organization".into(),
        }
    }
}

impl fmt::Display for Held {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.site, &self.product) {
            (Some(site), _) => write!(f, "{} of site \"{site}\"", self.role),
            (None, Some(product)) => write!(f, "{} of product \"{product}\"", self.role),
            (None, None) => write!(f, "{}", self.role),
        }
    }
}

/// What a route needs of the caller's roles. Routes that touch one site's
/// or one product's things (`Site`, `Members`) let the scoped roles in at
/// the door; the access layer then checks the scope against the thing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Any admin role: the catalog, mappings, groups, people, requests.
    Read,
    /// Reads across the organization's data: SCIM reads, reports, the
    /// audit log, exports (org-admin, auditor).
    Audit,
    /// Changes to one site's products, mappings, guests or policy
    /// (org-admin, or site-admin of that site).
    Site,
    /// Who holds a product: group members, access requests (org-admin,
    /// site-admin of its site, user-access-admin of it).
    Members,
    /// Everything else that changes something (org-admin).
    Org,
}

impl Need {
    /// Whether a role gets through the door of a route needing this.
    fn admits(self, role: Role) -> bool {
        match self {
            Need::Read => true,
            Need::Audit => matches!(role, Role::OrgAdmin | Role::Auditor),
            Need::Site => matches!(role, Role::OrgAdmin | Role::SiteAdmin),
            Need::Members => matches!(
                role,
                Role::OrgAdmin | Role::SiteAdmin | Role::UserAccessAdmin
            ),
            Need::Org => role == Role::OrgAdmin,
        }
    }

    /// The roles that get through, as a 403 lists them.
    pub fn wanted(self) -> String {
        let names: Vec<&str> = Role::ALL
            .into_iter()
            .filter(|r| self.admits(*r))
            .map(Role::as_str)
            .collect();
        names.join(" or ")
    }
}

/// Everything a principal holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Standing {
    pub holds: Vec<Held>,
}

impl Standing {
    /// Whether nothing is held.
    pub fn is_empty(&self) -> bool {
        self.holds.is_empty()
    }

    /// Whether `role` is held with any scope.
    pub fn has(&self, role: Role) -> bool {
        self.holds.iter().any(|h| h.role == role)
    }

    /// The holding that lets the caller through a route needing `need`
    /// (the broadest, so the audit log names the role that decided), or
    /// the 403's detail, naming what is missing and what is held.
    pub fn admit(&self, need: Need) -> Result<Held, String> {
        let mut fitting: Vec<&Held> = self.holds.iter().filter(|h| need.admits(h.role)).collect();
        fitting.sort_by_key(|h| h.role);
        match fitting.first() {
            Some(held) => Ok((*held).clone()),
            None => Err(format!(
                "this route needs the {} role; {}",
                need.wanted(),
                self.describe()
            )),
        }
    }

    /// What is held, for a 403: `the caller holds auditor`.
    pub fn describe(&self) -> String {
        if self.holds.is_empty() {
            return "the caller holds no admin role".into();
        }
        let held: Vec<String> = self.holds.iter().map(Held::to_string).collect();
        format!("the caller holds {}", held.join(", "))
    }

    /// The holding that covers site `site` (org-admin, or its site-admin).
    pub fn over_site(&self, site: &str) -> Option<Held> {
        self.holds
            .iter()
            .find(|h| h.role == Role::OrgAdmin)
            .or_else(|| {
                self.holds
                    .iter()
                    .find(|h| h.role == Role::SiteAdmin && h.site.as_deref() == Some(site))
            })
            .cloned()
    }

    /// The holding that lets the caller decide who holds `product` of site
    /// `site` (org-admin, the site's site-admin, the product's
    /// user-access-admin).
    pub fn over_product(&self, site: &str, product: &str) -> Option<Held> {
        self.over_site(site).or_else(|| {
            self.holds
                .iter()
                .find(|h| h.role == Role::UserAccessAdmin && h.product.as_deref() == Some(product))
                .cloned()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site_admin(site: &str) -> Held {
        Held {
            role: Role::SiteAdmin,
            site: Some(site.into()),
            product: None,
        }
    }

    fn uaa(product: &str) -> Held {
        Held {
            role: Role::UserAccessAdmin,
            site: None,
            product: Some(product.into()),
        }
    }

    #[test]
    fn each_need_admits_exactly_its_roles() {
        use Role::*;
        let table: [(Need, &[Role]); 5] = [
            (Need::Read, &[OrgAdmin, SiteAdmin, UserAccessAdmin, Auditor]),
            (Need::Audit, &[OrgAdmin, Auditor]),
            (Need::Site, &[OrgAdmin, SiteAdmin]),
            (Need::Members, &[OrgAdmin, SiteAdmin, UserAccessAdmin]),
            (Need::Org, &[OrgAdmin]),
        ];
        for (need, admitted) in table {
            for role in Role::ALL {
                let standing = Standing {
                    holds: vec![Held::whole(role)],
                };
                assert_eq!(
                    standing.admit(need).is_ok(),
                    admitted.contains(&role),
                    "{need:?} × {role}"
                );
            }
        }
    }

    #[test]
    fn refusals_name_what_is_missing_and_what_is_held() {
        let standing = Standing {
            holds: vec![Held::whole(Role::Auditor)],
        };
        assert_eq!(
            standing.admit(Need::Org),
            Err("this route needs the org-admin role; the caller holds auditor".into())
        );
        let none = Standing::default();
        assert_eq!(
            none.admit(Need::Site),
            Err(
                "this route needs the org-admin or site-admin role; the caller holds no admin role"
                    .into()
            )
        );
    }

    #[test]
    fn the_broadest_fitting_role_is_the_one_used() {
        let standing = Standing {
            holds: vec![Held::whole(Role::Auditor), Held::whole(Role::OrgAdmin)],
        };
        assert_eq!(standing.admit(Need::Read), Ok(Held::whole(Role::OrgAdmin)));
    }

    #[test]
    fn scopes_reach_only_their_site_or_product() {
        let cases: [(Vec<Held>, &str, &str, bool); 6] = [
            (vec![Held::whole(Role::OrgAdmin)], "s1", "p1", true),
            (vec![site_admin("s1")], "s1", "p1", true),
            (vec![site_admin("s2")], "s1", "p1", false),
            (vec![uaa("p1")], "s1", "p1", true),
            (vec![uaa("p2")], "s1", "p1", false),
            (vec![Held::whole(Role::Auditor)], "s1", "p1", false),
        ];
        for (holds, site, product, reaches) in cases {
            let standing = Standing { holds };
            assert_eq!(
                standing.over_product(site, product).is_some(),
                reaches,
                "{}",
                standing.describe()
            );
        }
        let uaa_only = Standing {
            holds: vec![uaa("p1")],
        };
        assert!(uaa_only.over_site("s1").is_none());
        assert_eq!(Held::whole(Role::OrgAdmin).scope(), "organization");
        assert_eq!(site_admin("s1").scope(), "site:s1");
        assert_eq!(uaa("p1").to_string(), "user-access-admin of product \"p1\"");
    }
}
