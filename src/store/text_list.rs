//! A list of texts bound as one value (`dialect::among`,
//! `dialect::insert_licenses`): a `text[]` on PostgreSQL, a JSON array
//! (read by `json_each`) on SQLite. One statement text whatever the
//! list's length, so each database keeps it prepared.
//!
//! Why not a text cast to `text[]` in the SQL, as before: the cast
//! (`array_in`) is STABLE, so PostgreSQL does not fold it into a constant,
//! and where a plan filters rows by `column = ANY(CAST($1 AS text[]))`
//! (rather than looking the list up in an index) it parsed the whole list
//! again for every row it read: 12.1 ms against 0.28 ms with a `text[]`
//! parameter for the license settle's read of a 50-member add, on a
//! 2,000-user directory (stop 59's note). Diesel's `MultiConnection` binds
//! only the types both databases share, so this one is taught to it here.

use diesel::pg::Pg;
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::{Array, HasSqlType, Text};
use diesel::sqlite::Sqlite;

use super::conn::MultiBackend;

/// The SQL type of a bound list: `text[]` (oid 1009) on PostgreSQL, text
/// on SQLite. (`array_oid` 0: PostgreSQL has no type for an array of
/// `text[]`, and none is ever bound.)
#[derive(diesel::sql_types::SqlType, diesel::query_builder::QueryId, Debug, Clone, Copy)]
#[diesel(postgres_type(oid = 1009, array_oid = 0))]
#[diesel(sqlite_type(name = "Text"))]
pub struct TextList;

/// The texts of a bound list, in order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Texts(Vec<String>);

impl Texts {
    /// The list of `items`, in their order.
    pub fn of<S: AsRef<str>>(items: &[S]) -> Texts {
        Texts(items.iter().map(|s| s.as_ref().to_owned()).collect())
    }

    /// How many texts the list holds.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the list holds no text.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The list as a JSON array: what SQLite is sent, and how tests and
    /// debug logs show it.
    pub fn json(&self) -> String {
        // Written straight from the texts, no JSON tree built first (SQLite
        // sends one with every `among`). Texts cannot fail to serialize;
        // were one to, the empty text would fail the statement (malformed
        // JSON), not read less.
        serde_json::to_string(&self.0).unwrap_or_default()
    }
}

impl ToSql<TextList, Pg> for Texts {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        ToSql::<Array<Text>, Pg>::to_sql(&self.0, out)
    }
}

impl ToSql<TextList, Sqlite> for Texts {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
        out.set_value(self.json());
        Ok(IsNull::No)
    }
}

impl HasSqlType<TextList> for MultiBackend {
    fn metadata(lookup: &mut Self::MetadataLookup) -> Self::TypeMetadata {
        MultiBackend::lookup_sql_type::<TextList>(lookup)
    }
}

/// Through the `MultiConnection`, as it binds the types it knows: the
/// value is kept and written by the connection's own backend above.
impl ToSql<TextList, MultiBackend> for Texts {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, MultiBackend>) -> serialize::Result {
        out.set_value((TextList, self));
        Ok(IsNull::No)
    }
}
