//! A `userName eq` lookup and a read by id answered on the HTTP worker
//! where the store can (`store::worker_lookups`, PostgreSQL): the same
//! resources `Users::list` and `Users::get` build from the same statement,
//! without a reader thread. `None` whenever the worker cannot answer
//! alone; the caller then asks a reader, which answers every other case
//! (and every error) as before.

use std::sync::Arc;

use super::user_resources::{with_grants, Derived};
use super::Listed;
use crate::scim::query::ListRequest;
use crate::scim::resource::UserResource;
use crate::scim::schema::ResourceKind;
use crate::scim::ScimError;
use crate::store::sql_filter::ListQuery;
use crate::store::user_lookup;
use crate::store::worker_lookups::WorkerLookups;

/// `Users::list` of a request that is exactly a `userName eq` lookup in
/// one directory, for a response that shows groups and access
/// (`expanded`).
pub async fn list(
    lookups: &Arc<WorkerLookups>,
    directory: Option<&str>,
    request: &ListRequest,
    expanded: bool,
) -> Option<Result<Listed<UserResource>, ScimError>> {
    let directory = directory.filter(|_| expanded)?;
    let key = ListQuery::user_name_lookup(request, ResourceKind::User)?;
    let page = (request.offset, request.limit);
    let (total, rows, grants) = user_lookup::list_on_worker(lookups, directory, &key, page).await?;
    let mut derived = Derived::of(&rows, grants);
    let resources: Result<Vec<_>, _> = rows.into_iter().map(|row| derived.resource(row)).collect();
    Some(resources.map(|found| (total.max(0) as u64, found)))
}

/// `Users::get` of a user there is, for a response that shows groups and
/// access (`expanded`); a user not found is left to a reader, which says
/// so as every read does.
pub async fn get(
    lookups: &Arc<WorkerLookups>,
    directory: Option<&str>,
    id: &str,
    expanded: bool,
) -> Option<Result<UserResource, ScimError>> {
    if !expanded {
        return None;
    }
    let (row, grants) = user_lookup::one_on_worker(lookups, directory, id).await??;
    Some(with_grants(row, grants))
}
