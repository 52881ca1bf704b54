//! A provisioned user's attributes written over (PUT, PATCH): worked out
//! from the stored row, then written either in the caller's transaction
//! (`overwrite`) or, when only the user's own row changes, as one
//! statement outside any (`plan` and `write_planned`, for
//! `Store::write_in_one_statement`).
//!
//! An IdP's hourly resync is mostly such writes (a new title, manager or
//! department, as Okta's PUT or Entra's PATCH): on PostgreSQL they were
//! BEGIN, the row read with its lock, the UPDATE, the audit row and
//! COMMIT; now the row is read and the UPDATE with its audit row is one
//! statement whose version check stands in for the lock.

use serde_json::Value;

use super::user_resources::with_grants;
use super::user_rows::{audit_view, email_keys, join_person, taken, UserFields};
use super::{check_if_match, check_unregistered, found, Written};
use crate::access::audit::{self, Change};
use crate::access::persons;
use crate::access::WriteContext;
use crate::scim::fold::fold;
use crate::scim::patch::Operation;
use crate::scim::resource::UserResource;
use crate::scim::schema::ResourceKind;
use crate::scim::validate::{Attributes, Unregistered};
use crate::scim::{ScimError, USER_URN};
use crate::store::models::UserRow;
use crate::store::users::EmailKey;
use crate::store::{memberships, user_updates, users, DbConn, StoreError};

/// A user's row before and after a write of its attributes.
pub struct Rewrite {
    before: UserRow,
    row: UserRow,
    /// The group catalog's version read with `before` (`memberships::grants_of_written`).
    catalog_version: Option<i64>,
    emails: Vec<EmailKey>,
    /// Whether `row` leaves the emails as `before` stored them.
    emails_kept: bool,
}

/// A write `plan` found to change only the user's own row, with what the
/// request sent that no schema defines.
pub struct Planned {
    rewrite: Rewrite,
    unregistered: Vec<Unregistered>,
}

impl Rewrite {
    /// `attributes` written over the stored user `before`, read with the
    /// group catalog at `catalog_version`: its next version.
    pub fn of(
        ctx: &WriteContext,
        before: UserRow,
        catalog_version: Option<i64>,
        attributes: Attributes,
    ) -> Result<Rewrite, ScimError> {
        let fields = UserFields::split(attributes)?;
        let emails = email_keys(&fields.rest);
        let emails_kept = same_emails(&before, fields.rest.get("emails"));
        let row = UserRow {
            id: before.id.clone(),
            directory_id: before.directory_id.clone(),
            user_name_key: fold(&fields.user_name),
            user_name: fields.user_name,
            external_id: fields.external_id,
            display_name: fields.display_name,
            active: fields.active,
            attributes: Value::Object(fields.rest).to_string(),
            version: before.version + 1,
            created_at: before.created_at,
            updated_at: ctx.now,
            portal_only: before.portal_only,
            suspended: before.suspended,
            person_id: before.person_id.clone(),
            email_verified: before.email_verified,
            group_ids: before.group_ids.clone(),
        };
        Ok(Rewrite {
            before,
            row,
            catalog_version,
            emails,
            emails_kept,
        })
    }

    /// Whether the write changes the user's row and nothing else: its
    /// emails' index stays, and so does its tie to its person (and with
    /// it every license and count a person's change moves).
    fn row_only(&self) -> bool {
        self.emails_kept && persons::tie_unchanged(&self.before, &self.row)
    }

    fn event(&self, ctx: &WriteContext) -> crate::store::models::NewAuditEvent {
        let action = match (self.before.active, self.row.active) {
            (true, false) => "user.deactivated",
            (false, true) => "user.reactivated",
            _ => "user.updated",
        };
        audit::event(
            ctx,
            Change {
                action,
                target_type: "User",
                target_id: &self.row.id,
                before: Some(audit_view(&self.before)),
                after: Some(audit_view(&self.row)),
            },
        )
    }

    /// The row and its audit event, in one statement on PostgreSQL.
    fn update(&self, conn: &mut DbConn, ctx: &WriteContext) -> Result<(), ScimError> {
        match user_updates::update_with_event(conn, &self.before, &self.row, &self.event(ctx)) {
            Err(StoreError::Conflict(_)) => Err(taken(&self.row.user_name)),
            other => Ok(other?),
        }
    }

