//! A line of the access report: one account's role on one product, with
//! every group granting it.

use serde::Serialize;
use serde_json::json;

use super::super::LOCAL_DIRECTORY;
use crate::scim::resource::format_time;
use crate::store::models::EntitlementRow;

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

/// One account's rows of one role (one per granting group, in group name
/// order) as its report line: every granting group once, and since the
/// earliest grant.
pub(super) fn line_of(
    rows: impl IntoIterator<Item = EntitlementRow>,
    user_name: String,
) -> Option<AccessLine> {
    let mut line: Option<AccessLine> = None;
    for row in rows {
        let via = json!({"group_id": row.group_id, "displayName": row.group_display,
                         "synced": row.group_directory != LOCAL_DIRECTORY,
                         "since": format_time(row.granted_at)});
        match line.as_mut() {
            Some(l) => {
                if !l.via.contains(&via) {
                    l.via.push(via);
                }
                if row.granted_at < l.since_us {
                    l.since_us = row.granted_at;
                    l.since = format_time(row.granted_at);
                }
            }
            None => {
                line = Some(AccessLine {
                    product: row.product,
                    role: row.role,
                    user: row.user_id,
                    user_name: user_name.clone(),
                    person: row.person_id,
                    since: format_time(row.granted_at),
                    since_us: row.granted_at,
                    via: vec![via],
                })
            }
        }
    }
    line
}
