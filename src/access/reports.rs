//! Reports for auditors: who has each product and through which group;
//! access that did not come from synced groups; licenses.

use serde::Serialize;
use serde_json::json;

use std::collections::{BTreeMap, HashMap};

use super::access_report::{self, Holder, Holders, Page, Position, Start};
use super::audit::{self, Change};
use super::error::AccessError;
use super::licensing::{self, LicenseUse};
use super::{policy, requests, WriteContext, LOCAL_DIRECTORY};
use crate::scim::resource::format_time;
use crate::store::access_report::{granted_roles, GrantedRole};
use crate::store::entitlements::LICENSED_ROLES;
use crate::store::reports::NonSyncedRow;
use crate::store::{guests, memberships, reports, DbConn};

pub use super::access_report::AccessLine;

/// Who has which product, and through which group; with `since`, only
/// access first granted from then on.
pub fn access(
    conn: &mut DbConn,
    product: Option<&str>,
    since: Option<i64>,
) -> Result<Vec<AccessLine>, AccessError> {
    let product = product_key(conn, product)?;
    Ok(access_report::page(conn, product.as_deref(), since, &Start::Offset(0), None)?.lines)
}

/// One page of the access report: `limit` lines from `start` on, and where
/// the next page starts. Only as much of the report is read as the page
/// needs (`access_report`): at 1M users the whole report is 194,000 lines,
/// and sorting them all for a page of 100 took ~1 s.
pub fn access_page(
    conn: &mut DbConn,
    product: Option<&str>,
    since: Option<i64>,
    start: &Start,
    limit: usize,
) -> Result<Page, AccessError> {
    let product = product_key(conn, product)?;
    access_report::page(conn, product.as_deref(), since, start, Some(limit))
}

/// The key of the product named, if one is (unknown: an error).
fn product_key(conn: &mut DbConn, product: Option<&str>) -> Result<Option<String>, AccessError> {
    product
        .map(|p| Ok(super::products::find(conn, p)?.product_key))
        .transpose()
}

/// A licensed role held outside synced groups.
#[derive(Debug, Clone, Serialize)]
pub struct NonSyncedLine {
    pub user: String,
    #[serde(rename = "userName")]
    pub user_name: String,
    pub product: String,
    pub role: String,
    pub group_id: String,
    #[serde(rename = "displayName")]
    pub display_name: String,
    /// How the membership came about: admin, access_request, invitation, …
    pub source: String,
    pub actor: String,
    pub since: String,
    pub break_glass_reason: Option<String>,
}

impl From<NonSyncedRow> for NonSyncedLine {
    fn from(r: NonSyncedRow) -> Self {
        NonSyncedLine {
            user: r.user_id,
            user_name: r.user_name,
            product: r.product,
            role: r.role,
            group_id: r.group_id,
            display_name: r.group_display,
            source: r.source,
            actor: r.actor,
            since: format_time(r.since),
            break_glass_reason: r.reason,
        }
    }
}

/// Licensed access that no synced group explains, by membership source;
/// with `since`, only memberships from then on.
pub fn non_synced(
    conn: &mut DbConn,
    products: Option<&[String]>,
    since: Option<i64>,
) -> Result<Vec<NonSyncedLine>, AccessError> {
    Ok(reports::non_synced(conn, products)?
        .into_iter()
        .filter(|r| since.is_none_or(|t| r.since >= t))
        .map(NonSyncedLine::from)
        .collect())
}

/// A page of the non-synced report, and where the next one starts.
#[derive(Debug, Clone)]
pub struct NonSyncedPage {
    pub lines: Vec<NonSyncedLine>,
    pub next: Option<Start>,
}

