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
//!
//! A statement may also take each user's person with its id
//! (`OverIds::WITH_PERSONS`): the caller has the page's rows, which hold
//! it, so the statement need not look each user up again to find it.

use std::marker::PhantomData;

use diesel::pg::Pg;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::query_dsl::methods::LoadQuery;
use diesel::sql_types::{Array, Nullable, Text};
use diesel::sqlite::Sqlite;
use diesel::{PgConnection, QueryResult, RunQueryDsl, SqliteConnection};

use super::dialect::load_direct;
use super::text_list::{TextList, Texts};
use super::{Backend, DbConn};

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
    /// Whether each id comes with the id of its user's person, as
    /// `ids.person_id` on both databases (NULL for a user linked to none).
    const WITH_PERSONS: bool = false;
}

/// Why a statement over users and their persons was given ids alone, or
/// lists of two lengths: refused rather than read with persons missing.
fn persons_missing() -> diesel::result::Error {
    diesel::result::Error::QueryBuilderError(
        "a statement over users and their persons needs one person (or none) per user".into(),
    )
}

/// Statement `S` over `ids`, to load on either database.
pub struct IdList<S> {
    /// The ids, bound as one list (`text_list`: written as a JSON array
    /// only when SQLite is sent it).
    ids: Texts,
    /// Each id's person, for a statement `WITH_PERSONS` (else empty).
    persons: Vec<Option<String>>,
    /// For a statement `WITH_PERSONS`, SQLite's object of each id's
    /// person (`persons_object`); else empty.
    persons_json: String,
    statement: PhantomData<S>,
}

impl<S: OverIds> IdList<S> {
    /// The list for a statement over ids alone.
    pub fn new(ids: &[String]) -> IdList<S> {
        IdList {
            ids: Texts::of(ids),
            persons: Vec::new(),
            persons_json: String::new(),
            statement: PhantomData,
        }
    }

    /// The list for a statement over users and their persons
    /// (`WITH_PERSONS`): `persons[i]` is user `ids[i]`'s.
    pub fn with_persons(ids: &[String], persons: &[Option<String>]) -> IdList<S> {
        IdList {
            ids: Texts::of(ids),
            persons: persons.to_vec(),
            persons_json: persons_object(
                ids.iter().map(String::as_str),
                persons.iter().map(Option::as_deref),
            ),
            statement: PhantomData,
        }
    }

    /// Whether the list holds what `S` reads.
    fn complete(&self) -> QueryResult<()> {
        match S::WITH_PERSONS && self.persons.len() != self.ids.len() {
            true => Err(persons_missing()),
            false => Ok(()),
        }
    }
}

/// Users and their persons as SQLite reads them: a JSON object of each
/// user's person (`null` for none), keyed by user id. `json_each` reads an
/// object's keys and values in one parse; an array of `[id, person]` pairs
/// had each pair parsed again for each of its two elements (`->>`), ~0.5
/// µs a user, a fifth of a page's `grants_of` statement. (The ids of a
/// list are distinct users: a key written twice would be read twice.)
fn persons_object<'a>(
    ids: impl Iterator<Item = &'a str>,
    persons: impl Iterator<Item = Option<&'a str>>,
) -> String {
    /// Written as a JSON object of its pairs, in their order.
    struct Object<'a>(Vec<(&'a str, Option<&'a str>)>);
    impl serde::Serialize for Object<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_map(self.0.iter().map(|(id, person)| (id, person)))
        }
    }
    // Text keys and values cannot fail to serialize; were one to, the
    // empty text would fail the statement (malformed JSON), not read less.
    serde_json::to_string(&Object(ids.zip(persons).collect())).unwrap_or_default()
}

/// Where the list goes, as the text around its bound values, by database
/// and by whether it carries persons.
struct Around {
    /// SQLite: a JSON array, its elements `ids.value`; with persons, an
    /// object of each id's person (`persons_object`), its keys
    /// `ids.value` and its values `ids.person_id`.
    sqlite: &'static [&'static str],
    sqlite_persons: &'static [&'static str],
    /// PostgreSQL: an array, its elements `ids.id`; with persons, a second
    /// array beside it, `ids.person_id`.
    postgres: &'static [&'static str],
    postgres_persons: &'static [&'static str],
}

