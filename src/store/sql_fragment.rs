//! SQL fragments: trusted SQL text written in this crate (never text from
//! a request) interleaved with bound parameters, for the compiled SCIM
//! filters (`sql_filter`) and the statements the store writes by hand
//! (`membership_rows`, the kept totals). Values are always bound;
//! JSON paths are bound, except those of registered extension attributes,
//! written literally (from names the schema checks held to RFC 7643's
//! grammar) so that the expression indexes made for them apply.

use std::marker::PhantomData;

use diesel::expression::{
    is_aggregate, AppearsOnTable, Expression, SelectableExpression, ValidGrouping,
};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::{BigInt, Bool, Double, Nullable, SingleValue, Text};
use diesel::QueryResult;

use crate::store::conn::MultiBackend;
use crate::store::text_list::{TextList, Texts};

/// One piece of a fragment.
#[derive(Debug, Clone, PartialEq)]
enum SqlPart {
    Sql(&'static str),
    /// SQL text built from checked schema names (see `trusted`).
    Trusted(String),
    Text(String),
    NullableText(Option<String>),
    BigInt(i64),
    Double(f64),
    Bool(bool),
    /// A list of texts, bound as one value (`text_list`).
    Texts(Texts),
}

/// A piece of SQL of type `ST` with its bound values.
#[derive(Debug, Clone, PartialEq)]
pub struct SqlFragment<ST> {
    parts: Vec<SqlPart>,
    /// Whether statements holding this fragment may be prepared once and
    /// reused (see `cacheable`).
    cacheable: bool,
    sql_type: PhantomData<ST>,
}

/// A boolean condition, usable in `.filter()`.
pub type SqlCondition = SqlFragment<Bool>;

/// A value expression (its SQL type varies; diesel only needs one).
pub type SqlExpr = SqlFragment<Text>;

/// An `ORDER BY` list, usable in `.order()`.
pub type SqlOrder = SqlFragment<Text>;

impl<ST> Default for SqlFragment<ST> {
    fn default() -> Self {
        SqlFragment {
            parts: Vec::new(),
            cacheable: false,
            sql_type: PhantomData,
        }
    }
}

impl<ST> SqlFragment<ST> {
    /// An empty fragment.
    pub fn new() -> Self {
        Self::default()
    }

    /// A fixed piece of SQL written in this crate, with nothing bound,
    /// that its statement may keep prepared (`cacheable`). Where diesel's
    /// `sql()` literal stands, diesel prepares the statement afresh at
    /// every execution: on PostgreSQL a parse, a plan and a round trip more
    /// for each kept total a page reports.
    pub fn fixed(text: &'static str) -> Self {
        Self::new().sql(text).cacheable()
    }

    /// Appends SQL text written in this crate.
    pub fn sql(mut self, text: &'static str) -> Self {
        self.parts.push(SqlPart::Sql(text));
        self
    }

    /// Appends SQL text this crate built from schema names that were
    /// checked to hold no quote or other SQL syntax
    /// (`dialect::json_scalar_literal`); never text from a request.
    pub fn trusted(mut self, text: String) -> Self {
        self.parts.push(SqlPart::Trusted(text));
        self
    }

    /// Appends a bound text value.
    pub fn text(mut self, value: impl Into<String>) -> Self {
        self.parts.push(SqlPart::Text(value.into()));
        self
    }

    /// Appends a bound text value that may be NULL, as one parameter
    /// whichever it is: the statement's text stays the same (written as a
    /// literal NULL, a statement with several such values had a text per
    /// mix, each prepared apart).
    pub fn nullable_text(mut self, value: Option<String>) -> Self {
        self.parts.push(SqlPart::NullableText(value));
        self
    }

    /// Appends a bound list of texts, one value whatever its length: a
    /// `text[]` on PostgreSQL, a JSON array on SQLite (`text_list`).
    pub fn texts(mut self, value: Texts) -> Self {
        self.parts.push(SqlPart::Texts(value));
        self
    }

    /// Appends a bound integer.
    pub fn bigint(mut self, value: i64) -> Self {
        self.parts.push(SqlPart::BigInt(value));
        self
    }

    /// Appends a bound floating-point number.
    pub fn double(mut self, value: f64) -> Self {
        self.parts.push(SqlPart::Double(value));
        self
    }