    /// The user as written, with its groups: nothing here moves its
    /// memberships, so its row's groups are still its groups.
    fn resource(self, conn: &mut DbConn) -> Result<UserResource, ScimError> {
        let grants = memberships::grants_of_written(conn, &self.row, self.catalog_version)?;
        with_grants(self.row, grants)
    }
}

/// Writes the rewrite in the caller's transaction, `before` read locked:
/// the row with its audit event, then its emails' index and its person
/// where they change. Reactivation (or a new email joining another
/// person) may give back licenses: checked against caps in there.
pub fn overwrite(
    conn: &mut DbConn,
    ctx: &WriteContext,
    rewrite: Rewrite,
) -> Result<UserResource, ScimError> {
    rewrite.update(conn, ctx)?;
    if !rewrite.emails_kept {
        users::set_email_keys(conn, &rewrite.row, &rewrite.emails)?;
    }
    // A write that leaves the account's tie to its person as it was
    // changes neither person: two reads fewer.
    if !persons::tie_unchanged(&rewrite.before, &rewrite.row) {
        let target = persons::person_for(conn, &rewrite.row)?;
        join_person(conn, ctx, &rewrite.row, Some(&rewrite.before), target)?;
    }
    rewrite.resource(conn)
}

/// Reads user `id` unlocked and works out `attributes_of(stored
/// attributes)` over it; `None` when the write changes more than the
/// user's row (`Rewrite::row_only`) and needs a transaction. Reads only.
pub fn plan(
    conn: &mut DbConn,
    ctx: &WriteContext,
    id: &str,
    if_match: Option<&str>,
    attributes_of: impl FnOnce(&UserRow) -> Result<(Attributes, Vec<Unregistered>), ScimError>,
) -> Result<Option<Planned>, ScimError> {
    let (before, catalog_version) = found(
        users::find_with_catalog_version(conn, &ctx.directory_id, id),
        ResourceKind::User,
        id,
    )?;
    check_if_match(if_match, before.version)?;
    let (attributes, unregistered) = attributes_of(&before)?;
    check_unregistered(conn, ctx, &unregistered)?;
    let rewrite = Rewrite::of(ctx, before, catalog_version, attributes)?;
    Ok(rewrite.row_only().then_some(Planned {
        rewrite,
        unregistered,
    }))
}

/// Attributes whose change may move a user's tie to its person: its
/// active state, and the email (or, with none, the userName) that links it.
const TIE_ATTRIBUTES: [&str; 3] = ["active", "emails", "userName"];

/// Whether a PATCH of `operations` may change only the user's row: false
/// when one names an attribute of `TIE_ATTRIBUTES`, whose write is then
/// made in a transaction at once. A plan would read the row first only to
/// find it needs one: a deactivation (2% of a resync's users) cost the
/// server ~60-80 us more that way than in its transaction alone.
pub fn may_change_row_only(operations: &[Operation]) -> bool {
    operations.iter().all(|operation| match &operation.path {
        Some(path) => !names_tie(path.attr.urn.as_deref(), &path.attr.attr),
        // A path-less operation names attributes by its value's keys, the
        // core ones bare or with the User URN.
        None => operation
            .value
            .as_ref()
            .and_then(Value::as_object)
            .is_none_or(|values| {
                values.keys().all(|key| {
                    let (urn, attribute) = match key.rsplit_once(':') {
                        Some((urn, attribute)) => (Some(urn), attribute),
                        None => (None, key.as_str()),
                    };
                    !names_tie(urn, attribute)
                })
            }),
    })
}

/// Whether `attribute` (or the attribute a path in a value's key starts
/// with: Entra sends `emails[type eq "work"].value` as a key) is one of
/// `TIE_ATTRIBUTES`. Only a shortcut: a plan checks the written row itself.
fn names_tie(urn: Option<&str>, attribute: &str) -> bool {
    let name = attribute
        .split(['.', '['])
        .next()
        .unwrap_or(attribute)
        .trim();
    urn.is_none_or(|urn| urn.eq_ignore_ascii_case(USER_URN))
        && TIE_ATTRIBUTES
            .iter()
            .any(|tie| tie.eq_ignore_ascii_case(name))
}

/// Writes what `plan` found: one statement, `Stale` if the user changed
/// since it was read.
pub fn write_planned(
    conn: &mut DbConn,
    ctx: &WriteContext,
    planned: Planned,
) -> Result<Written<UserResource>, ScimError> {
    planned.rewrite.update(conn, ctx)?;
    Ok(Written::new(
        planned.rewrite.resource(conn)?,
        planned.unregistered,
    ))
}

