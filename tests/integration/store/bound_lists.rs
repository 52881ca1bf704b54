//! A list of texts bound as one value (`dialect::among`,
//! `dialect::insert_licenses`): every text read back as written, and on
//! PostgreSQL bound as a `text[]` parameter. Bound as a text and cast in
//! the SQL, the list was parsed again for every row a plan filtered by it
//! (the cast is STABLE, never folded): 12 ms where 0.3 ms would do, on a
//! 50-member add's license settle.

use std::collections::BTreeSet;

use diesel::connection::SimpleConnection;
use diesel::{ExpressionMethods, QueryDsl, RunQueryDsl};
use gatehouse::store::schema::licenses;
use gatehouse::store::{dialect, Backend, DbConn};

use super::kept_updates::one_user;
use crate::support::db::TestDb;

/// Texts a list must carry whole: an array literal's quotes, escapes,
/// separators and braces, the word NULL, the empty text, a non-ASCII one.
const AWKWARD: [&str; 9] = [
    "plain",
    "with \"quotes\"",
    "back\\slash",
    "comma,inside",
    "{braces}",
    "NULL",
    "",
    "  spaced  ",
    "Zoë ✓",
];

fn held(conn: &mut DbConn, product: &str, among: &[&str]) -> BTreeSet<String> {
    let backend = conn.backend();
    licenses::table
        .filter(licenses::product_key.eq(product))
        .filter(dialect::among(backend, "licenses.person_id", among))
        .select(licenses::person_id)
        .load::<String>(conn)
        .unwrap()
        .into_iter()
        .collect()
}

#[actix_web::test]
async fn a_bound_list_reads_every_text_as_written() {
    let db = TestDb::new();
    let mut conn = one_user(&db);

    let added = dialect::insert_licenses(&mut conn, "p", &AWKWARD).unwrap();
    assert_eq!(added, AWKWARD.len());
    // Held already: none added twice.
    assert_eq!(
        dialect::insert_licenses(&mut conn, "p", &AWKWARD).unwrap(),
        0
    );
    let all: BTreeSet<String> = AWKWARD.iter().map(|s| s.to_string()).collect();
    assert_eq!(held(&mut conn, "p", &AWKWARD), all);

    // Each text finds itself and nothing else.
    for text in AWKWARD {
        let found = held(&mut conn, "p", &[text]);
        assert_eq!(found, BTreeSet::from([text.to_string()]), "{text:?}");
    }
    // Near misses find nothing: no text split, unquoted or read as NULL.
    let misses = [
        "with",
        "\"quotes\"",
        "comma",
        "inside",
        "braces",
        "null",
        "Zoe ✓",
    ];
    assert!(held(&mut conn, "p", &misses).is_empty());
    assert!(held(&mut conn, "p", &[] as &[&str]).is_empty());
}

#[actix_web::test]
async fn postgres_binds_a_list_as_one_text_array() {
    let db = TestDb::new();
    let mut conn = one_user(&db);
    if conn.backend() != Backend::Postgres {
        return;
    }
    conn.batch_execute("INSERT INTO licenses (product_key, person_id) VALUES ('p', 'p1')")
        .unwrap();
    assert_eq!(held(&mut conn, "p", &["p1", "p2"]).len(), 1);
    dialect::insert_licenses(&mut conn, "q", &["p1"]).unwrap();

    // The statements this connection keeps prepared, with their
    // parameters' types as the server took them.
    #[derive(diesel::QueryableByName)]
    struct Prepared {
        #[diesel(sql_type = diesel::sql_types::Text)]
        statement: String,
        #[diesel(sql_type = diesel::sql_types::Text)]
        parameters: String,
    }
    let prepared: Vec<Prepared> = diesel::sql_query(
        "SELECT statement, CAST(parameter_types AS text) AS parameters FROM pg_prepared_statements",
    )
    .load(&mut conn)
    .unwrap();
    let of = |marker: &str| {
        prepared
            .iter()
            .find(|p| p.statement.contains(marker))
            .unwrap_or_else(|| {
                panic!(
                    "no statement with {marker:?}: {:?}",
                    prepared.iter().map(|p| &p.statement).collect::<Vec<_>>()
                )
            })
    };
    let filtered = of("licenses.person_id = ANY(");
    assert_eq!(
        filtered.parameters, "{text,text[]}",
        "{}",
        filtered.statement
    );
    assert!(
        !filtered.statement.contains("CAST("),
        "{}",
        filtered.statement
    );
    let inserted = of("INSERT INTO licenses");
    assert_eq!(
        inserted.parameters, "{text,text[]}",
        "{}",
        inserted.statement
    );
}
