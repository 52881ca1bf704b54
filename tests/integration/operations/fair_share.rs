//! Fair shares of the readers: one credential's flood of slow reads takes
//! at most half the readers, so another directory's reads still run at
//! once (a costly-filter flood made another directory's create wait 39 s).

use std::time::{Duration, Instant};

use gatehouse::store::readers::as_share;
use gatehouse::store::StoreError;

use crate::support::TestApp;

#[actix_web::test]
async fn one_share_flooding_the_readers_does_not_starve_another() {
    let app = TestApp::new().await;
    let readers = app.state.settings.pool_size as usize;
    // Share 1 queues three slow reads per reader: 3 s of work for all of them.
    let flood: Vec<_> = (0..readers * 3)
        .map(|_| {
            let store = app.state.store.clone();
            actix_rt::spawn(as_share(1, async move {
                store
                    .read(|_| -> Result<(), StoreError> {
                        std::thread::sleep(Duration::from_millis(1000));
                        Ok(())
                    })
                    .await
            }))
        })
        .collect();
    actix_rt::time::sleep(Duration::from_millis(100)).await;

    let store = app.state.store.clone();
    let started = Instant::now();
    as_share(2, store.read(|_| -> Result<(), StoreError> { Ok(()) }))
        .await
        .unwrap();
    let waited = started.elapsed();
    // Loose: with every reader taken it would wait about 3 s.
    assert!(waited < Duration::from_millis(700), "waited {waited:?}");

    // The flood itself still runs to the end, on its half of the readers.
    for read in flood {
        read.await.unwrap().unwrap();
    }
}

/// Past its share of the queue, a credential's reads are refused at once
/// (a 503 with Retry-After over HTTP), instead of waiting 30 s in an
/// unbounded queue; other credentials' reads still run.
#[actix_web::test]
async fn a_share_past_its_queue_is_told_at_once() {
    let app = TestApp::new().await;
    let flood: Vec<_> = (0..150)
        .map(|_| {
            let store = app.state.store.clone();
            actix_rt::spawn(as_share(7, async move {
                let started = Instant::now();
                let result = store
                    .read(|_| -> Result<(), StoreError> {
                        std::thread::sleep(Duration::from_millis(20));
                        Ok(())
                    })
                    .await;
                (started.elapsed(), result)
            }))
        })
        .collect();
    actix_rt::time::sleep(Duration::from_millis(50)).await;
    let store = app.state.store.clone();
    as_share(8, store.read(|_| -> Result<(), StoreError> { Ok(()) }))
        .await
        .unwrap();
    let mut refused = 0;
    for read in flood {
        let (took, result) = read.await.unwrap();
        if let Err(e) = result {
            assert!(e.to_string().contains("the server is busy"), "{e}");
            assert!(took < Duration::from_millis(500), "refused after {took:?}");
            refused += 1;
        }
    }
    // Two run, 128 wait: the rest are refused.
    assert!(refused >= 15, "{refused} refused");
}
