//! Provisioning: users and groups as a directory pushes them over SCIM.
//! Each function runs inside the caller's transaction and records its audit
//! event there, so a change and its audit row commit together.

mod group_members;
pub mod group_pages;
mod group_reach;
pub mod groups;
mod new_users;
mod user_resources;
mod user_rewrites;
mod user_rows;
pub mod users;
mod users_on_worker;

pub use groups::Groups;
pub use users::Users;

use std::future::Future;
use std::sync::Arc;

use crate::scim::patch::Operation;
use crate::scim::projection::Projection;
use crate::scim::query::ListRequest;
use crate::scim::resource::{etag, Meta, ScimResource, StoredAttributes};
use crate::scim::schema::ResourceKind;
use crate::scim::schema::SchemaRegistry;
use crate::scim::validate::Unregistered;
use crate::scim::validate::Validated;
use crate::scim::ScimError;
use crate::store::worker_lookups::WorkerLookups;
use crate::store::write_reach::Reach;
use crate::store::{directories, DbConn, StoreError};

use super::WriteContext;

/// A SCIM resource type as directories provision it. Users and groups
/// implement it alike, so the SCIM handlers serve both with one code path;
/// each call runs inside the caller's transaction.
pub trait Provisioned: 'static {
    type Resource: ScimResource;
    const KIND: ResourceKind = <Self::Resource as ScimResource>::KIND;
    /// Whether a PATCH answers with the resource when the client did not
    /// ask for attributes: users yes; groups no (204), since a group's
    /// members are what its PATCHes change and can be 200,000 long.
    const PATCH_ANSWERS_RESOURCE: bool;
    /// How much one write of this resource may change (`write_reach`):
    /// a user's rows, or a group's members, who may be 200,000.
    const REACH: Reach;
    /// The reach of a PATCH of `operations`: `REACH` unless the
    /// operations say less.
    fn patch_reach(_operations: &[Operation]) -> Reach {
        Self::REACH
    }
    /// Whether a projection needs the costly multi-valued part (a group's
    /// members) loaded.
    fn expanded(registry: &SchemaRegistry, projection: &Projection) -> bool;
    fn create(
        conn: &mut DbConn,
        ctx: &WriteContext,
        validated: Validated,
    ) -> Result<Written<Self::Resource>, ScimError>;
    /// One resource; `directory` None looks in every directory.
    fn get(
        conn: &mut DbConn,
        directory: Option<&str>,
        id: &str,
        expanded: bool,
    ) -> Result<Self::Resource, ScimError>;
    fn replace(
        conn: &mut DbConn,
        ctx: &WriteContext,
        id: &str,
        validated: Validated,
        if_match: Option<&str>,
    ) -> Result<Written<Self::Resource>, ScimError>;
    /// A write `plan_replace` or `plan_patch` found the store can make in
    /// one statement outside a transaction (`Store::write_in_one_statement`).
    type Planned: Send + 'static;
    /// Whether `plan_replace` and `plan_patch` may find such writes; when
    /// not, a write goes straight to its transaction.
    const PLANS_WRITES: bool = false;
    /// Reads (only) what a PUT changes and works the write out; `None`
    /// when it needs `replace`'s transaction. None by default.
    fn plan_replace(
        _conn: &mut DbConn,
        _ctx: &WriteContext,
        _id: &str,
        _validated: &Validated,
        _if_match: Option<&str>,
    ) -> Result<Option<Self::Planned>, ScimError> {
        Ok(None)
    }
    /// `plan_replace` for a create (POST).
    fn plan_create(
        _conn: &mut DbConn,
        _ctx: &WriteContext,
        _validated: &Validated,
    ) -> Result<Option<Self::Planned>, ScimError> {
        Ok(None)
    }
    /// Whether a PATCH of `operations` may be one `plan_patch` finds fits
    /// one statement; when not, it goes to its transaction without the
    /// plan's read.
    fn patch_may_be_planned(_operations: &[Operation]) -> bool {
        false
    }
    /// `plan_replace` for a PATCH.
    fn plan_patch(
        _conn: &mut DbConn,
        _ctx: &WriteContext,
        _registry: &SchemaRegistry,
        _id: &str,
        _operations: &[Operation],
        _if_match: Option<&str>,
    ) -> Result<Option<Self::Planned>, ScimError> {
        Ok(None)
    }
    /// Writes what a plan found, in one statement: `Stale` (nothing
    /// written) when the resource changed since the plan read it.
    fn write_planned(
        conn: &mut DbConn,
        ctx: &WriteContext,
        planned: Self::Planned,
    ) -> Result<Written<Self::Resource>, ScimError>;
    /// PATCH, all operations or none.
    #[allow(clippy::too_many_arguments)]
    fn patch(
        conn: &mut DbConn,
        ctx: &WriteContext,
        registry: &SchemaRegistry,
        id: &str,
        operations: &[Operation],
        if_match: Option<&str>,
        expanded: bool,
    ) -> Result<Written<Self::Resource>, ScimError>;
    fn delete(
        conn: &mut DbConn,
        ctx: &WriteContext,
        id: &str,
        if_match: Option<&str>,
    ) -> Result<(), ScimError>;
    /// One page of the resources a list request finds, and their total;
    /// `directory` None reads every directory.
    fn list(
        conn: &mut DbConn,
        directory: Option<&str>,
        registry: &SchemaRegistry,
        request: &ListRequest,
        expanded: bool,
    ) -> Result<(u64, Vec<Self::Resource>), ScimError>;
    /// `list` answered on the HTTP worker without a reader, where the
    /// store can (`store::worker_lookups`); `None`: run `list` on a reader.
    fn list_on_worker<'a>(
        _lookups: &'a Arc<WorkerLookups>,
        _directory: Option<&'a str>,
        _request: &'a ListRequest,
        _expanded: bool,
    ) -> impl Future<Output = Option<Result<Listed<Self::Resource>, ScimError>>> + 'a {
        std::future::ready(None)
    }
    /// `get` answered on the HTTP worker, as `list_on_worker`.
    fn get_on_worker<'a>(
        _lookups: &'a Arc<WorkerLookups>,
        _directory: Option<&'a str>,
        _id: &'a str,
        _expanded: bool,
    ) -> impl Future<Output = Option<Result<Self::Resource, ScimError>>> + 'a {
        std::future::ready(None)
    }
}

