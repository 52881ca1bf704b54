//! Access policy: IT-only mode, access requests, invitations, approved
//! domains, automatic access. Set for the organization and optionally
//! overridden per site; the effective policy of a site is its own fields
//! over the organization's over the defaults.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::json;

use super::audit::{self, Change};
use super::error::AccessError;
use super::WriteContext;
use crate::store::models::PolicyRow;
use crate::store::{policies, products, DbConn};

/// The organization-wide scope.
pub const ORG: &str = "org";

/// Who may invite people to a product.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Invitations {
    Off,
    Admins,
    Users,
}

/// What a verified email on an approved domain gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DomainMode {
    /// Joins the product at once.
    Direct,
    /// Files an access request for an admin to review.
    Approval,
}

/// An approved domain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApprovedDomain {
    pub domain: String,
    pub mode: DomainMode,
}

/// `on`/`off`, also accepted as a boolean.
fn switch<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Input {
        Bool(bool),
        Text(String),
    }
    match Option::<Input>::deserialize(d)? {
        None => Ok(None),
        Some(Input::Bool(b)) => Ok(Some(b)),
        Some(Input::Text(t)) => match t.as_str() {
            "on" => Ok(Some(true)),
            "off" => Ok(Some(false)),
            other => Err(serde::de::Error::custom(format!(
                "access_requests is \"on\" or \"off\", not \"{other}\""
            ))),
        },
    }
}

/// The fields set at one scope; absent ones come from the wider scope.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyFields {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub it_only: Option<bool>,
    #[serde(
        default,
        deserialize_with = "switch",
        serialize_with = "ser_switch",
        skip_serializing_if = "Option::is_none"
    )]
    pub access_requests: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invitations: Option<Invitations>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approved_domains: Option<Vec<ApprovedDomain>>,
    /// Products every new user gets (off in IT-only mode).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_access: Option<Vec<String>>,
    /// The organization's own domains: guests must come from elsewhere.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verified_domains: Option<Vec<String>>,
}

fn ser_switch<S: serde::Serializer>(v: &Option<bool>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(true) => s.serialize_str("on"),
        Some(false) => s.serialize_str("off"),
        None => s.serialize_none(),
    }
}

impl PolicyFields {
    /// `self` with every field `over` sets replaced.
    fn overlaid(self, over: &PolicyFields) -> PolicyFields {
        let over = over.clone();
        PolicyFields {
            it_only: over.it_only.or(self.it_only),
            access_requests: over.access_requests.or(self.access_requests),
            invitations: over.invitations.or(self.invitations),
            approved_domains: over.approved_domains.or(self.approved_domains),
            auto_access: over.auto_access.or(self.auto_access),
            verified_domains: over.verified_domains.or(self.verified_domains),
        }
    }
}

/// The policy in force for a site (or the organization).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Policy {
    pub it_only: bool,
    #[serde(serialize_with = "ser_on_off")]
    pub access_requests: bool,
    pub invitations: Invitations,
    pub approved_domains: Vec<ApprovedDomain>,
    pub auto_access: Vec<String>,
    pub verified_domains: Vec<String>,
}

fn ser_on_off<S: serde::Serializer>(v: &bool, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(if *v { "on" } else { "off" })
}

impl Policy {
    fn from_fields(f: PolicyFields) -> Policy {
        Policy {
            it_only: f.it_only.unwrap_or(false),
            access_requests: f.access_requests.unwrap_or(true),
            invitations: f.invitations.unwrap_or(Invitations::Admins),
            approved_domains: f.approved_domains.unwrap_or_default(),
            auto_access: f.auto_access.unwrap_or_default(),
            verified_domains: f.verified_domains.unwrap_or_default(),
        }
    }

    /// Refuses self-service of any kind in IT-only mode.
    pub fn refuse_if_it_only(&self, what: &str) -> Result<(), AccessError> {
        if self.it_only {
            return Err(AccessError::Refused {
                setting: "it_only",
                detail: format!(
                    "IT-only mode is on: {what} are refused; access comes only from groups synced by the identity provider and mapped by an admin"
                ),
            });
        }
        Ok(())
    }

    /// How an email's domain may join by itself, if at all.
    pub fn domain_mode(&self, email: &str) -> Option<DomainMode> {
        let domain = email.rsplit_once('@')?.1.to_lowercase();
        self.approved_domains
            .iter()
            .find(|d| d.domain.eq_ignore_ascii_case(&domain))
            .map(|d| d.mode)
    }

    /// Whether an email is on one of the organization's verified domains.
    pub fn is_verified_domain(&self, email: &str) -> bool {
        email.rsplit_once('@').is_some_and(|(_, domain)| {
            self.verified_domains
                .iter()
                .any(|d| d.eq_ignore_ascii_case(domain))
        })
    }
}

