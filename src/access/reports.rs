//! Reports for auditors: who has each product and through which group;
//! access that did not come from synced groups; licenses.

use std::ops::ControlFlow;

use serde::Serialize;
use serde_json::json;

use super::audit::{self, Change};
use super::error::AccessError;
use super::licensing::{self, LicenseUse};
use super::{policy, requests, WriteContext, LOCAL_DIRECTORY};
use crate::scim::resource::format_time;
use crate::store::reports::NonSyncedRow;
use crate::store::{guests, memberships, reports, DbConn};

/// One account's role on one product, with the groups that grant it.
#[derive(Debug, Clone, Serialize)]
pub struct AccessLine {
    pub product: String,
    pub role: String,
    pub user: String,
    #[serde(rename = "userName")]
    pub user_name: String,
    /// The person the account belongs to (licenses count persons).
    pub person: String,
    /// When the earliest grant of it began.
    pub since: String,
    #[serde(skip)]
    pub since_us: i64,
    pub via: Vec<serde_json::Value>,
}

/// Who has which product, and through which group; with `since`, only
/// access first granted from then on.
pub fn access(
    conn: &mut DbConn,
    product: Option<&str>,
    since: Option<i64>,
) -> Result<Vec<AccessLine>, AccessError> {
    let mut out = Vec::new();
    each_access_line(conn, product, since, |line| {
        out.push(line);
        ControlFlow::Continue(())
    })?;
    Ok(out)
}

/// One page of the access report: the `limit` lines from line `start` on,
/// and whether more follow. The report's rows are read one at a time and
/// only the page's lines are kept: at 1M users the whole report (194,000
/// rows) held in memory took the server to 387 MB for a page of 100.
pub fn access_page(
    conn: &mut DbConn,
    product: Option<&str>,
    since: Option<i64>,
    start: usize,
    limit: usize,
) -> Result<(Vec<AccessLine>, bool), AccessError> {
    let (mut page, mut seen, mut more) = (Vec::new(), 0usize, false);
    each_access_line(conn, product, since, |line| {
        if seen >= start.saturating_add(limit) {
            more = true;
            return ControlFlow::Break(());
        }
        if seen >= start {
            page.push(line);
        }
        seen += 1;
        ControlFlow::Continue(())
    })?;
    Ok((page, more))
}

/// Hands each line of the access report to `visit`, in order, until it
/// says to stop. A line is an account's role on a product; its rows (one
/// per granting group) come together, so a line is complete when a row of
/// another line arrives.
fn each_access_line(
    conn: &mut DbConn,
    product: Option<&str>,
    since: Option<i64>,
    mut visit: impl FnMut(AccessLine) -> ControlFlow<()>,
) -> Result<(), AccessError> {
    let product = match product {
        Some(p) => Some(super::products::find(conn, p)?.product_key),
        None => None,
    };
    let wanted = |l: &AccessLine| since.is_none_or(|t| l.since_us >= t);
    let mut current: Option<AccessLine> = None;
    let mut stopped = false;
    reports::access_each(conn, product.as_deref(), |row, user_name| {
        let via = json!({"group_id": row.group_id, "displayName": row.group_display,
                         "synced": row.group_directory != LOCAL_DIRECTORY,
                         "since": format_time(row.granted_at)});
        match current.as_mut() {
            Some(l) if l.product == row.product && l.role == row.role && l.user == row.user_id => {
                if !l.via.contains(&via) {
                    l.via.push(via);
                }
                if row.granted_at < l.since_us {
                    l.since_us = row.granted_at;
                    l.since = format_time(row.granted_at);
                }
                ControlFlow::Continue(())
            }
            _ => {
                let next = AccessLine {
                    product: row.product,
                    role: row.role,
                    user: row.user_id,
                    user_name,
                    person: row.person_id,
                    since: format_time(row.granted_at),
                    since_us: row.granted_at,
                    via: vec![via],
                };
                match current.replace(next) {
                    Some(done) if wanted(&done) => {
                        let flow = visit(done);
                        stopped = flow.is_break();
                        flow
                    }
                    _ => ControlFlow::Continue(()),
                }
            }
        }
    })?;
    if let Some(last) = current.filter(|l| !stopped && wanted(l)) {
        let _ = visit(last);
    }
    Ok(())
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
