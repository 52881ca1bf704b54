//! SCIM filters and sort orders compiled to SQL that runs in the database.
//!
//! Attributes with a column of their own (`id`, `userName`, `externalId`,
//! `displayName`, `active`, `meta.created`, `meta.lastModified`) compare
//! against it; every other attribute is read out of the JSON `attributes`
//! column; multi-valued attributes become `EXISTS` over their elements; a
//! user's `groups` and a group's `members` read the membership table; a
//! user's `entitlements` (and the access extension's `grants`) read the
//! derived `user_entitlements` view; and
//! `emails.value eq` uses the indexed `user_emails` table. The schema says
//! each attribute's type and case rule. Nothing is filtered in Rust.

mod compare;
pub use compare::successor;
mod compiler;
mod fragment;
pub mod json;
mod resolve;
mod stored;
mod tables;

pub use fragment::{SqlCondition, SqlExpr, SqlFragment, SqlOrder};

use resolve::Compiler;

use crate::scim::error::Cause;
use crate::scim::filter::{AttrPath, CompValue, CompareOp, Filter};
use crate::scim::fold::fold;
use crate::scim::query::{ListOrder, ListRequest, Position};
use crate::scim::schema::{ResourceKind, SchemaRegistry};
use crate::scim::ScimError;
use crate::store::conn::Backend;

/// What a list request asks of the database: which rows, in which order,
/// which page.
#[derive(Debug, Clone)]
pub struct ListQuery {
    pub condition: Option<SqlCondition>,
    /// Set when the filter is exactly `userName eq "…"` (see
    /// `user_name_lookup`): the folded key the `condition` compares with.
    pub user_name_key: Option<String>,
    /// Set when the filter is exactly `groups[value eq "…"]` (or
    /// `groups.value eq "…"`, see `group_lookup`): the group whose members
    /// the `condition` asks for.
    pub member_of: Option<String>,
    /// A cursor's position: narrows the page, not the total.
    pub seek: Option<SqlCondition>,
    /// The same position as it came (`store::group_filter` seeks on
    /// columns of its own).
    pub position: Option<Position>,
    pub order: SqlOrder,
    /// The order is creation order, oldest first (no `sortBy`): a page
    /// may then start from where the previous one ended
    /// (`store::page_anchors`).
    pub in_creation_order: bool,
    pub offset: u64,
    pub limit: u64,
    /// Count the matches for the total (else the total comes back 0).
    pub count_total: bool,
}

impl ListQuery {
    /// A list request compiled for one resource type on one backend: the
    /// filter and sort key checked against the schemas, the cursor's
    /// position as a keyset condition.
    pub fn compile(
        request: &ListRequest,
        registry: &SchemaRegistry,
        kind: ResourceKind,
        backend: Backend,
    ) -> Result<ListQuery, ScimError> {
        let (condition, user_name_key, member_of) = match &request.filter {
            Some(filter) => (
                Some(compile(filter, registry, kind, backend)?),
                user_name_lookup(filter, kind),
                group_lookup(filter, kind),
            ),
            None => (None, None, None),
        };
        let order = match &request.order {
            ListOrder::Sorted { by, descending } => {
                order_by(by.as_deref(), *descending, registry, kind, backend)?
            }
            ListOrder::Creation { descending } => creation_order(kind, *descending),
        };
        Ok(ListQuery {
            condition,
            user_name_key,
            member_of,
            seek: request
                .position
                .as_ref()
                .map(|p| seek(kind, p.created_us, &p.id, p.after)),
            position: request.position.clone(),
            order,
            in_creation_order: matches!(
                request.order,
                ListOrder::Sorted { by: None, .. } | ListOrder::Creation { descending: false }
            ),
            offset: request.offset,
            limit: request.limit,
            count_total: request.count_total,
        })
    }
}

/// The folded `userName` of a users filter that is exactly
/// `userName eq "…"`, the lookup an IdP makes before every create and for
/// every user of a sync. The key is unique per directory, so the store
/// answers it with one fixed-shape query instead of the compiled filter
/// (`store::users::list`); the compiled condition says the same.
fn user_name_lookup(filter: &Filter, kind: ResourceKind) -> Option<String> {
    let Filter::Compare {
        path,
        op: CompareOp::Eq,
        value: CompValue::Str(text),
    } = filter
    else {
        return None;
    };
    let core = path
        .urn
        .as_deref()
        .is_none_or(|urn| urn.eq_ignore_ascii_case(kind.core_urn()));
    let user_name = path.attr.eq_ignore_ascii_case("userName") && path.sub_attr.is_none();
    // Folded as the writes fold it, and as `compare_text` folds the operand.
    (kind == ResourceKind::User && core && user_name).then(|| fold(text))
}

