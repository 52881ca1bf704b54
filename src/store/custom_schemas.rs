//! Extension schemas admins registered, and the expression indexes that make
//! their attributes' filters index lookups.

use diesel::prelude::*;
use sha2::{Digest, Sha256};

use super::conn::Backend;
use super::conn::DbConn;
use super::models::CustomSchemaRow;
use super::schema::custom_schemas;
use super::sql_filter::json::JsonBase;

/// Adds a schema.
pub fn insert(conn: &mut DbConn, row: &CustomSchemaRow) -> QueryResult<()> {
    diesel::insert_into(custom_schemas::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// Every registered schema, oldest first.
pub fn list(conn: &mut DbConn) -> QueryResult<Vec<CustomSchemaRow>> {
    custom_schemas::table
        .order((custom_schemas::created_at, custom_schemas::urn))
        .select(CustomSchemaRow::as_select())
        .load(conn)
}

/// Removes a schema; returns the rows removed (0 or 1).
pub fn delete(conn: &mut DbConn, urn: &str) -> QueryResult<usize> {
    diesel::delete(custom_schemas::table.find(urn)).execute(conn)
}

/// One indexed attribute of a registered extension: the JSON keys of its
/// value in the resource's attributes, and how filters compare it.
#[derive(Debug, Clone)]
pub struct IndexedAttribute {
    /// `Users` or `Groups`: the table indexed.
    pub base: JsonBase,
    /// The extension URN, the attribute, and the sub-attribute if any.
    pub keys: Vec<String>,
    /// Strings that are not caseExact are compared folded.
    pub folded: bool,
    /// Numbers are compared as doubles.
    pub numeric: bool,
}

impl IndexedAttribute {
    /// The index's name: stable for the same attribute, unique per attribute.
    pub fn name(&self) -> String {
        let digest = Sha256::digest(self.keys.join("\u{1f}").as_bytes());
        let table = match self.base {
            JsonBase::Groups => "g",
            _ => "u",
        };
        format!("ext_{table}_{}", &hex::encode(digest)[..20])
    }

    fn table(&self) -> &'static str {
        match self.base {
            JsonBase::Groups => "\"groups\"",
            _ => "users",
        }
    }

    /// The indexed expression, written exactly as the filter compiler
    /// writes the comparison's left side, so the planner can match them.
    fn expression(&self, backend: Backend) -> Option<String> {
        let keys: Vec<&str> = self.keys.iter().map(String::as_str).collect();
        let scalar = backend.json_scalar_literal(JsonBase::OwnColumn, &keys)?;
        Some(match (self.folded, self.numeric, backend) {
            (true, _, _) => format!("lower({scalar})"),
            (_, true, Backend::Postgres) => format!("({scalar})::double precision"),
            _ => scalar,
        })
    }
}

/// Creates the index of one attribute (once; a second call does nothing).
pub fn create_index(conn: &mut DbConn, attribute: &IndexedAttribute) -> QueryResult<()> {
    use diesel::connection::SimpleConnection;
    let backend = backend_of(conn);
    let Some(expression) = attribute.expression(backend) else {
        return Ok(());
    };
    let name = attribute.name();
    let mut sql = format!(
        "CREATE INDEX IF NOT EXISTS {name} ON {} (directory_id, ({expression}));",
        attribute.table()
    );
    if backend == Backend::Sqlite {
        // Every index has fixed planner statistics (migration 000005): a
        // directory's values are nearly unique, like an employee number.
        let table = attribute.table().trim_matches('"');
        sql.push_str(&format!(
            "DELETE FROM sqlite_stat1 WHERE idx = '{name}'; \
             INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('{table}', '{name}', '1000000 100000 2');"
        ));
    }
    conn.batch_execute(&sql)
}

/// Drops the index of one attribute, if it exists.
pub fn drop_index(conn: &mut DbConn, attribute: &IndexedAttribute) -> QueryResult<()> {
    use diesel::connection::SimpleConnection;
    let name = attribute.name();
    let mut sql = format!("DROP INDEX IF EXISTS {name};");
    if backend_of(conn) == Backend::Sqlite {
        sql.push_str(&format!("DELETE FROM sqlite_stat1 WHERE idx = '{name}';"));
    }
    conn.batch_execute(&sql)
}

fn backend_of(conn: &DbConn) -> Backend {
    match conn {
        DbConn::Sqlite(_) => Backend::Sqlite,
        DbConn::Postgres(_) => Backend::Postgres,
    }
}