/// One page of the non-synced report: `limit` lines from `start` on. Read
/// product by product, each product's holders (members of its local groups
/// granting a licensed role) in userName order as the access report reads
/// them, and only as far as the page: with 50,000 such grants at 1M users,
/// reading every one for each page took 160–310 ms on SQLite. A page ends
/// at a position (the holders' keys, and how many of the last one's grants
/// were listed). With `since`, every line is read and filtered (a line's
/// time is its membership's, not its holder's), and pages go by offset.
pub fn non_synced_page(
    conn: &mut DbConn,
    since: Option<i64>,
    start: &Start,
    limit: usize,
) -> Result<NonSyncedPage, AccessError> {
    let (skip, resume) = start.parts();
    let end = skip.saturating_add(limit);
    if since.is_some() {
        let lines = non_synced(conn, None, since)?;
        let more = lines.len() > end;
        return Ok(NonSyncedPage {
            lines: lines.into_iter().skip(skip).take(limit).collect(),
            next: more.then_some(Start::Offset(end)),
        });
    }
    let (mut lines, mut seen) = (Vec::new(), 0usize);
    let mut ended: Option<Position> = None;
    for role in local_licensed_roles(conn)? {
        let Some(mut here) = Position::resume_in(resume, &role) else {
            continue;
        };
        let product = role.product.clone();
        let mut holders = Holders::of(conn, role, &here.after)?;
        // The holder the last page ended inside goes first, past the
        // grants it listed.
        let mut batch: Vec<(Option<Holder>, String, usize)> = here
            .listed
            .clone()
            .map(|(id, done)| vec![(None, id, done)])
            .unwrap_or_default();
        let mut counted = false;
        loop {
            if batch.is_empty() {
                let wanted = end
                    .saturating_add(1)
                    .saturating_sub(seen)
                    .min(HOLDERS_AT_ONCE);
                while batch.len() < wanted {
                    match holders.next(conn, wanted)? {
                        Some(h) => {
                            let id = h.user_id.clone();
                            batch.push((Some(h), id, 0));
                        }
                        None => break,
                    }
                }
                if batch.is_empty() {
                    break;
                }
            }
            let ids: Vec<String> = batch.iter().map(|(_, id, _)| id.clone()).collect();
            let mut rows: HashMap<String, Vec<NonSyncedRow>> = HashMap::new();
            for row in reports::non_synced_of(conn, &product, &ids)? {
                rows.entry(row.user_id.clone()).or_default().push(row);
            }
            for (holder, id, done) in std::mem::take(&mut batch) {
                let grants = rows.remove(&id).unwrap_or_default();
                for (n, row) in grants.into_iter().enumerate().skip(done) {
                    if seen >= end {
                        return Ok(NonSyncedPage {
                            lines,
                            next: Some(Start::After(if counted {
                                here
                            } else {
                                ended.unwrap_or(here)
                            })),
                        });
                    }
                    if let Some(h) = &holder {
                        here.after.insert(h.directory.clone(), h.key.clone());
                    }
                    here.listed = Some((id.clone(), n + 1));
                    counted = true;
                    if seen >= skip {
                        lines.push(NonSyncedLine::from(row));
                    }
                    seen += 1;
                }
            }
        }
        if counted {
            ended = Some(here);
        }
    }
    Ok(NonSyncedPage { lines, next: None })
}

/// Holders read at once for a page of the non-synced report, at most.
const HOLDERS_AT_ONCE: usize = 1_000;

/// Per product, the local groups granting it a licensed role, as one role
/// whose holders the non-synced report lists (a local group's members hold
/// it only while they hold access, as the `user_entitlements` view says).
fn local_licensed_roles(conn: &mut DbConn) -> Result<Vec<GrantedRole>, AccessError> {
    let mut by_product: BTreeMap<String, GrantedRole> = BTreeMap::new();
    for role in granted_roles(conn, None)? {
        if !LICENSED_ROLES.contains(&role.role.as_str()) {
            continue;
        }
        let local = by_product
            .entry(role.product.clone())
            .or_insert_with(|| GrantedRole {
                product: role.product.clone(),
                role: "user".to_owned(),
                groups: Vec::new(),
            });
        for group in role.groups {
            if group.directory_id == LOCAL_DIRECTORY
                && !local.groups.iter().any(|g| g.group_id == group.group_id)
            {
                local.groups.push(group);
            }
        }
    }
    Ok(by_product
        .into_values()
        .filter(|r| !r.groups.is_empty())
        .collect())
}

/// License use per product, with guests counted apart (they use none).
#[derive(Debug, Clone, Serialize)]
pub struct LicenseLine {
    #[serde(flatten)]
    pub licenses: LicenseUse,
    pub guests: i64,
}

/// Licenses per product.
pub fn licenses(conn: &mut DbConn) -> Result<Vec<LicenseLine>, AccessError> {
    let guests = guests::list(conn)?;
    Ok(licensing::all(conn)?
        .into_iter()
        .map(|l| LicenseLine {
            guests: guests
                .iter()
                .filter(|(_, s)| s.as_ref().is_some_and(|s| s.product_key == l.product))
                .count() as i64,
            licenses: l,
        })
        .collect())
}

/// What turning IT-only mode on did.
#[derive(Debug, Clone, Serialize)]
pub struct Lockdown {
    pub closed_requests: Vec<String>,
    pub non_synced_access: Vec<NonSyncedLine>,
    pub revoked: usize,
}

/// IT-only mode at `scope`: closes pending requests, lists every licensed
/// access that did not come from a synced group, and with `revoke` removes
/// those memberships (each audited).
pub fn lockdown(
    conn: &mut DbConn,
    ctx: &WriteContext,
    scope: &str,
    close: bool,
    revoke: bool,
) -> Result<Lockdown, AccessError> {
    let products = policy::products_in_scope(conn, scope)?;
    let closed_requests = if close {
        requests::close_pending(conn, ctx, &products)?
    } else {
        Vec::new()
    };
    let lines = non_synced(conn, Some(&products), None)?;
    let mut revoked = 0;
    if revoke {
        // One membership can grant several products: remove it once.
        let mut seen = std::collections::HashSet::new();
        for line in lines
            .iter()
            .filter(|l| seen.insert((l.group_id.clone(), l.user.clone())))
        {
            revoked += memberships::remove(
                conn,
                &line.group_id,
                std::slice::from_ref(&line.user),
                ctx.now,
            )?;
            audit::record(
                conn,
                ctx,
                Change {
                    action: "group.member_removed",
                    target_type: "Group",
                    target_id: &line.group_id,
                    before: Some(json!({"member": line.user, "source": line.source})),
                    after: Some(json!({"setting": "it_only", "revoked": true})),
                },
            )?;
        }
    }
    Ok(Lockdown {
        closed_requests,
        non_synced_access: lines,
        revoked,
    })
}
