//! Statements over a list of ids (the users of a page): one text per
//! database that takes the whole list as one value, a JSON array read by
//! `json_each` on SQLite and an array read by `unnest` on PostgreSQL.
//!
//! Two reasons. Diesel prepares `IN (?, ?, …)` anew on every execution
//! (its text depends on the list's length); these are prepared once and
//! kept. And the list is the outer loop of the plan, each id looked up by
//! index: asked for `member_id = ANY($1)`, PostgreSQL's planner may start
//! from the other side of the join instead (a big mapped group's
//! memberships, all groups of a directory) and filter it by the list.

use std::marker::PhantomData;

use diesel::pg::Pg;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{Array, Text};
use diesel::sqlite::Sqlite;
use diesel::{QueryResult, RunQueryDsl};

use super::Backend;

/// A statement over a list of ids, in three parts around the list.
pub trait OverIds: 'static {
    /// The SQL types of the columns selected.
    type SqlType;
    /// `SELECT …`, up to `FROM`.
    const SELECT: &'static str;
    /// After the list on SQLite, where it is `ids` and each id `ids.value`.
    const SQLITE: &'static str;
    /// After the list on PostgreSQL, where it is `ids` and each id `ids.id`.
    const POSTGRES: &'static str;
    /// After either (e.g. `ORDER BY`).
    const TAIL: &'static str;
}

/// Statement `S` over `ids`, to load on either database.
pub struct IdList<S> {
    ids: Vec<String>,
    /// The ids as a JSON array, for SQLite.
    json: String,
    statement: PhantomData<S>,
}

impl<S: OverIds> IdList<S> {
    pub fn new(ids: &[String]) -> IdList<S> {
        IdList {
            ids: ids.to_vec(),
            json: serde_json::json!(ids).to_string(),
            statement: PhantomData,
        }
    }
}

/// Where the list goes on SQLite: a JSON array, its elements `ids.value`.
const SQLITE_LIST: (&str, &str) = (" FROM json_each(", ") AS ids");

/// Where the list goes on PostgreSQL: an array, its elements `ids.id`.
const POSTGRES_LIST: (&str, &str) = (" FROM unnest(", ") AS ids(id)");

/// The layout every form of statement `S` shares: `SELECT …`, the ids'
/// table opened by `open`, its bound value (`bind`), closed by `close`,
/// the database's part `rest`, and the tail.
fn write_statement<'a, 'b, S: OverIds, DB: diesel::backend::Backend>(
    out: &mut AstPass<'a, 'b, DB>,
    (open, close): (&str, &str),
    rest: &str,
    bind: impl FnOnce(&mut AstPass<'a, 'b, DB>) -> QueryResult<()>,
) -> QueryResult<()> {
    out.push_sql(S::SELECT);
    out.push_sql(open);
    bind(out)?;
    out.push_sql(close);
    out.push_sql(rest);
    out.push_sql(S::TAIL);
    Ok(())
}

/// The same layout as text, the bound value written in as `literal`
/// (for `EXPLAIN`).
fn written<S: OverIds>(literal: &str, (open, close): (&str, &str), rest: &str) -> String {
    format!("{}{open}{literal}{close}{rest}{}", S::SELECT, S::TAIL)
}

/// Statement `S` with the list written in as a literal, for `EXPLAIN`
/// (the plan tests): the text the store runs, but for its one bind.
pub fn explained<S: OverIds>(backend: Backend, ids: &[&str]) -> String {
    let quoted = |s: &str| format!("'{}'", s.replace('\'', "''"));
    let (list, around, rest) = match backend {
        Backend::Sqlite => (
            quoted(&serde_json::json!(ids).to_string()),
            SQLITE_LIST,
            S::SQLITE,
        ),
        Backend::Postgres => {
            let ids: Vec<String> = ids.iter().map(|id| quoted(id)).collect();
            (
                format!("ARRAY[{}]::text[]", ids.join(", ")),
                POSTGRES_LIST,
                S::POSTGRES,
            )
        }
    };
    written::<S>(&list, around, rest)
}

impl<S: OverIds> QueryId for IdList<S> {
    type QueryId = IdList<S>;
    // One text per database: prepared once, found again by type.
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl<S: OverIds> Query for IdList<S> {
    type SqlType = S::SqlType;
}

impl<S, Conn> RunQueryDsl<Conn> for IdList<S> {}

impl<S: OverIds> QueryFragment<Sqlite> for IdList<S> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        write_statement::<S, _>(&mut out, SQLITE_LIST, S::SQLITE, |out| {
            out.push_bind_param::<Text, _>(&self.json)
        })
    }
}

impl<S: OverIds> QueryFragment<Pg> for IdList<S> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        write_statement::<S, _>(&mut out, POSTGRES_LIST, S::POSTGRES, |out| {
            out.push_bind_param::<Array<Text>, _>(&self.ids)
        })
    }
}

/// Statement `S` over one id (a lookup's user): the list becomes a
/// one-row table holding the id, so the lookup has no JSON array to
/// encode and read back, and keeps a text of its own, prepared once.
pub struct OneId<S> {
    id: String,
    statement: PhantomData<S>,
}

impl<S: OverIds> OneId<S> {
    pub fn new(id: &str) -> OneId<S> {
        OneId {
            id: id.to_owned(),
            statement: PhantomData,
        }
    }
}

/// Where the one id goes on SQLite, as the list's `ids.value`.
const SQLITE_ONE: (&str, &str) = (" FROM (SELECT ", " AS value) AS ids");

/// Where the one id goes on PostgreSQL, as the list's `ids.id`.
const POSTGRES_ONE: (&str, &str) = (" FROM (SELECT CAST(", " AS TEXT) AS id) AS ids");

/// Statement `S` over one id with the id written in, for `EXPLAIN`.
pub fn explained_one<S: OverIds>(backend: Backend, id: &str) -> String {
    let quoted = format!("'{}'", id.replace('\'', "''"));
    let (around, rest) = match backend {
        Backend::Sqlite => (SQLITE_ONE, S::SQLITE),
        Backend::Postgres => (POSTGRES_ONE, S::POSTGRES),
    };
    written::<S>(&quoted, around, rest)
}

impl<S: OverIds> QueryId for OneId<S> {
    type QueryId = OneId<S>;
    // One text per database: prepared once, found again by type.
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl<S: OverIds> Query for OneId<S> {
    type SqlType = S::SqlType;
}

impl<S, Conn> RunQueryDsl<Conn> for OneId<S> {}

impl<S: OverIds> QueryFragment<Sqlite> for OneId<S> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        write_statement::<S, _>(&mut out, SQLITE_ONE, S::SQLITE, |out| {
            out.push_bind_param::<Text, _>(&self.id)
        })
    }
}

impl<S: OverIds> QueryFragment<Pg> for OneId<S> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        write_statement::<S, _>(&mut out, POSTGRES_ONE, S::POSTGRES, |out| {
            out.push_bind_param::<Text, _>(&self.id)
        })
    }
}
