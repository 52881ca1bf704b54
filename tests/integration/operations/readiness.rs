//! `/readyz`: answered on a connection of its own, never behind queued
//! reads; ready only with this build's schema; naming no host.

use std::time::{Duration, Instant};

use crate::support::TestApp;

#[actix_web::test]
async fn readiness_is_not_queued_behind_reads() {
    let app = TestApp::new().await;
    assert_eq!(app.get("/readyz").await.status, 200);
    // Every reader busy, and as many reads again waiting behind them.
    let readers = app.state.settings.pool_size as usize;
    let busy: Vec<_> = (0..readers * 2)
        .map(|_| {
            let store = app.state.store.clone();
            actix_rt::spawn(async move {
                store
                    .read(|_| -> Result<(), gatehouse::store::StoreError> {
                        std::thread::sleep(Duration::from_millis(1500));
                        Ok(())
                    })
                    .await
            })
        })
        .collect();
    actix_rt::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    let r = app.get("/readyz").await;
    let waited = started.elapsed();
    assert_eq!(r.status, 200, "{}", r.text);
    // Loose: the reads ahead of it take 3 s; it must not wait for them.
    assert!(waited < Duration::from_millis(1000), "waited {waited:?}");
    for b in busy {
        b.await.unwrap().unwrap();
    }
}

#[actix_web::test]
async fn a_database_without_this_builds_schema_is_not_ready() {
    let app = TestApp::new().await;
    app.state
        .store
        .change_schema_now(gatehouse::store::migrations::revert_all)
        .unwrap();
    let r = app.get("/readyz").await;
    assert_eq!(r.status, 503, "{}", r.text);
    assert_eq!(
        r.json["detail"],
        "the database schema is not this version's"
    );
    assert_eq!(r.header("retry-after").as_deref(), Some("5"));
    for secret in ["127.0.0.1", "postgres", "sqlite", ".db"] {
        assert!(!r.text.contains(secret), "{secret} in {}", r.text);
    }
}
