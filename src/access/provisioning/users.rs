//! Users pushed by a directory.

use std::future::Future;
use std::sync::Arc;

use serde_json::Value;

use super::user_resources::{to_resource, with_grants, Derived};
use super::{check_if_match, check_unregistered, found, Listed, Provisioned, Written};
use crate::access::audit::{self, Change};
use crate::access::licensing::CapGuard;
use crate::access::persons;
use crate::access::WriteContext;
use crate::scim::fold::fold;
use crate::scim::patch::{self, MemberChanges, Operation};
use crate::scim::projection::Projection;
use crate::scim::query::ListRequest;
use crate::scim::resource::UserResource;
use crate::scim::schema::{ResourceKind, SchemaRegistry};
use crate::scim::validate::{Attributes, Validated};
use crate::scim::ScimError;
use crate::store::models::{PersonRow, UserRow};
use crate::store::sql_filter::ListQuery;
use crate::store::users::EmailKey;
use crate::store::worker_lookups::WorkerLookups;
use crate::store::write_reach::Reach;
use crate::store::{mappings, memberships, user_creates, user_lookup, users, DbConn, StoreError};

/// The parts of a validated User that live in columns, and the rest.
struct UserFields {
    user_name: String,
    external_id: Option<String>,
    display_name: Option<String>,
    active: bool,
    rest: Attributes,
}

