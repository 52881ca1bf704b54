//! Reading JSON attributes in SQL, written for each database.

use crate::store::conn::Backend;
use crate::store::sql_fragment::{SqlCondition, SqlExpr};

/// Where JSON attributes are read from: a resource row's `attributes`
/// text column, or one element of a multi-valued attribute inside an
/// `EXISTS` over its elements (aliased `e`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonBase {
    Users,
    Groups,
    Element,
    /// The indexed table's own column, unqualified: SQLite refuses
    /// `table.column` in an index expression (it still matches the
    /// qualified form in queries).
    OwnColumn,
}

impl JsonBase {
    fn sql(self, backend: Backend) -> &'static str {
        match (backend, self) {
            (Backend::Sqlite, JsonBase::Users) => "users.attributes",
            (Backend::Sqlite, JsonBase::Groups) => "\"groups\".attributes",
            (Backend::Sqlite, JsonBase::Element) => "e.value",
            (Backend::Sqlite, JsonBase::OwnColumn) => "attributes",
            (Backend::Postgres, JsonBase::Users) => "users.attributes::jsonb",
            (Backend::Postgres, JsonBase::Groups) => "\"groups\".attributes::jsonb",
            (Backend::Postgres, JsonBase::Element) => "e.v",
            (Backend::Postgres, JsonBase::OwnColumn) => "attributes::jsonb",
        }
    }
}

/// A JSON path as each database wants it bound: `$."a"."b"` for SQLite's
/// JSON functions, a `text[]` literal `{"a","b"}` for PostgreSQL's `#>`.
/// Keys come from the schemas, which hold no quotes or backslashes.
fn json_path(backend: Backend, keys: &[&str]) -> String {
    match backend {
        Backend::Sqlite => keys
            .iter()
            .fold("$".to_owned(), |p, k| format!("{p}.\"{k}\"")),
        Backend::Postgres => {
            let quoted: Vec<String> = keys.iter().map(|k| format!("\"{k}\"")).collect();
            format!("{{{}}}", quoted.join(","))
        }
    }
}

/// Whether a JSON key may be written into SQL literally: the characters
/// of RFC 7643 attribute names and schema URNs, and nothing that could end
/// a quoted string or a path.
fn is_literal_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '.' | '-' | '_' | '$'))
}

impl Backend {
    /// `json_scalar` with the path written literally rather than bound, so
    /// an expression index on the same text applies; `None` when a key
    /// holds any character `is_literal_key` does not allow.
    pub fn json_scalar_literal(self, base: JsonBase, keys: &[&str]) -> Option<String> {
        if keys.is_empty() || !keys.iter().all(|k| is_literal_key(k)) {
            return None;
        }
        let path = json_path(self, keys);
        Some(match self {
            Backend::Sqlite => format!("json_extract({}, '{path}')", base.sql(self)),
            Backend::Postgres => format!("({} #>> '{path}'::text[])", base.sql(self)),
        })
    }

    /// The scalar at `keys` below `base`, as SQL text (strings) or the
    /// database's JSON scalar form (numbers, booleans); NULL when absent.
    pub fn json_scalar(self, base: JsonBase, keys: &[&str]) -> SqlExpr {
        let path = json_path(self, keys);
        match self {
            Backend::Sqlite => SqlExpr::new()
                .sql("json_extract(")
                .sql(base.sql(self))
                .sql(", ")
                .text(path)
                .sql(")"),
            Backend::Postgres => SqlExpr::new()
                .sql("(")
                .sql(base.sql(self))
                .sql(" #>> ")
                .text(path)
                .sql("::text[])"),
        }
    }

    /// The element itself of a JSON list being walked (`JsonBase::Element`),
    /// when the elements are scalars: SQLite's `json_each` gives it as SQL
    /// text already; PostgreSQL's element is `jsonb`.
    pub fn json_element_scalar(self) -> SqlExpr {
        match self {
            Backend::Sqlite => SqlExpr::new().sql("e.value"),
            Backend::Postgres => SqlExpr::new().sql("(e.v #>> '{}')"),
        }
    }