fn fields_at(conn: &mut DbConn, scope: &str) -> Result<PolicyFields, AccessError> {
    Ok(match policies::find(conn, scope)? {
        Some(row) => serde_json::from_str(&row.body).unwrap_or_default(),
        None => PolicyFields::default(),
    })
}

/// The effective policy of a site, or of the organization (`None`).
pub fn effective(conn: &mut DbConn, site_id: Option<&str>) -> Result<Policy, AccessError> {
    let mut fields = fields_at(conn, ORG)?;
    if let Some(site) = site_id {
        fields = fields.overlaid(&fields_at(conn, site)?);
    }
    Ok(Policy::from_fields(fields))
}

/// The effective policy for a product (its site's).
pub fn for_product(conn: &mut DbConn, product_key: &str) -> Result<Policy, AccessError> {
    let product = super::catalog::find(conn, product_key)?;
    effective(conn, Some(&product.site_id))
}

/// What an admin sees of the policy of a scope.
#[derive(Debug, Clone, Serialize)]
pub struct PolicyView {
    /// `org`, or the site's id.
    pub scope: String,
    /// In force at this scope.
    pub effective: Policy,
    /// Set at this scope (the rest comes from the organization or defaults).
    pub overrides: PolicyFields,
}

/// The policy of a scope.
pub fn view(conn: &mut DbConn, site: Option<&str>) -> Result<PolicyView, AccessError> {
    let site_id = match site {
        Some(s) => Some(super::catalog::find_site(conn, s)?.id),
        None => None,
    };
    let scope = site_id.clone().unwrap_or_else(|| ORG.to_owned());
    Ok(PolicyView {
        overrides: fields_at(conn, &scope)?,
        effective: effective(conn, site_id.as_deref())?,
        scope,
    })
}

fn check(conn: &mut DbConn, fields: &PolicyFields) -> Result<(), AccessError> {
    let domain_ok = |d: &str| {
        !d.is_empty()
            && d.contains('.')
            && !d.starts_with('.')
            && d.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
    };
    for d in fields.approved_domains.iter().flatten() {
        if !domain_ok(&d.domain) {
            return Err(AccessError::Invalid(format!(
                "\"{}\" is not a domain name",
                d.domain
            )));
        }
    }
    for d in fields.verified_domains.iter().flatten() {
        if !domain_ok(d) {
            return Err(AccessError::Invalid(format!(
                "\"{d}\" is not a domain name"
            )));
        }
    }
    for key in fields.auto_access.iter().flatten() {
        super::catalog::find(conn, key)?;
    }
    Ok(())
}

/// Sets the given fields at a scope (the organization, or a site) and
/// returns the effective policy there. Turning IT-only mode on is handled
/// by the caller (`lockdown`), inside the same transaction.
pub fn update(
    conn: &mut DbConn,
    ctx: &WriteContext,
    site: Option<&str>,
    changes: &PolicyFields,
) -> Result<(PolicyView, bool), AccessError> {
    check(conn, changes)?;
    let before = view(conn, site)?;
    let merged = before.overrides.clone().overlaid(changes);
    policies::save(
        conn,
        &PolicyRow {
            scope: before.scope.clone(),
            body: serde_json::to_string(&merged).unwrap_or_else(|_| "{}".into()),
            updated_at: ctx.now,
        },
    )?;
    let after = view(conn, site)?;
    audit::record(
        conn,
        ctx,
        Change {
            action: "settings.changed",
            target_type: "Policy",
            target_id: &after.scope,
            before: Some(json!({"effective": before.effective, "set": before.overrides})),
            after: Some(json!({"effective": after.effective, "set": changes})),
        },
    )?;
    let locked_now = after.effective.it_only && !before.effective.it_only;
    Ok((after, locked_now))
}

/// The product keys a scope covers: every product, or a site's.
pub fn products_in_scope(conn: &mut DbConn, scope: &str) -> Result<Vec<String>, AccessError> {
    Ok(products::list(conn)?
        .into_iter()
        .filter(|p| scope == ORG || p.site_id == scope)
        .map(|p| p.product_key)
        .collect())
}

/// Records a refused self-service attempt (in a transaction of its own:
/// the refused one rolled back). `setting` names the policy field that
/// refused it, when a setting did.
pub fn record_refusal(
    conn: &mut DbConn,
    ctx: &WriteContext,
    attempt: &str,
    setting: Option<&str>,
    detail: &str,
    request: &serde_json::Value,
) -> Result<(), AccessError> {
    audit::record(
        conn,
        ctx,
        Change {
            action: "policy.rejected",
            target_type: "SelfService",
            target_id: attempt,
            before: None,
            after: Some(json!({"request": request, "setting": setting, "detail": detail})),
        },
    )?;
    Ok(())
}