impl Around {
    fn of<S: OverIds>(&self, backend: Backend) -> (&'static [&'static str], &'static str) {
        match (backend, S::WITH_PERSONS) {
            (Backend::Sqlite, false) => (self.sqlite, S::SQLITE),
            (Backend::Sqlite, true) => (self.sqlite_persons, S::SQLITE),
            (Backend::Postgres, false) => (self.postgres, S::POSTGRES),
            (Backend::Postgres, true) => (self.postgres_persons, S::POSTGRES),
        }
    }
}

const LIST: Around = Around {
    sqlite: &[" FROM json_each(", ") AS ids"],
    sqlite_persons: &[
        " FROM (SELECT key AS value, value AS person_id FROM json_each(",
        ")) AS ids",
    ],
    postgres: &[" FROM unnest(", ") AS ids(id)"],
    postgres_persons: &[" FROM unnest(", ", ", ") AS ids(id, person_id)"],
};

/// The layout every form of statement `S` shares: `SELECT …`, the ids'
/// table (`around`, with the `n`th bound value written by `bind(out, n)`
/// between its `n`th and `n + 1`th pieces), the database's part `rest`,
/// and the tail.
fn write_statement<'a, 'b, S: OverIds, DB: diesel::backend::Backend>(
    out: &mut AstPass<'a, 'b, DB>,
    around: &[&str],
    rest: &str,
    mut bind: impl FnMut(&mut AstPass<'a, 'b, DB>, usize) -> QueryResult<()>,
) -> QueryResult<()> {
    out.push_sql(S::SELECT);
    for (n, piece) in around.iter().enumerate() {
        if n > 0 {
            bind(out, n - 1)?;
        }
        out.push_sql(piece);
    }
    out.push_sql(rest);
    out.push_sql(S::TAIL);
    Ok(())
}

/// The same layout as text, the bound values written in as `literals`
/// (for `EXPLAIN`).
fn written<S: OverIds>(literals: &[String], around: &[&str], rest: &str) -> String {
    let mut text = S::SELECT.to_owned();
    for (n, piece) in around.iter().enumerate() {
        if let Some(literal) = n.checked_sub(1).and_then(|k| literals.get(k)) {
            text.push_str(literal);
        }
        text.push_str(piece);
    }
    format!("{text}{rest}{}", S::TAIL)
}

fn quoted(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// A nullable text as an SQL literal.
fn quoted_or_null(s: Option<&str>) -> String {
    s.map_or_else(|| "NULL".to_owned(), quoted)
}

/// Statement `S` with the list written in as literals, for `EXPLAIN` (the
/// plan tests): the text the store runs, but for its binds. `persons` is
/// read only by a statement `WITH_PERSONS`, one per id.
pub fn explained<S: OverIds>(backend: Backend, ids: &[&str], persons: &[Option<&str>]) -> String {
    let (around, rest) = LIST.of::<S>(backend);
    let literals = match (backend, S::WITH_PERSONS) {
        (Backend::Sqlite, false) => vec![quoted(&Texts::of(ids).json())],
        (Backend::Sqlite, true) => vec![quoted(&persons_object(
            ids.iter().copied(),
            persons.iter().copied(),
        ))],
        (Backend::Postgres, with_persons) => {
            let ids: Vec<String> = ids.iter().map(|id| quoted(id)).collect();
            let mut arrays = vec![format!("ARRAY[{}]::text[]", ids.join(", "))];
            if with_persons {
                let persons: Vec<String> = persons.iter().map(|p| quoted_or_null(*p)).collect();
                arrays.push(format!("ARRAY[{}]::text[]", persons.join(", ")));
            }
            arrays
        }
    };
    written::<S>(&literals, around, rest)
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
        self.complete()?;
        let (around, rest) = LIST.of::<S>(Backend::Sqlite);
        write_statement::<S, _>(&mut out, around, rest, |out, _| match S::WITH_PERSONS {
            true => out.push_bind_param::<Text, _>(&self.persons_json),
            false => out.push_bind_param::<TextList, _>(&self.ids),
        })
    }
}

impl<S: OverIds> QueryFragment<Pg> for IdList<S> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        self.complete()?;
        let (around, rest) = LIST.of::<S>(Backend::Postgres);
        write_statement::<S, _>(&mut out, around, rest, |out, n| match n {
            0 => out.push_bind_param::<TextList, _>(&self.ids),
            _ => out.push_bind_param::<Array<Nullable<Text>>, _>(&self.persons),
        })
    }
}