/// The group of a users filter that is exactly `groups[value eq "…"]` or
/// `groups.value eq "…"`: an auditor's "who is in this group". The store
/// reads it from the group's members in creation order
/// (`store::group_filter`) instead of the compiled filter, which tests
/// every member; the compiled condition says the same. Group ids compare
/// case-exactly, as `groups.value` does.
fn group_lookup(filter: &Filter, kind: ResourceKind) -> Option<String> {
    let is_groups = |path: &AttrPath| {
        path.urn
            .as_deref()
            .is_none_or(|urn| urn.eq_ignore_ascii_case(kind.core_urn()))
            && path.attr.eq_ignore_ascii_case("groups")
    };
    let value_eq = |path: &AttrPath, sub: Option<&str>, op: &CompareOp, value: &CompValue| match (
        sub, op, value,
    ) {
        (Some(sub), CompareOp::Eq, CompValue::Str(id)) if sub.eq_ignore_ascii_case("value") => {
            is_groups(path).then(|| id.clone())
        }
        _ => None,
    };
    if kind != ResourceKind::User {
        return None;
    }
    match filter {
        // groups.value eq "…"
        Filter::Compare { path, op, value } => value_eq(path, path.sub_attr.as_deref(), op, value),
        // groups[value eq "…"]
        Filter::ValuePath { path, filter } if path.sub_attr.is_none() => match filter.as_ref() {
            Filter::Compare {
                path: inner,
                op,
                value,
            } if inner.urn.is_none() && inner.sub_attr.is_none() => {
                value_eq(path, Some(&inner.attr), op, value)
            }
            _ => None,
        },
        _ => None,
    }
}

/// Compiles a parsed filter for one resource type.
pub fn compile(
    filter: &Filter,
    registry: &SchemaRegistry,
    kind: ResourceKind,
    backend: Backend,
) -> Result<SqlCondition, ScimError> {
    let condition = Compiler {
        registry,
        kind,
        backend,
    }
    .filter(filter)?;
    // One comparison has as many shapes as the schema has attributes and
    // operators; anything with `and`/`or`/`not` or a value path can grow
    // without bound.
    Ok(match filter {
        Filter::Compare { .. } | Filter::Present(_) => condition.cacheable(),
        _ => condition,
    })
}

/// The ORDER BY for `sortBy`/`sortOrder`: the attribute's value (unassigned
/// values last), then creation time and id, so pages never overlap.
fn order_by(
    sort_by: Option<&str>,
    descending: bool,
    registry: &SchemaRegistry,
    kind: ResourceKind,
    backend: Backend,
) -> Result<SqlOrder, ScimError> {
    let compiler = Compiler {
        registry,
        kind,
        backend,
    };
    let tail = match kind {
        ResourceKind::User => "users.created_at, users.id",
        ResourceKind::Group => "\"groups\".created_at, \"groups\".id",
    };
    let Some(text) = sort_by else {
        return Ok(SqlOrder::new().sql(tail).cacheable());
    };
    let path = crate::scim::path::parse_path(text)
        .ok()
        .filter(|p| p.filter.is_none())
        .map(|p| p.attr)
        .ok_or_else(|| {
            ScimError::invalid_value(format!("sortBy \"{text}\" is not an attribute path"))
        })?;
    let key = compiler.sort_key(&path).map_err(|e| match e.cause {
        // A sortBy is no filter: an unknown attribute in it is a bad value.
        Some(Cause::UnknownAttribute) => {
            ScimError::invalid_value(format!("sortBy \"{text}\" names no attribute"))
                .because(Cause::UnknownAttribute)
        }
        _ => e,
    })?;
    let direction = if descending { " DESC, " } else { " ASC, " };
    Ok(SqlOrder::new()
        .sql("(")
        .append(key.clone())
        .sql(" IS NULL), ")
        .append(key)
        .sql(direction)
        .sql(tail)
        // One shape per sortable attribute and direction.
        .cacheable())
}

/// Creation order (the order cursors follow), backwards when `descending`.
fn creation_order(kind: ResourceKind, descending: bool) -> SqlOrder {
    SqlOrder::new()
        .sql(match (kind, descending) {
            (ResourceKind::User, false) => "users.created_at ASC, users.id ASC",
            (ResourceKind::User, true) => "users.created_at DESC, users.id DESC",
            (ResourceKind::Group, false) => "\"groups\".created_at ASC, \"groups\".id ASC",
            (ResourceKind::Group, true) => "\"groups\".created_at DESC, \"groups\".id DESC",
        })
        .cacheable()
}

/// Rows after (or before) a position in creation order: the keyset
/// condition of cursor paging. Written as a row-value comparison, which
/// both databases read as a range of the `(directory_id, created_at, id)`
/// index; the equivalent `created_at > ? OR (created_at = ? AND id > ?)`
/// is not, and every page walked the directory from its start (a page
/// 900,000 users in: 47 ms, against 0.1 ms).
pub fn seek(kind: ResourceKind, created_us: i64, id: &str, after: bool) -> SqlCondition {
    let columns = match kind {
        ResourceKind::User => "(users.created_at, users.id)",
        ResourceKind::Group => "(\"groups\".created_at, \"groups\".id)",
    };
    let op = if after { " > (" } else { " < (" };
    SqlCondition::new()
        .sql(columns)
        .sql(op)
        .bigint(created_us)
        .sql(", ")
        .text(id)
        .sql(")")
        .cacheable()
}

#[cfg(test)]
mod tests;