impl UserFields {
    fn split(mut attributes: Attributes) -> Result<UserFields, ScimError> {
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
fn email_keys(attributes: &Attributes) -> Vec<EmailKey> {
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

fn taken(user_name: &str) -> ScimError {
    ScimError::uniqueness(format!(
        "userName \"{user_name}\" is already in use in this directory"
    ))
}

/// What the audit log keeps of a user: its attributes, not its memberships.
fn audit_view(row: &UserRow) -> Value {
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

/// The audit log's change for a provisioned user.
fn provisioned(row: &UserRow) -> Change<'_> {
    Change {
        action: "user.provisioned",
        target_type: "User",
        target_id: &row.id,
        before: None,
        after: Some(audit_view(row)),
    }
}

fn find_row(conn: &mut DbConn, directory: Option<&str>, id: &str) -> Result<UserRow, ScimError> {
    found(users::find(conn, directory, id), ResourceKind::User, id)
}

/// The row a write will change, locked until the transaction ends, with
/// the group catalog's version where the store reads it with the row
/// (`users::find_for_update`).
fn find_row_for_update(
    conn: &mut DbConn,
    directory_id: &str,
    id: &str,
) -> Result<(UserRow, Option<i64>), ScimError> {
    found(
        users::find_for_update(conn, directory_id, id),
        ResourceKind::User,
        id,
    )
}

/// A user with its groups and entitlements.
fn decorated(conn: &mut DbConn, row: UserRow) -> Result<UserResource, ScimError> {
    let grants = memberships::grants_of(conn, std::slice::from_ref(&row))?;
    with_grants(row, grants)
}

/// Links a written identity to its person (`persons::link`), refusing the
/// write when that gives back licenses past a cap: an active identity
/// joining (or reactivated in) a person whose other identities are all
/// inactive makes every account of the person hold its grants again.
/// `before` is the row before an update; `target` the person
/// `persons::person_for` found for the row.
fn join_person(
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

/// A stored user as the attributes PATCH works on.
fn document_of(row: &UserRow) -> Result<Attributes, ScimError> {
    let mut doc = super::stored_attributes(ResourceKind::User, &row.id, &row.attributes)?;
    doc.insert("userName".into(), row.user_name.clone().into());
    if let Some(e) = &row.external_id {
        doc.insert("externalId".into(), e.clone().into());
    }
    if let Some(d) = &row.display_name {
        doc.insert("displayName".into(), d.clone().into());
    }
    doc.insert("active".into(), row.active.into());
    Ok(doc)
}

/// Writes `attributes` over the stored user `before` (a new version),
/// read locked with the group catalog at `catalog_version`.
fn overwrite(
    conn: &mut DbConn,
    ctx: &WriteContext,
    before: UserRow,
    catalog_version: Option<i64>,
    attributes: Attributes,
) -> Result<UserResource, ScimError> {
    let id = before.id.clone();
    let id = id.as_str();
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
    match users::update(conn, &before, &row) {
        Err(StoreError::Conflict(_)) => return Err(taken(&row.user_name)),
        other => other?,
    }
    if !emails_kept {
        users::set_email_keys(conn, &row, &emails)?;
    }
    // Reactivation (or a new email joining another person) may give back
    // licenses: checked against caps in there. A write that leaves the
    // account's tie to its person as it was (most of an IdP's resync: a
    // new title, a new manager) changes neither person: two reads fewer.
    if !persons::tie_unchanged(&before, &row) {
        let target = persons::person_for(conn, &row)?;
        join_person(conn, ctx, &row, Some(&before), target)?;
    }
    let action = match (before.active, row.active) {
        (true, false) => "user.deactivated",
        (false, true) => "user.reactivated",
        _ => "user.updated",
    };
    audit::record(
        conn,
        ctx,
        Change {
            action,
            target_type: "User",
            target_id: id,
            before: Some(audit_view(&before)),
            after: Some(audit_view(&row)),
        },
    )?;
    // Nothing here moves the user's memberships: its row's groups are
    // still its groups.
    let grants = memberships::grants_of_written(conn, &row, catalog_version)?;
    with_grants(row, grants)
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

/// `/Users`: users as directories provision them.
pub struct Users;

impl Provisioned for Users {
    type Resource = UserResource;
    const PATCH_ANSWERS_RESOURCE: bool = true;
    // A user's write changes its own rows: its emails, person, licenses,
    // and (a delete) its memberships, one a group it is in.
    const REACH: Reach = Reach::Few;

    /// A user's groups and entitlements (shown as `groups`,
    /// `entitlements` and the access extension's `grants`) are read from
    /// memberships and the entitlements view, which is most of the cost
    /// of a page: an auditor's `attributes=userName` pages skip them.
    fn expanded(registry: &SchemaRegistry, projection: &Projection) -> bool {
        projection.may_include(
            registry,
            ResourceKind::User,
            &["groups", "entitlements"],
            crate::scim::ACCESS_URN,
        )
    }

    /// Creates a user from validated attributes.
    fn create(
        conn: &mut DbConn,
        ctx: &WriteContext,
        validated: Validated,
    ) -> Result<Written<UserResource>, ScimError> {
        check_unregistered(conn, ctx, &validated.unregistered)?;
        let fields = UserFields::split(validated.attributes)?;
        let emails = email_keys(&fields.rest);
        let mut row = UserRow {
            id: crate::access::new_id(ctx.now),
            directory_id: ctx.directory_id.clone(),
            user_name_key: fold(&fields.user_name),
            user_name: fields.user_name,
            external_id: fields.external_id,
            display_name: fields.display_name,
            active: fields.active,
            attributes: Value::Object(fields.rest).to_string(),
            version: 1,
            created_at: ctx.now,
            updated_at: ctx.now,
            portal_only: false,
            suspended: false,
            person_id: None,
            email_verified: true,
            group_ids: String::new(),
        };
        // The common case (a new person for a new email) in one statement
        // on PostgreSQL; otherwise, or if a person took the email
        // meanwhile, step by step.
        let written = match persons::new_person_for_email(ctx, &mut row) {
            Some(person) => {
                let event = audit::event(ctx, provisioned(&row));
                match user_creates::insert_with_new_person(conn, &person, &row, &emails, &event)
                    .map_err(StoreError::from)
                {
                    Err(StoreError::Conflict(_)) => return Err(taken(&row.user_name)),
                    other => other?,
                }
            }
            None => false,
        };
        if !written {
            row.person_id = None;
            let existing = persons::prepare(conn, ctx, &mut row)?;
            match users::insert(conn, &row).map_err(StoreError::from) {
                Err(StoreError::Conflict(_)) => return Err(taken(&row.user_name)),
                other => other?,
            }
            users::insert_email_keys(conn, &row, &emails)?;
            if existing.is_some() {
                join_person(conn, ctx, &row, None, existing)?;
            }
            audit::record(conn, ctx, provisioned(&row))?;
        }
        // After the provisioning's event: the grants it led to follow it
        // in the log.
        let granted = crate::access::auto_access::grant_new_user(conn, ctx, &row.id)?;
        let resource = if granted {
            // Joining a group moved its version: read it back.
            let row = find_row(conn, Some(&ctx.directory_id), &row.id)?;
            decorated(conn, row)?
        } else {
            to_resource(row, Vec::new(), Vec::new())?
        };
        Ok(Written::new(resource, validated.unregistered))
    }

    /// One user, with its groups and entitlements; `directory` None looks in
    /// every directory.
    fn get(
        conn: &mut DbConn,
        directory: Option<&str>,
        id: &str,
        expanded: bool,
    ) -> Result<UserResource, ScimError> {
        if !expanded {
            return to_resource(find_row(conn, directory, id)?, Vec::new(), Vec::new());
        }
        let (row, grants) = found(
            user_lookup::one_with_grants(conn, directory, id),
            ResourceKind::User,
            id,
        )?;
        with_grants(row, grants)
    }

    /// Replaces a user's attributes (PUT); id, created time and memberships stay.
    fn replace(
        conn: &mut DbConn,
        ctx: &WriteContext,
        id: &str,
        validated: Validated,
        if_match: Option<&str>,
    ) -> Result<Written<UserResource>, ScimError> {
        let (before, catalog_version) = find_row_for_update(conn, &ctx.directory_id, id)?;
        check_if_match(if_match, before.version)?;
        check_unregistered(conn, ctx, &validated.unregistered)?;
        let user = overwrite(conn, ctx, before, catalog_version, validated.attributes)?;
        Ok(Written::new(user, validated.unregistered))
    }

    /// Applies PATCH operations to a user, all or none.
    fn patch(
        conn: &mut DbConn,
        ctx: &WriteContext,
        registry: &SchemaRegistry,
        id: &str,
        operations: &[Operation],
        if_match: Option<&str>,
        _: bool,
    ) -> Result<Written<UserResource>, ScimError> {
        let (before, catalog_version) = find_row_for_update(conn, &ctx.directory_id, id)?;
        check_if_match(if_match, before.version)?;
        let document = document_of(&before)?;
        let validated = patch::apply(
            registry,
            ResourceKind::User,
            document,
            operations,
            &mut MemberChanges::default(),
        )?;
        check_unregistered(conn, ctx, &validated.unregistered)?;
        let user = overwrite(conn, ctx, before, catalog_version, validated.attributes)?;
        Ok(Written::new(user, validated.unregistered))
    }

    /// Deletes a user and its memberships.
    fn delete(
        conn: &mut DbConn,
        ctx: &WriteContext,
        id: &str,
        if_match: Option<&str>,
    ) -> Result<(), ScimError> {
        let (before, _) = find_row_for_update(conn, &ctx.directory_id, id)?;
        check_if_match(if_match, before.version)?;
        memberships::remove_member_everywhere(conn, id)?;
        users::delete(conn, &ctx.directory_id, id)?;
        // The last identity gone leaves a managed person with no access.
        if let Some(person) = &before.person_id {
            persons::refresh(conn, ctx.now, person, None)?;
        }
        audit::record(
            conn,
            ctx,
            Change {
                action: "user.deleted",
                target_type: "User",
                target_id: id,
                before: Some(audit_view(&before)),
                after: None,
            },
        )?;
        Ok(())
    }

    /// One page of users matching the query, with their groups and
    /// entitlements unless the response shows neither (`expanded`), and
    /// the total; `directory` None reads every directory.
    fn list(
        conn: &mut DbConn,
        directory: Option<&str>,
        registry: &SchemaRegistry,
        request: &ListRequest,
        expanded: bool,
    ) -> Result<(u64, Vec<UserResource>), ScimError> {
        let query = ListQuery::compile(request, registry, ResourceKind::User, conn.backend())?;
        let (total, rows, mut derived) = if expanded {
            let (total, rows, grants) = user_lookup::list_with_grants(conn, directory, &query)?;
            let derived = Derived::of(&rows, grants);
            (total, rows, derived)
        } else {
            let (total, rows) = users::list(conn, directory, &query)?;
            (total, rows, Derived::default())
        };
        let resources = rows
            .into_iter()
            .map(|row| derived.resource(row))
            .collect::<Result<Vec<_>, _>>()?;
        Ok((total.max(0) as u64, resources))
    }

    fn list_on_worker<'a>(
        lookups: &'a Arc<WorkerLookups>,
        directory: Option<&'a str>,
        request: &'a ListRequest,
        expanded: bool,
    ) -> impl Future<Output = Option<Result<Listed<UserResource>, ScimError>>> + 'a {
        super::users_on_worker::list(lookups, directory, request, expanded)
    }

    fn get_on_worker<'a>(
        lookups: &'a Arc<WorkerLookups>,
        directory: Option<&'a str>,
        id: &'a str,
        expanded: bool,
    ) -> impl Future<Output = Option<Result<UserResource, ScimError>>> + 'a {
        super::users_on_worker::get(lookups, directory, id, expanded)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
