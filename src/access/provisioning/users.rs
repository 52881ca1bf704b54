//! Users pushed by a directory.

use std::future::Future;
use std::sync::Arc;

use super::new_users;
use super::user_resources::{to_resource, with_grants, Derived};
use super::user_rewrites::{self, Rewrite};
use super::user_rows::{audit_view, join_person, provisioned, taken};
use super::{check_if_match, check_unregistered, found, Listed, Provisioned, Written};
use crate::access::audit::{self, Change};
use crate::access::persons;
use crate::access::WriteContext;
use crate::scim::patch::{self, MemberChanges, Operation};
use crate::scim::projection::Projection;
use crate::scim::query::ListRequest;
use crate::scim::resource::UserResource;
use crate::scim::schema::{ResourceKind, SchemaRegistry};
use crate::scim::validate::{Attributes, Validated};
use crate::scim::ScimError;
use crate::store::models::UserRow;
use crate::store::sql_filter::ListQuery;
use crate::store::worker_lookups::WorkerLookups;
use crate::store::write_reach::Reach;
use crate::store::{memberships, user_lookup, users, DbConn, StoreError};

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

/// PATCH `operations` applied to the stored user `before`.
fn patched(
    registry: &SchemaRegistry,
    before: &UserRow,
    operations: &[Operation],
) -> Result<Validated, ScimError> {
    patch::apply(
        registry,
        ResourceKind::User,
        document_of(before)?,
        operations,
        &mut MemberChanges::default(),
    )
}

/// A user's write made in one statement (`Provisioned::write_planned`).
pub enum UserWrite {
    Create(new_users::Planned),
    Rewrite(user_rewrites::Planned),
}

/// `/Users`: users as directories provision them.
pub struct Users;

impl Provisioned for Users {
    type Resource = UserResource;
    type Planned = UserWrite;
    const PLANS_WRITES: bool = true;
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
        let (mut row, emails) = new_users::row_of(ctx, validated.attributes)?;
        // The common case (a new person for a new email) in one statement
        // on PostgreSQL; otherwise, or if a person took the email
        // meanwhile, step by step.
        let written = match persons::new_person_for_email(ctx, &mut row) {
            Some(person) => new_users::insert_with_new_person(conn, ctx, &person, &row, &emails)?,
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
        let rewrite = Rewrite::of(ctx, before, catalog_version, validated.attributes)?;
        let user = user_rewrites::overwrite(conn, ctx, rewrite)?;
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
        let validated = patched(registry, &before, operations)?;
        check_unregistered(conn, ctx, &validated.unregistered)?;
        let rewrite = Rewrite::of(ctx, before, catalog_version, validated.attributes)?;
        let user = user_rewrites::overwrite(conn, ctx, rewrite)?;
        Ok(Written::new(user, validated.unregistered))
    }

    fn plan_replace(
        conn: &mut DbConn,
        ctx: &WriteContext,
        id: &str,
        validated: &Validated,
        if_match: Option<&str>,
    ) -> Result<Option<UserWrite>, ScimError> {
        let planned = user_rewrites::plan(conn, ctx, id, if_match, |_| {
            Ok((validated.attributes.clone(), validated.unregistered.clone()))
        })?;
        Ok(planned.map(UserWrite::Rewrite))
    }

    fn plan_patch(
        conn: &mut DbConn,
        ctx: &WriteContext,
        registry: &SchemaRegistry,
        id: &str,
        operations: &[Operation],
        if_match: Option<&str>,
    ) -> Result<Option<UserWrite>, ScimError> {
        let planned = user_rewrites::plan(conn, ctx, id, if_match, |before| {
            let validated = patched(registry, before, operations)?;
            Ok((validated.attributes, validated.unregistered))
        })?;
        Ok(planned.map(UserWrite::Rewrite))
    }

    fn patch_may_be_planned(operations: &[Operation]) -> bool {
        user_rewrites::may_change_row_only(operations)
    }

    fn plan_create(
        conn: &mut DbConn,
        ctx: &WriteContext,
        validated: &Validated,
    ) -> Result<Option<UserWrite>, ScimError> {
        Ok(new_users::plan(conn, ctx, validated)?.map(UserWrite::Create))
    }

    fn write_planned(
        conn: &mut DbConn,
        ctx: &WriteContext,
        planned: UserWrite,
    ) -> Result<Written<UserResource>, ScimError> {
        match planned {
            UserWrite::Create(planned) => new_users::write_planned(conn, ctx, planned),
            UserWrite::Rewrite(planned) => user_rewrites::write_planned(conn, ctx, planned),
        }
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