/// Whether a write leaves a user's `emails` as `before` stored them, read
/// from the stored text without parsing the rest of it: their index
/// (`user_emails`, kept by every write from the attributes) is then as it
/// should be, and an update (a new title, a deactivation: most of an
/// IdP's resync) need not read it to compare, a round trip on
/// PostgreSQL. Equal values are written as equal texts (one serializer);
/// any doubt answers no, and the index is compared as before.
fn same_emails(before: &UserRow, emails: Option<&Value>) -> bool {
    #[derive(serde::Deserialize)]
    struct Stored<'a> {
        #[serde(borrow)]
        emails: Option<&'a serde_json::value::RawValue>,
    }
    let Ok(stored) = serde_json::from_str::<Stored>(&before.attributes) else {
        return false;
    };
    match (stored.emails, emails) {
        (None, None) => true,
        (Some(stored), Some(written)) => {
            serde_json::to_string(written).is_ok_and(|text| text == stored.get())
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn operations(operations: Value) -> Vec<Operation> {
        let body = serde_json::json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": operations,
        });
        crate::scim::patch::parse_request(&body).unwrap()
    }

    #[test]
    fn patches_naming_a_tie_attribute_go_to_a_transaction_at_once() {
        use serde_json::json;
        let cases = [
            (
                json!([{"op": "replace", "path": "title", "value": "T"}]),
                true,
            ),
            (
                json!([{"op": "replace", "path": "name.familyName", "value": "F"}]),
                true,
            ),
            (
                json!([{"op": "add", "path": "phoneNumbers", "value": [{"value": "1"}]}]),
                true,
            ),
            (
                json!([{"op": "replace", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "value": "D"}]),
                true,
            ),
            (
                json!([{"op": "replace", "value": {"title": "T", "displayName": "D"}}]),
                true,
            ),
            (
                json!([{"op": "replace", "value": {"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"manager": {"value": "m"}}}}]),
                true,
            ),
            (
                json!([{"op": "replace", "path": "active", "value": false}]),
                false,
            ),
            (
                json!([{"op": "replace", "path": "Active", "value": "False"}]),
                false,
            ),
            (
                json!([{"op": "replace", "value": {"active": false}}]),
                false,
            ),
            (
                json!([{"op": "replace", "value": {"urn:ietf:params:scim:schemas:core:2.0:User:active": false}}]),
                false,
            ),
            (
                json!([{"op": "replace", "path": "emails[type eq \"work\"].value", "value": "a@b.example"}]),
                false,
            ),
            (
                json!([{"op": "replace", "path": "userName", "value": "u"}]),
                false,
            ),
            (
                json!([{"op": "replace", "value": {"emails[type eq \"work\"].value": "a@b.example"}}]),
                false,
            ),
            (
                json!([{"op": "replace", "value": {"name.familyName": "F"}}]),
                true,
            ),
            (
                json!([{"op": "replace", "path": "title", "value": "T"}, {"op": "remove", "path": "emails"}]),
                false,
            ),
        ];
        for (sent, row_only) in cases {
            assert_eq!(
                may_change_row_only(&operations(sent.clone())),
                row_only,
                "{sent}"
            );
        }
    }

    fn stored(attributes: &str) -> UserRow {
        UserRow::sample("d", "n", attributes.into())
    }

    #[test]
    fn emails_are_the_same_only_when_written_as_stored() {
        let work = serde_json::json!([{"value": "a@x.example", "type": "work"}]);
        let text = format!(r#"{{"title":"T","emails":{work}}}"#);
        let cases: [(&str, Option<Value>, bool); 8] = [
            (&text, Some(work.clone()), true),
            (r#"{"title":"T"}"#, None, true),
            // Another address, another type, one more, none left.
            (
                &text,
                Some(serde_json::json!([{"value": "b@x.example", "type": "work"}])),
                false,
            ),
            (
                &text,
                Some(serde_json::json!([{"value": "a@x.example", "type": "home"}])),
                false,
            ),
            (
                &text,
                Some(serde_json::json!([
                    {"value": "a@x.example", "type": "work"},
                    {"value": "c@x.example"}
                ])),
                false,
            ),
            (&text, None, false),
            (r#"{"title":"T"}"#, Some(work.clone()), false),
            // Stored text that is not an object of attributes: compared.
            ("not json", None, false),
        ];
        for (attributes, written, same) in cases {
            assert_eq!(
                same_emails(&stored(attributes), written.as_ref()),
                same,
                "{attributes} / {written:?}"
            );
        }
    }
}