    /// Appends a bound boolean.
    pub fn boolean(mut self, value: bool) -> Self {
        self.parts.push(SqlPart::Bool(value));
        self
    }

    /// Appends another fragment, whatever its type.
    pub fn append<T>(mut self, other: SqlFragment<T>) -> Self {
        self.parts.extend(other.parts);
        self.cacheable &= other.cacheable;
        self
    }

    /// Marks this fragment as one of a bounded set of statement shapes, so
    /// a statement holding it is prepared once per connection and reused
    /// (its text differs only by bound values between requests: the lookup
    /// an IdP makes before every write). Diesel keeps cached statements for
    /// the connection's life, so a fragment whose shape a client controls
    /// without bound (any number of `and`/`or` terms) must stay unmarked and
    /// is prepared afresh each time.
    pub fn cacheable(mut self) -> Self {
        self.cacheable = true;
        self
    }

    /// Whether `cacheable` marked it (and nothing unmarked was appended since).
    pub fn is_cacheable(&self) -> bool {
        self.cacheable
    }

    /// The same parts seen as another SQL type.
    pub fn cast<T>(self) -> SqlFragment<T> {
        SqlFragment {
            parts: self.parts,
            cacheable: self.cacheable,
            sql_type: PhantomData,
        }
    }

    /// The SQL text with `?` for each bound value, and the values: what the
    /// database will be sent, for tests and debug logs. A list of texts
    /// shows as its JSON array (SQLite's form; PostgreSQL is sent an array).
    pub fn describe(&self) -> (String, Vec<String>) {
        let mut text = String::new();
        let mut binds = Vec::new();
        for part in &self.parts {
            let bound = match part {
                SqlPart::Sql(s) => {
                    text.push_str(s);
                    continue;
                }
                SqlPart::Trusted(s) => {
                    text.push_str(s);
                    continue;
                }
                SqlPart::Text(v) => v.clone(),
                SqlPart::NullableText(v) => v.clone().unwrap_or_else(|| "NULL".to_owned()),
                SqlPart::BigInt(v) => v.to_string(),
                SqlPart::Double(v) => v.to_string(),
                SqlPart::Bool(v) => v.to_string(),
                SqlPart::Texts(v) => v.json(),
            };
            text.push('?');
            binds.push(bound);
        }
        (text, binds)
    }
}

impl<ST: SingleValue> Expression for SqlFragment<ST> {
    type SqlType = ST;
}

impl<ST, QS> AppearsOnTable<QS> for SqlFragment<ST> where SqlFragment<ST>: Expression {}

impl<ST, QS> SelectableExpression<QS> for SqlFragment<ST> where SqlFragment<ST>: AppearsOnTable<QS> {}

impl<ST> ValidGrouping<()> for SqlFragment<ST> {
    type IsAggregate = is_aggregate::Never;
}

impl<ST> QueryId for SqlFragment<ST> {
    type QueryId = ();
    // The text varies per filter, so prepared statements must not be cached by type.
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<ST> QueryFragment<MultiBackend> for SqlFragment<ST> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, MultiBackend>) -> QueryResult<()> {
        if !self.cacheable {
            out.unsafe_to_cache_prepared();
        }
        for part in &self.parts {
            match part {
                SqlPart::Sql(text) => out.push_sql(text),
                SqlPart::Trusted(text) => out.push_sql(text),
                SqlPart::Text(v) => out.push_bind_param::<Text, String>(v)?,
                SqlPart::NullableText(v) => {
                    out.push_bind_param::<Nullable<Text>, Option<String>>(v)?
                }
                SqlPart::BigInt(v) => out.push_bind_param::<BigInt, i64>(v)?,
                SqlPart::Double(v) => out.push_bind_param::<Double, f64>(v)?,
                SqlPart::Bool(v) => out.push_bind_param::<Bool, bool>(v)?,
                SqlPart::Texts(v) => out.push_bind_param::<TextList, Texts>(v)?,
            }
        }
        Ok(())
    }
}

/// A fragment can also be a whole statement, run with `execute`.
impl<ST, Conn> diesel::RunQueryDsl<Conn> for SqlFragment<ST> {}
