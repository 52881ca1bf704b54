//! A user a directory creates: its row worked out from the request, and,
//! on PostgreSQL, the common case written as one statement outside any
//! transaction (`plan` and `write_planned`, for
//! `Store::write_in_one_statement`).
//!
//! The common case is a new person for a new email with no automatic
//! access to hand out: the create is then the person, the user, its
//! emails and the audit event (`store::user_creates`), read-nothing but
//! the policies first. In a transaction that was BEGIN, the statement,
//! the policies' read and COMMIT: four round trips, now two.

use serde_json::Value;

use super::user_resources::to_resource;
use super::user_rows::{email_keys, provisioned, taken, UserFields};
use super::{check_unregistered, Written};
use crate::access::audit;
use crate::access::auto_access;
use crate::access::persons;
use crate::access::WriteContext;
use crate::scim::fold::fold;
use crate::scim::resource::UserResource;
use crate::scim::validate::{Attributes, Unregistered, Validated};
use crate::scim::ScimError;
use crate::store::models::{PersonRow, UserRow};
use crate::store::users::EmailKey;
use crate::store::{user_creates, DbConn, StoreError};

/// A create `plan` found fits one statement.
pub struct Planned {
    row: UserRow,
    person: PersonRow,
    emails: Vec<EmailKey>,
    unregistered: Vec<Unregistered>,
}

/// The row of a new user of the writing directory, with no person yet,
/// and its email keys.
pub fn row_of(
    ctx: &WriteContext,
    attributes: Attributes,
) -> Result<(UserRow, Vec<EmailKey>), ScimError> {
    let fields = UserFields::split(attributes)?;
    let emails = email_keys(&fields.rest);
    let row = UserRow {
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
    Ok((row, emails))
}

/// Works out a create; `None` when it needs the transaction of
/// `Users::create`: a policy hands out automatic access (the grants are
/// writes of their own), or the user has no email to make a person of.
/// Reads only.
pub fn plan(
    conn: &mut DbConn,
    ctx: &WriteContext,
    validated: &Validated,
) -> Result<Option<Planned>, ScimError> {
    if auto_access::handed_out(conn)? {
        return Ok(None);
    }
    check_unregistered(conn, ctx, &validated.unregistered)?;
    let (mut row, emails) = row_of(ctx, validated.attributes.clone())?;
    Ok(
        persons::new_person_for_email(ctx, &mut row).map(|person| Planned {
            row,
            person,
            emails,
            unregistered: validated.unregistered.clone(),
        }),
    )
}

/// Writes what `plan` found, in one statement. A person that took the
/// email since makes it write nothing and answer `Stale`: the create is
/// then made in a transaction, joining that person.
pub fn write_planned(
    conn: &mut DbConn,
    ctx: &WriteContext,
    planned: Planned,
) -> Result<Written<UserResource>, ScimError> {
    let Planned {
        row,
        person,
        emails,
        unregistered,
    } = planned;
    if !insert_with_new_person(conn, ctx, &person, &row, &emails)? {
        return Err(StoreError::Stale.into());
    }
    Ok(Written::new(
        to_resource(row, Vec::new(), Vec::new())?,
        unregistered,
    ))
}

/// `row` written with its new `person`, its emails and its audit event
/// (`store::user_creates`); false, with nothing written, when a person
/// holds the email already; a taken userName refused (409).
pub fn insert_with_new_person(
    conn: &mut DbConn,
    ctx: &WriteContext,
    person: &PersonRow,
    row: &UserRow,
    emails: &[EmailKey],
) -> Result<bool, ScimError> {
    let event = audit::event(ctx, provisioned(row));
    match user_creates::insert_with_new_person(conn, person, row, emails, &event)
        .map_err(StoreError::from)
    {
        Err(StoreError::Conflict(_)) => Err(taken(&row.user_name)),
        other => Ok(other?),
    }
}