/// Statement `S` over one id (a lookup's user): the list becomes a
/// one-row table holding the id (and, for a statement `WITH_PERSONS`, its
/// person), so the lookup has no JSON array to encode and read back, and
/// keeps a text of its own, prepared once.
pub struct OneId<S> {
    id: String,
    /// `Some` for a statement `WITH_PERSONS`: the user's person, if any.
    person: Option<Option<String>>,
    statement: PhantomData<S>,
}

impl<S: OverIds> OneId<S> {
    /// The one id of a statement over ids alone.
    pub fn new(id: &str) -> OneId<S> {
        OneId {
            id: id.to_owned(),
            person: None,
            statement: PhantomData,
        }
    }

    /// The one user, and its person, of a statement `WITH_PERSONS`.
    pub fn with_person(id: &str, person: Option<&str>) -> OneId<S> {
        OneId {
            id: id.to_owned(),
            person: Some(person.map(str::to_owned)),
            statement: PhantomData,
        }
    }

    /// The user's person as bound, once `S` is known to read it.
    fn person(&self) -> QueryResult<&Option<String>> {
        match (&self.person, S::WITH_PERSONS) {
            (Some(person), _) => Ok(person),
            (None, true) => Err(persons_missing()),
            (None, false) => Ok(&None),
        }
    }
}

/// Where the one id goes: a one-row table, the id as the list's
/// `ids.value` (SQLite) or `ids.id` (PostgreSQL), its person beside it.
const ONE: Around = Around {
    sqlite: &[" FROM (SELECT ", " AS value) AS ids"],
    sqlite_persons: &[" FROM (SELECT ", " AS value, ", " AS person_id) AS ids"],
    postgres: &[" FROM (SELECT CAST(", " AS TEXT) AS id) AS ids"],
    postgres_persons: &[
        " FROM (SELECT CAST(",
        " AS TEXT) AS id, CAST(",
        " AS TEXT) AS person_id) AS ids",
    ],
};

/// Statement `S` over one id (and its person, read only by a statement
/// `WITH_PERSONS`) written in, for `EXPLAIN`.
pub fn explained_one<S: OverIds>(backend: Backend, id: &str, person: Option<&str>) -> String {
    let (around, rest) = ONE.of::<S>(backend);
    written::<S>(&[quoted(id), quoted_or_null(person)], around, rest)
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
        let person = self.person()?;
        let (around, rest) = ONE.of::<S>(Backend::Sqlite);
        write_statement::<S, _>(&mut out, around, rest, |out, n| match n {
            0 => out.push_bind_param::<Text, _>(&self.id),
            _ => out.push_bind_param::<Nullable<Text>, _>(person),
        })
    }
}

impl<S: OverIds> QueryFragment<Pg> for OneId<S> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        let person = self.person()?;
        let (around, rest) = ONE.of::<S>(Backend::Postgres);
        write_statement::<S, _>(&mut out, around, rest, |out, n| match n {
            0 => out.push_bind_param::<Text, _>(&self.id),
            _ => out.push_bind_param::<Nullable<Text>, _>(person),
        })
    }
}

/// Loads statement `S` over users and their persons (`WITH_PERSONS`;
/// `persons[i]` is user `ids[i]`'s): a lookup's one user as [`OneId`], a
/// page as [`IdList`], nothing at all for no users.
pub fn load_over_users<S, U>(
    conn: &mut DbConn,
    ids: &[String],
    persons: &[Option<String>],
) -> QueryResult<Vec<U>>
where
    S: OverIds,
    OneId<S>: LoadQuery<'static, SqliteConnection, U> + LoadQuery<'static, PgConnection, U>,
    IdList<S>: LoadQuery<'static, SqliteConnection, U> + LoadQuery<'static, PgConnection, U>,
{
    match ids {
        [] => Ok(Vec::new()),
        [one] => {
            let person = persons.first().and_then(Option::as_deref);
            load_direct(conn, OneId::<S>::with_person(one, person))
        }
        _ => load_direct(conn, IdList::<S>::with_persons(ids, persons)),
    }
}
