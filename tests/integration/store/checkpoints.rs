//! SQLite's WAL is copied back into the database file by the checkpoint
//! thread, not by the commits (`store::checkpointer`).

use std::time::{Duration, Instant};

use crate::support::app::TestApp;
use crate::support::db::TestDb;

fn file_size(path: &str) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

/// The writer's own connection only checkpoints past a log of 16,000
/// pages (64 MiB), far beyond what these writes log; so the database file
/// grows with them only if the checkpoint thread copies the log back
/// after the commits. (Every connection stays open meanwhile, so no
/// closing connection checkpoints either.)
#[actix_web::test]
async fn commits_are_checkpointed_in_the_background() {
    let db = TestDb::sqlite();
    let path = db
        .url
        .strip_prefix("sqlite://")
        .expect("a sqlite:// URL")
        .to_owned();
    let app = TestApp::builder().database(db).start().await;
    // What the start-up logged may or may not have been copied yet:
    // settle it first, so the growth measured is the users'.
    let settled = wait_for_steady_size(&path);
    for i in 0..200 {
        app.create_user(&format!("checkpointed{i}@example.com"))
            .await;
    }
    let wal = file_size(&format!("{path}-wal"));
    assert!(wal > 0, "the writes went through the log");
    let started = Instant::now();
    while file_size(&path) <= settled + 64 * 1024 {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the database file stayed at {} bytes (log {wal} bytes): nothing checkpointed",
            file_size(&path)
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The file's size once it has not changed for half a second.
fn wait_for_steady_size(path: &str) -> u64 {
    let mut last = file_size(path);
    let mut steady_since = Instant::now();
    let started = Instant::now();
    while steady_since.elapsed() < Duration::from_millis(500)
        && started.elapsed() < Duration::from_secs(10)
    {
        std::thread::sleep(Duration::from_millis(20));
        let now = file_size(path);
        if now != last {
            last = now;
            steady_since = Instant::now();
        }
    }
    last
}