/// A page of resources a list request found, after their total.
pub type Listed<R> = (u64, Vec<R>);

/// A resource a write left, and what of the request did not fit without
/// being refused, for the directory's sync health.
#[derive(Debug, Clone)]
pub struct Written<R> {
    pub resource: R,
    /// Attributes no schema defines, kept as sent.
    pub unregistered: Vec<Unregistered>,
    /// Member ids the directory holds no resource for, skipped.
    pub skipped_members: Vec<String>,
}

impl<R> Written<R> {
    fn new(resource: R, unregistered: Vec<Unregistered>) -> Written<R> {
        Written {
            resource,
            unregistered,
            skipped_members: Vec::new(),
        }
    }
}

/// The attributes stored for a resource, as a JSON object. Anything else
/// there is a damaged row: the request fails loudly (500, logged with the
/// row's id) rather than read it as empty — a PATCH would then write the
/// emptiness back over whatever the row held.
fn stored_attributes(
    kind: ResourceKind,
    id: &str,
    text: &str,
) -> Result<serde_json::Map<String, serde_json::Value>, ScimError> {
    match serde_json::from_str(text) {
        Ok(serde_json::Value::Object(map)) => Ok(map),
        Ok(_) | Err(_) => Err(damaged(kind, id)),
    }
}

/// The attributes stored for a resource about to be shown, split into
/// members but not parsed (`StoredAttributes`); a damaged row fails as in
/// `stored_attributes`.
fn stored_for_render(
    kind: ResourceKind,
    id: &str,
    text: &str,
) -> Result<StoredAttributes, ScimError> {
    StoredAttributes::from_stored(text).map_err(|_| damaged(kind, id))
}

fn damaged(kind: ResourceKind, id: &str) -> ScimError {
    tracing::error!(
        resource = kind.name(),
        id,
        "stored attributes are not a JSON object; the row is left as it is"
    );
    ScimError::new(
        500,
        format!(
            "the stored attributes of {} {id} cannot be read; nothing was changed",
            kind.name()
        ),
    )
}

/// Keeps what no schema defines, unless the directory is `strict_schema`:
/// then the first such attribute refuses the request, as before any was
/// kept. Costs nothing when everything sent is defined.
fn check_unregistered(
    conn: &mut DbConn,
    ctx: &WriteContext,
    unregistered: &[Unregistered],
) -> Result<(), ScimError> {
    let Some(first) = unregistered.first() else {
        return Ok(());
    };
    if directories::strict_schema(conn, &ctx.directory_id)? {
        return Err(first.refusal.clone());
    }
    Ok(())
}

/// Checks an `If-Match` header against the current version (weak comparison,
/// RFC 7232 §3.1): `*` or any listed tag equal to the current one passes.
pub fn check_if_match(if_match: Option<&str>, version: i64) -> Result<(), ScimError> {
    let Some(header) = if_match else {
        return Ok(());
    };
    let current = etag(version);
    let matches = header.split(',').map(str::trim).any(|tag| {
        tag == "*" || tag == current || tag.strip_prefix("W/").unwrap_or(tag) == &current[2..]
    });
    if matches {
        Ok(())
    } else {
        Err(ScimError::new(
            412,
            format!("If-Match {header} does not match the current version {current}"),
        ))
    }
}

/// A row that must exist: absence is the 404 of its resource type.
fn found<T>(result: diesel::QueryResult<T>, kind: ResourceKind, id: &str) -> Result<T, ScimError> {
    match result {
        Ok(row) => Ok(row),
        Err(diesel::result::Error::NotFound) => Err(ScimError::not_found(format!(
            "{} {id} not found",
            kind.name()
        ))),
        Err(e) => Err(StoreError::from(e).into()),
    }
}

fn meta(created_us: i64, last_modified_us: i64, version: i64) -> Meta {
    Meta {
        created_us,
        last_modified_us,
        version,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_match_uses_weak_comparison() {
        let cases = [
            (None, 3, true),
            (Some("*"), 3, true),
            (Some("W/\"3\""), 3, true),
            (Some("\"3\""), 3, true),
            (Some("W/\"2\", W/\"3\""), 3, true),
            (Some("W/\"2\""), 3, false),
            (Some("\"33\""), 3, false),
            (Some("garbage"), 3, false),
        ];
        for (header, version, ok) in cases {
            let got = check_if_match(header, version);
            assert_eq!(got.is_ok(), ok, "{header:?}");
            if let Err(e) = got {
                assert_eq!(e.status, 412);
            }
        }
    }
}
