//! SCIM filters compiled to SQL conditions that run in the database.
//!
//! A condition is trusted SQL text (column names and operators chosen here,
//! never taken from the request) interleaved with bound parameters: values
//! from the filter are always bound, never spliced into the text.

use diesel::expression::{is_aggregate, AppearsOnTable, Expression, ValidGrouping};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::{BigInt, Bool, Text};
use diesel::QueryResult;

use super::dialect::Backend;
use super::pool::MultiBackend;
use crate::scim::filter::{AttrPath, CompValue, CompareOp, Filter};
use crate::scim::schema::ResourceKind;
use crate::scim::ScimError;

/// One piece of a compiled condition.
#[derive(Debug, Clone, PartialEq)]
enum SqlPart {
    /// SQL text written by this module.
    Sql(&'static str),
    Text(String),
    BigInt(i64),
    Bool(bool),
}

/// A boolean SQL condition with its bound values, usable in `.filter()`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SqlCondition {
    parts: Vec<SqlPart>,
}

impl SqlCondition {
    fn sql(mut self, text: &'static str) -> Self {
        self.parts.push(SqlPart::Sql(text));
        self
    }

    fn text(mut self, value: String) -> Self {
        self.parts.push(SqlPart::Text(value));
        self
    }

    fn bigint(mut self, value: i64) -> Self {
        self.parts.push(SqlPart::BigInt(value));
        self
    }

    fn boolean(mut self, value: bool) -> Self {
        self.parts.push(SqlPart::Bool(value));
        self
    }

    fn append(mut self, other: SqlCondition) -> Self {
        self.parts.extend(other.parts);
        self
    }

    /// The SQL text with `?` for each bound value, and the values: what the
    /// database will be sent, for tests and debug logs.
    pub fn describe(&self) -> (String, Vec<String>) {
        let mut text = String::new();
        let mut binds = Vec::new();
        for part in &self.parts {
            match part {
                SqlPart::Sql(s) => text.push_str(s),
                SqlPart::Text(v) => {
                    text.push('?');
                    binds.push(v.clone());
                }
                SqlPart::BigInt(v) => {
                    text.push('?');
                    binds.push(v.to_string());
                }
                SqlPart::Bool(v) => {
                    text.push('?');
                    binds.push(v.to_string());
                }
            }
        }
        (text, binds)
    }
}

impl Expression for SqlCondition {
    type SqlType = Bool;
}

impl<QS> AppearsOnTable<QS> for SqlCondition {}

impl ValidGrouping<()> for SqlCondition {
    type IsAggregate = is_aggregate::Never;
}

impl QueryId for SqlCondition {
    type QueryId = ();
    // The text varies per filter, so prepared statements must not be cached by type.
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl QueryFragment<MultiBackend> for SqlCondition {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, MultiBackend>) -> QueryResult<()> {
        out.unsafe_to_cache_prepared();
        for part in &self.parts {
            match part {
                SqlPart::Sql(text) => out.push_sql(text),
                SqlPart::Text(v) => out.push_bind_param::<Text, String>(v)?,
                SqlPart::BigInt(v) => out.push_bind_param::<BigInt, i64>(v)?,
                SqlPart::Bool(v) => out.push_bind_param::<Bool, bool>(v)?,
            }
        }
        Ok(())
    }
}

