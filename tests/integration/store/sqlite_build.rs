//! The bundled SQLite is built as `.cargo/config.toml` asks
//! (`LIBSQLITE3_FLAGS`). A build that missed those flags (the variable
//! overridden, the file not read) still works but loses what they were
//! measured to give, so the build is checked here rather than trusted.

use diesel::sql_types::{BigInt, Text};
use diesel::{Connection, QueryableByName, RunQueryDsl, SqliteConnection};

#[derive(QueryableByName)]
struct CompileOption {
    #[diesel(sql_type = Text)]
    compile_options: String,
}

#[derive(QueryableByName)]
struct CacheSize {
    #[diesel(sql_type = BigInt)]
    cache_size: i64,
}

#[test]
fn bundled_sqlite_is_built_with_the_project_s_options() {
    let mut conn = SqliteConnection::establish(":memory:").unwrap();
    let options: Vec<String> = diesel::sql_query("PRAGMA compile_options")
        .load::<CompileOption>(&mut conn)
        .unwrap()
        .into_iter()
        .map(|o| o.compile_options)
        .collect();
    // (option, whether the build must have it, why)
    let expected = [
        ("THREADSAFE=2", true, "no mutex per connection"),
        (
            "DEFAULT_MEMSTATUS=0",
            true,
            "no process-wide mutex per malloc",
        ),
        ("DEFAULT_WAL_SYNCHRONOUS=2", true, "FULL sync in WAL mode"),
        ("ENABLE_QPSG", true, "a bound LIMIT does not re-plan"),
        (
            "DEFAULT_CACHE_SIZE=-4096",
            true,
            "4 MiB of pages per connection",
        ),
        (
            "STMTJRNL_SPILL=126976",
            true,
            "a write's savepoint journal stays in memory up to 31 pages",
        ),
        (
            "ENABLE_MEMORY_MANAGEMENT",
            false,
            "one page cache LRU mutex shared by every connection",
        ),
    ];
    for (option, wanted, why) in expected {
        assert_eq!(
            options.iter().any(|o| o == option),
            wanted,
            "{option} ({why}) in {options:?}"
        );
    }
    // What a connection gets, not only what the build says.
    let cache = diesel::sql_query("PRAGMA cache_size")
        .get_result::<CacheSize>(&mut conn)
        .unwrap();
    assert_eq!(cache.cache_size, -4096, "KiB of pages per connection");
}
