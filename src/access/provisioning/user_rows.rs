//! What the user writes share: a validated user split into its columns,
//! its email keys, its audit view, the refusal of a taken userName, and
//! the join of a written account to its person.

use serde_json::Value;

use crate::access::audit::Change;
use crate::access::licensing::CapGuard;
use crate::access::persons;
use crate::access::WriteContext;
use crate::scim::fold::fold;
use crate::scim::validate::Attributes;
use crate::scim::ScimError;
use crate::store::models::{PersonRow, UserRow};
use crate::store::users::EmailKey;
use crate::store::{mappings, DbConn};

/// The parts of a validated User that live in columns, and the rest.
pub(super) struct UserFields {
    pub(super) user_name: String,
    pub(super) external_id: Option<String>,
    pub(super) display_name: Option<String>,
    pub(super) active: bool,
    pub(super) rest: Attributes,
}

impl UserFields {
    pub(super) fn split(mut attributes: Attributes) -> Result<UserFields, ScimError> {
        let user_name = match attributes.remove("userName") {
            Some(Value::String(s)) if !s.trim().is_empty() => s,
            _ => {
                return Err(ScimError::invalid_value(
                    "userName must be a non-empty string",
                ))
            }
        };
        let text = |v: Option<Value>| match v {
            Some(Value::String(s)) => Some(s),
            _ => None,
        };
        Ok(UserFields {
            user_name,
            external_id: text(attributes.remove("externalId")),
            display_name: text(attributes.remove("displayName")),
            // A user is active unless the directory says otherwise (RFC 7643 §4.1.1).
            active: attributes
                .remove("active")
                .and_then(|v| v.as_bool())
                .unwrap_or(true),
            rest: attributes,
        })
    }
}

/// A user's `emails` elements with an address, folded for the indexed
/// lookups (`emails.value eq`, `emails[type eq … and value ew …]`).
pub(super) fn email_keys(attributes: &Attributes) -> Vec<EmailKey> {
    attributes
        .get("emails")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|e| {
            let value = e.get("value").and_then(Value::as_str)?;
            let kind = e.get("type").and_then(Value::as_str).unwrap_or_default();
            Some(EmailKey {
                value: fold(value),
                kind: fold(kind),
            })
        })
        .collect()
}

pub(super) fn taken(user_name: &str) -> ScimError {
    ScimError::uniqueness(format!(
        "userName \"{user_name}\" is already in use in this directory"
    ))
}

/// What the audit log keeps of a user: its attributes, not its memberships.
pub(super) fn audit_view(row: &UserRow) -> Value {
    let mut v = serde_json::json!({
        "userName": row.user_name,
        "externalId": row.external_id,
        "displayName": row.display_name,
        "active": row.active,
    });
    if let (Some(o), Ok(Value::Object(rest))) =
        (v.as_object_mut(), serde_json::from_str(&row.attributes))
    {
        o.extend(rest);
    }
    v
}

/// Links a written identity to its person (`persons::link`), refusing the
/// write when that gives back licenses past a cap: an active identity
/// joining (or reactivated in) a person whose other identities are all
/// inactive makes every account of the person hold its grants again.
/// `before` is the row before an update; `target` the person
/// `persons::person_for` found for the row.
pub(super) fn join_person(
    conn: &mut DbConn,
    ctx: &WriteContext,
    row: &UserRow,
    before: Option<&UserRow>,
    target: Option<PersonRow>,
) -> Result<(), ScimError> {
    let reactivated = row.active && before.is_some_and(|b| !b.active);
    let restores = row.active && target.as_ref().is_some_and(|p| !p.live);
    let guard = if reactivated || restores {
        let mut products = mappings::products_of_member(conn, &row.id)?;
        for person in target
            .iter()
            .map(|p| p.id.as_str())
            .chain(row.person_id.as_deref())
        {
            products.extend(mappings::products_of_person(conn, person)?);
        }
        products.sort();
        products.dedup();
        Some(CapGuard::before(conn, &products)?)
    } else {
        None
    };
    persons::link_to(conn, ctx, row, target)?;
    if let Some(g) = guard {
        g.check(conn)?;
    }
    Ok(())
}

/// The audit log's change for a provisioned user.
pub(super) fn provisioned(row: &UserRow) -> Change<'_> {
    Change {
        action: "user.provisioned",
        target_type: "User",
        target_id: &row.id,
        before: None,
        after: Some(audit_view(row)),
    }
}