/// How a filterable attribute is stored.
#[derive(Debug, Clone, Copy)]
enum Column {
    /// Text compared exactly (caseExact attributes).
    Exact(&'static str),
    /// A column holding the case-folded value: compare with a folded operand.
    FoldedKey(&'static str),
    /// Text compared case-insensitively through SQL `lower()`.
    Folded(&'static str),
    Bool(&'static str),
    /// Microseconds since the epoch; compared as times.
    Time(&'static str),
}

/// The column behind an attribute path, if the attribute lives in one.
fn column(kind: ResourceKind, path: &AttrPath) -> Result<Column, ScimError> {
    if let Some(urn) = &path.urn {
        if !urn.eq_ignore_ascii_case(kind.core_urn()) {
            return Err(unknown(path));
        }
    }
    let attr = path.attr.to_ascii_lowercase();
    let sub = path.sub_attr.as_deref().map(str::to_ascii_lowercase);
    let found = match (kind, attr.as_str(), sub.as_deref()) {
        (ResourceKind::User, "id", None) => Column::Exact("users.id"),
        (ResourceKind::User, "username", None) => Column::FoldedKey("users.user_name_key"),
        (ResourceKind::User, "externalid", None) => Column::Exact("users.external_id"),
        (ResourceKind::User, "displayname", None) => Column::Folded("users.display_name"),
        (ResourceKind::User, "active", None) => Column::Bool("users.active"),
        (ResourceKind::User, "meta", Some("created")) => Column::Time("users.created_at"),
        (ResourceKind::User, "meta", Some("lastmodified")) => Column::Time("users.updated_at"),
        (ResourceKind::Group, "id", None) => Column::Exact("\"groups\".id"),
        (ResourceKind::Group, "displayname", None) => {
            Column::FoldedKey("\"groups\".display_name_key")
        }
        (ResourceKind::Group, "externalid", None) => Column::Exact("\"groups\".external_id"),
        (ResourceKind::Group, "meta", Some("created")) => Column::Time("\"groups\".created_at"),
        (ResourceKind::Group, "meta", Some("lastmodified")) => {
            Column::Time("\"groups\".updated_at")
        }
        _ => return Err(unknown(path)),
    };
    Ok(found)
}

fn unknown(path: &AttrPath) -> ScimError {
    ScimError::invalid_filter(format!("filtering on '{path}' is not supported"))
}

/// Compiles a parsed filter for one resource type.
pub fn compile(
    filter: &Filter,
    kind: ResourceKind,
    backend: Backend,
) -> Result<SqlCondition, ScimError> {
    let c = SqlCondition::default();
    Ok(match filter {
        Filter::And(a, b) => c
            .sql("(")
            .append(compile(a, kind, backend)?)
            .sql(" AND ")
            .append(compile(b, kind, backend)?)
            .sql(")"),
        Filter::Or(a, b) => c
            .sql("(")
            .append(compile(a, kind, backend)?)
            .sql(" OR ")
            .append(compile(b, kind, backend)?)
            .sql(")"),
        Filter::Not(inner) => c
            .sql("(NOT ")
            .append(compile(inner, kind, backend)?)
            .sql(")"),
        Filter::Present(path) => present(column(kind, path)?),
        Filter::Compare { path, op, value } => {
            compare(column(kind, path)?, path, *op, value, backend)?
        }
        Filter::ValuePath { path, .. } => {
            return Err(ScimError::invalid_filter(format!(
                "value-path filters on '{path}' are not supported"
            )))
        }
    })
}

fn present(column: Column) -> SqlCondition {
    let c = SqlCondition::default();
    match column {
        Column::Exact(col) | Column::FoldedKey(col) | Column::Folded(col) => c
            .sql("(")
            .sql(col)
            .sql(" IS NOT NULL AND ")
            .sql(col)
            .sql(" <> '')"),
        // NOT NULL columns: always present.
        Column::Bool(_) | Column::Time(_) => c.sql("(1 = 1)"),
    }
}

fn compare(
    column: Column,
    path: &AttrPath,
    op: CompareOp,
    value: &CompValue,
    backend: Backend,
) -> Result<SqlCondition, ScimError> {
    if let CompValue::Null = value {
        // `attr eq null` asks for an unassigned attribute; `ne null` for an assigned one.
        return match op {
            CompareOp::Eq => Ok(SqlCondition::default()
                .sql("(NOT ")
                .append(present(column))
                .sql(")")),
            CompareOp::Ne => Ok(present(column)),
            _ => Err(ScimError::invalid_filter(format!(
                "'{path} {op}' cannot compare with null"
            ))),
        };
    }
    if op == CompareOp::Ne {
        // ne matches resources without the attribute too, so it is NOT (eq),
        // with eq written to be false (never NULL) when the column is NULL.
        let eq = compare(column, path, CompareOp::Eq, value, backend)?;
        return Ok(SqlCondition::default().sql("(NOT ").append(eq).sql(")"));
    }
    match column {
        Column::Bool(col) => {
            let b = match value {
                CompValue::Bool(b) => *b,
                CompValue::Str(s) if s.eq_ignore_ascii_case("true") => true,
                CompValue::Str(s) if s.eq_ignore_ascii_case("false") => false,
                _ => return Err(ScimError::invalid_filter(format!("'{path}' is a boolean"))),
            };
            if op != CompareOp::Eq {
                return Err(ScimError::invalid_filter(format!(
                    "'{path}' is a boolean and supports only eq, ne and pr"
                )));
            }
            Ok(SqlCondition::default()
                .sql("(")
                .sql(col)
                .sql(" = ")
                .boolean(b)
                .sql(")"))
        }
        Column::Time(col) => {
            let CompValue::Str(text) = value else {
                return Err(ScimError::invalid_filter(format!(
                    "'{path}' is a dateTime; compare it with a string"
                )));
            };
            let micros = chrono::DateTime::parse_from_rfc3339(text)
                .map_err(|_| ScimError::invalid_filter(format!("'{text}' is not an xsd:dateTime")))?
                .timestamp_micros();
            let sql_op = ordering_op(op).ok_or_else(|| {
                ScimError::invalid_filter(format!(
                    "'{path}' is a dateTime and does not support {op}"
                ))
            })?;
            Ok(SqlCondition::default()
                .sql("(")
                .sql(col)
                .sql(sql_op)
                .bigint(micros)
                .sql(")"))
        }
        Column::Exact(col) | Column::FoldedKey(col) | Column::Folded(col) => {
            let CompValue::Str(text) = value else {
                return Err(ScimError::invalid_filter(format!(
                    "'{path}' is a string; compare it with a string"
                )));
            };
            // Folded keys hold Rust-lowercased text, so the operand is folded the
            // same way; other case-insensitive columns fold both sides in SQL so
            // each database compares like with like.
            let folded_in_sql = matches!(column, Column::Folded(_));
            let operand = match column {
                Column::FoldedKey(_) => text.to_lowercase(),
                _ => text.clone(),
            };
            let lhs = |c: SqlCondition| {
                if folded_in_sql {
                    c.sql("lower(").sql(col).sql(")")
                } else {
                    c.sql(col)
                }
            };
            let rhs = |c: SqlCondition, v: String| {
                if folded_in_sql {
                    c.sql("lower(").text(v).sql(")")
                } else {
                    c.text(v)
                }
            };
            let c = SqlCondition::default()
                .sql("(")
                .sql(col)
                .sql(" IS NOT NULL AND ");
            let c = match op {
                CompareOp::Co => {
                    let c = lhs(c.sql(backend.substring_position())).sql(", ");
                    rhs(c, operand).sql(") > 0")
                }
                CompareOp::Sw => {
                    let c = lhs(c.sql("substr(")).sql(", 1, length(");
                    let c = rhs(c, operand.clone()).sql(")) = ");
                    rhs(c, operand)
                }
                CompareOp::Ew => {
                    let c = lhs(c.sql("substr("));
                    let c = lhs(c.sql(", length(")).sql(") - length(");
                    let c = rhs(c, operand.clone()).sql(") + 1) = ");
                    rhs(c, operand)
                }
                _ => {
                    let sql_op = ordering_op(op).ok_or_else(|| {
                        ScimError::invalid_filter(format!("unsupported operator {op}"))
                    })?;
                    let c = lhs(c).sql(backend.binary_collation()).sql(sql_op);
                    rhs(c, operand)
                }
            };
            Ok(c.sql(")"))
        }
    }
}

fn ordering_op(op: CompareOp) -> Option<&'static str> {
    match op {
        CompareOp::Eq => Some(" = "),
        CompareOp::Gt => Some(" > "),
        CompareOp::Ge => Some(" >= "),
        CompareOp::Lt => Some(" < "),
        CompareOp::Le => Some(" <= "),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