    /// Whether any JSON value (object, list or scalar) sits at `keys`.
    pub fn json_present(self, base: JsonBase, keys: &[&str]) -> SqlCondition {
        let path = json_path(self, keys);
        match self {
            Backend::Sqlite => SqlCondition::new()
                .sql("(json_type(")
                .sql(base.sql(self))
                .sql(", ")
                .text(path)
                .sql(") IS NOT NULL)"),
            Backend::Postgres => SqlCondition::new()
                .sql("((")
                .sql(base.sql(self))
                .sql(" #> ")
                .text(path)
                .sql("::text[]) IS NOT NULL)"),
        }
    }

    /// `EXISTS` over the elements of the JSON list at `keys`, each visible to
    /// `condition` as [`JsonBase::Element`].
    pub fn json_any_element(
        self,
        base: JsonBase,
        keys: &[&str],
        condition: SqlCondition,
    ) -> SqlCondition {
        let path = json_path(self, keys);
        let open = match self {
            Backend::Sqlite => SqlCondition::new()
                .sql("EXISTS (SELECT 1 FROM json_each(")
                .sql(base.sql(self))
                .sql(", ")
                .text(path)
                .sql(") AS e WHERE "),
            Backend::Postgres => SqlCondition::new()
                .sql("EXISTS (SELECT 1 FROM jsonb_array_elements(")
                .sql(base.sql(self))
                .sql(" #> ")
                .text(path)
                .sql("::text[]) AS e(v) WHERE "),
        };
        open.append(condition).sql(")")
    }

    /// The `sub` scalar of the primary element of the JSON list at `keys`,
    /// or of its first element when none is primary: a multi-valued
    /// attribute's sort key (RFC 7644 §3.4.2.3).
    pub fn json_primary_scalar(self, base: JsonBase, keys: &[&str], sub: &str) -> SqlExpr {
        let path = json_path(self, keys);
        let sub_path = json_path(self, &[sub]);
        let primary = json_path(self, &["primary"]);
        match self {
            Backend::Sqlite => SqlExpr::new()
                .sql("(SELECT json_extract(e.value, ")
                .text(sub_path)
                .sql(") FROM json_each(")
                .sql(base.sql(self))
                .sql(", ")
                .text(path)
                .sql(") AS e ORDER BY coalesce(json_extract(e.value, ")
                .text(primary)
                .sql("), 0) DESC, e.key LIMIT 1)"),
            Backend::Postgres => SqlExpr::new()
                .sql("(SELECT e.v #>> ")
                .text(sub_path)
                .sql("::text[] FROM jsonb_array_elements(")
                .sql(base.sql(self))
                .sql(" #> ")
                .text(path)
                .sql("::text[]) WITH ORDINALITY AS e(v, n) ORDER BY coalesce((e.v #>> ")
                .text(primary)
                .sql("::text[])::boolean, false) DESC, e.n LIMIT 1)"),
        }
    }

    /// A JSON boolean scalar as SQL boolean (SQLite's JSON true is 1).
    pub fn json_as_bool(self, expr: SqlExpr) -> SqlExpr {
        match self {
            Backend::Sqlite => expr,
            Backend::Postgres => SqlExpr::new().sql("(").append(expr).sql(")::boolean"),
        }
    }

    /// A JSON number scalar as a SQL double.
    pub fn json_as_double(self, expr: SqlExpr) -> SqlExpr {
        match self {
            Backend::Sqlite => expr,
            Backend::Postgres => SqlExpr::new()
                .sql("(")
                .append(expr)
                .sql(")::double precision"),
        }
    }

    /// An RFC 3339 text (a JSON scalar or a bound value) as a comparable time.
    pub fn as_time(self, expr: SqlExpr) -> SqlExpr {
        match self {
            Backend::Sqlite => SqlExpr::new().sql("julianday(").append(expr).sql(")"),
            Backend::Postgres => SqlExpr::new().sql("(").append(expr).sql(")::timestamptz"),
        }
    }
}
