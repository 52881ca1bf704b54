//! Concurrent writes and reads: each stands or falls alone.

use std::collections::BTreeSet;

use crate::scim::user_body;
use crate::support::TestApp;

/// Inserts directory `id` (named after it), created at `created_at`.
fn insert_directory(
    conn: &mut gatehouse::store::DbConn,
    id: String,
    created_at: i64,
) -> Result<(), gatehouse::store::StoreError> {
    let row = gatehouse::store::models::DirectoryRow {
        name: id.replace('-', " "),
        id,
        created_at,
        strict_schema: false,
        last_push_at: None,
    };
    gatehouse::store::directories::insert(conn, &row)?;
    Ok(())
}

/// Starts `count` concurrent writes; write `i` inserts directory
/// `{prefix}-{i}` and then ends as `then(i)` says (an error or a panic
/// after writing, or success).
fn concurrent_directory_writes(
    app: &TestApp,
    prefix: &'static str,
    count: i64,
    then: fn(i64) -> Result<i64, gatehouse::store::StoreError>,
) -> Vec<actix_rt::task::JoinHandle<Result<i64, gatehouse::store::StoreError>>> {
    (0..count)
        .map(|i| {
            let store = app.state.store.clone();
            actix_rt::spawn(async move {
                store
                    .write(move |conn| {
                        insert_directory(conn, format!("{prefix}-{i}"), i)?;
                        then(i)
                    })
                    .await
            })
        })
        .collect()
}

/// The ids of the directories named `{prefix}-…` that the database kept.
fn kept_directories(app: &TestApp, prefix: &str) -> BTreeSet<String> {
    use gatehouse::store::{directories, StoreError};
    app.state
        .store
        .read_now(|c| directories::list(c).map_err(StoreError::from))
        .unwrap()
        .into_iter()
        .map(|d| d.id)
        .filter(|id| id.starts_with(&format!("{prefix}-")))
        .collect()
}

/// Writes that arrive together share one commit on SQLite (group commit);
/// each must still stand or fall alone. Half of these writes insert a row
/// and then fail: none of their rows may survive, and every write that
/// succeeded must be there, on either backend.
#[actix_web::test]
async fn concurrent_writes_stand_or_fall_alone() {
    use gatehouse::store::StoreError;

    let app = TestApp::new().await;
    let writes = concurrent_directory_writes(&app, "concurrent", 40, |i| {
        if i % 2 == 1 {
            // Fails after writing: its row must be rolled back.
            return Err(StoreError::Conflict(format!("refused {i}")));
        }
        Ok(i)
    });
    for (i, write) in writes.into_iter().enumerate() {
        let result = write.await.unwrap();
        match (i % 2, result) {
            (0, Ok(n)) => assert_eq!(n, i as i64),
            (1, Err(StoreError::Conflict(why))) => assert_eq!(why, format!("refused {i}")),
            (_, other) => panic!("write {i}: unexpected {other:?}"),
        }
    }
    let expected: BTreeSet<String> = (0..40)
        .filter(|i| i % 2 == 0)
        .map(|i| format!("concurrent-{i}"))
        .collect();
    assert_eq!(kept_directories(&app, "concurrent"), expected);
}

/// A write that panics fails alone: the writes it was batched with are
/// run again without it and kept.
#[actix_web::test]
async fn a_panicking_write_fails_alone() {
    let app = TestApp::new().await;
    let writes = concurrent_directory_writes(&app, "panicky", 12, |i| {
        if i == 5 {
            panic!("write {i} panics after writing");
        }
        Ok(i)
    });
    for (i, write) in writes.into_iter().enumerate() {
        let result = write.await.unwrap();
        assert_eq!(result.is_ok(), i != 5, "write {i}: {result:?}");
    }
    let expected: BTreeSet<String> = (0..12)
        .filter(|i| *i != 5)
        .map(|i| format!("panicky-{i}"))
        .collect();
    assert_eq!(kept_directories(&app, "panicky"), expected);
}

/// How many directories have this id (0 or 1: ids are unique).
fn directories_with_id(app: &TestApp, id: &str) -> usize {
    use gatehouse::store::{directories, StoreError};
    app.state
        .store
        .read_now(|c| directories::list(c).map_err(StoreError::from))
        .unwrap()
        .into_iter()
        .filter(|d| d.id == id)
        .count()
}

/// A write of directory `id` that then ends as `then(tries so far)` says.
async fn write_directory(
    app: &TestApp,
    id: &'static str,
    then: impl Fn(u32) -> Result<u32, gatehouse::store::StoreError> + Send + 'static,
) -> Result<u32, gatehouse::store::StoreError> {
    let tries = std::sync::atomic::AtomicU32::new(0);
    app.state
        .store
        .write(move |conn| {
            insert_directory(conn, id.to_owned(), 1)?;
            then(tries.fetch_add(1, std::sync::atomic::Ordering::SeqCst))
        })
        .await
}

/// Writes one at a time, so each is the first (and only) change of its
/// transaction, which SQLite runs with no savepoint around it: a write
/// that fails after writing still leaves nothing, and the one after it is
/// kept.
#[actix_web::test]
async fn a_lone_write_that_fails_after_writing_leaves_nothing() {
    use gatehouse::store::StoreError;

    let app = TestApp::new().await;
    let refused = write_directory(&app, "lone-refused", |_| {
        Err(StoreError::Conflict("refused".into()))
    })
    .await;
    assert!(
        matches!(refused, Err(StoreError::Conflict(_))),
        "{refused:?}"
    );
    assert_eq!(directories_with_id(&app, "lone-refused"), 0);
    assert_eq!(write_directory(&app, "lone-kept", Ok).await.unwrap(), 0);
    assert_eq!(directories_with_id(&app, "lone-kept"), 1);
    assert_eq!(directories_with_id(&app, "lone-refused"), 0);
}

/// A write that loses races runs again from nothing: what each lost try
/// wrote is gone before the next (a leftover row would make the retry's
/// insert fail as a duplicate), and the try that wins is kept.
#[actix_web::test]
async fn a_write_that_loses_races_is_run_again_from_nothing() {
    use gatehouse::store::StoreError;

    let app = TestApp::new().await;
    let written = write_directory(&app, "racer", |tries| match tries {
        0 | 1 => Err(StoreError::Stale),
        n => Ok(n),
    })
    .await;
    assert_eq!(written.unwrap(), 2);
    assert_eq!(directories_with_id(&app, "racer"), 1);
}

/// Concurrent SCIM creates, some of them duplicates: every acknowledged
/// create is readable with its audit row, every refused one left nothing.
#[actix_web::test]
async fn concurrent_creates_with_duplicates_keep_exactly_the_acknowledged_ones() {
    let app = TestApp::new().await;
    // users 0..16, and a second create of users 0..8.
    let names: Vec<String> = (0..16)
        .chain(0..8)
        .map(|i| format!("together{i}@example.com"))
        .collect();
    let sends: Vec<_> = names
        .iter()
        .map(|name| {
            let request = app
                .request(actix_web::http::Method::POST, "/scim/v2/Users")
                .json(&user_body(name));
            actix_rt::spawn(request.send())
        })
        .collect();
    let mut statuses = Vec::new();
    for send in sends {
        statuses.push(send.await.unwrap().status);
    }
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 16);
    assert_eq!(statuses.iter().filter(|s| **s == 409).count(), 8);
    let listed = app
        .get("/scim/v2/Users?filter=userName%20sw%20%22together%22&count=100")
        .await;
    assert_eq!(listed.json["totalResults"], 16);
    let audited = app
        .state
        .store
        .read_now(|c| {
            use diesel::prelude::*;
            use gatehouse::store::schema::audit_events::dsl::*;
            audit_events
                .filter(action.eq("user.provisioned"))
                .count()
                .get_result::<i64>(c)
                .map_err(gatehouse::store::StoreError::from)
        })
        .unwrap();
    assert_eq!(audited, 16);
}

/// Reads run on reader threads that own their connections: a read that
/// never finishes holds one reader only, a read that panics fails alone
/// (and its reader carries on with a fresh connection), and every other
/// read answers. The blocked read waits for the test to release it, so
/// nothing depends on how long anything takes.
#[actix_web::test]
async fn reads_run_side_by_side_and_a_panicking_read_fails_alone() {
    use gatehouse::store::{directories, StoreError};
    use std::time::Duration;

    let app = TestApp::new().await;
    let store = app.state.store.clone();
    let (started, on_start) = tokio::sync::oneshot::channel::<()>();
    // A read may run twice (after a lost connection), so it takes the
    // sender rather than consuming it.
    let started = std::sync::Mutex::new(Some(started));
    let (release, on_release) = std::sync::mpsc::channel::<()>();
    let blocked = actix_rt::spawn({
        let store = store.clone();
        async move {
            store
                .read(move |_| {
                    if let Some(started) = started.lock().unwrap().take() {
                        let _ = started.send(());
                    }
                    // Released by the test once every other read answered;
                    // the timeout only keeps a broken store from hanging CI.
                    let released = on_release.recv_timeout(Duration::from_secs(60)).is_ok();
                    Ok::<_, StoreError>(released)
                })
                .await
        }
    });
    on_start.await.unwrap();
    let reads: Vec<_> = (0..24)
        .map(|i| {
            let store = store.clone();
            actix_rt::spawn(async move {
                store
                    .read(move |conn| {
                        if i == 7 {
                            panic!("read {i} panics");
                        }
                        directories::list(conn).map_err(StoreError::from)
                    })
                    .await
            })
        })
        .collect();
    for (i, read) in reads.into_iter().enumerate() {
        let result = read.await.unwrap();
        assert_eq!(result.is_ok(), i != 7, "read {i}: {result:?}");
    }
    release.send(()).unwrap();
    assert!(
        blocked.await.unwrap().unwrap(),
        "the other reads waited for the blocked one"
    );
    // Every reader is still serving.
    for _ in 0..24 {
        store
            .read(|conn| directories::list(conn).map_err(StoreError::from))
            .await
            .unwrap();
    }
}

/// Instances started at once on a fresh database (replicas of one
/// deployment, or a server and an operator command) all start: one
/// applies the migrations while the others wait for it, on either
/// database.
#[test]
fn instances_starting_at_once_on_a_fresh_database_all_start() {
    use gatehouse::store::pool::PoolOptions;
    use gatehouse::store::Store;

    let db = crate::support::db::TestDb::new();
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(4));
    let starts: Vec<_> = (0..4)
        .map(|_| {
            let url = db.url.clone();
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                barrier.wait();
                let options = PoolOptions {
                    max_connections: 2,
                    ..PoolOptions::default()
                };
                Store::open(&url, &options).map(drop)
            })
        })
        .collect();
    for start in starts {
        start.join().unwrap().expect("every instance starts");
    }
}

/// Member PATCHes of two groups (each removing some members and adding
/// others, as Entra sends them) running beside deactivations and
/// reactivations of the same members: on PostgreSQL each takes user rows
/// and the groups' kept counts, so a write taking them in another order
/// could deadlock. Every write answers, and every kept count agrees with
/// a recount after.
#[actix_web::test]
async fn member_patches_beside_user_changes_all_answer_and_keep_counts() {
    use actix_web::http::Method;
    use serde_json::{json, Value};

    let app = TestApp::new().await;
    app.create_product("acme", "wiki", None).await;
    let mut ids = Vec::new();
    for i in 0..24 {
        ids.push(
            app.create_user(&format!("racer{i}@example.com")).await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let half =
        |from: usize| -> Vec<&str> { ids[from..from + 12].iter().map(String::as_str).collect() };
    let mut groups = Vec::new();
    for (name, from) in [("Racers A", 0), ("Racers B", 6)] {
        let id = app.create_group(name, &half(from)).await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        app.map(&id, "wiki", "user").await;
        groups.push(id);
    }
    let op = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
    let members = |from: usize| -> Value {
        Value::from(
            ids[from..from + 6]
                .iter()
                .map(|id| json!({"value": id}))
                .collect::<Vec<_>>(),
        )
    };
    let mut sends = Vec::new();
    for round in 0..4 {
        for (g, group) in groups.iter().enumerate() {
            // Remove six members and add six others (some of them already
            // members: an IdP re-sends them).
            let (out, into) = if round % 2 == 0 {
                (g * 6, 12)
            } else {
                (12, g * 6)
            };
            let body = json!({"schemas": [op], "Operations": [
                {"op": "remove", "path": "members", "value": members(out)},
                {"op": "add", "path": "members", "value": members(into)}]});
            let request = app
                .request(Method::PATCH, &format!("/scim/v2/Groups/{group}"))
                .json(&body);
            sends.push(actix_rt::spawn(request.send()));
        }
        for (i, id) in ids.iter().enumerate().filter(|(i, _)| i % 3 == round % 3) {
            let body = json!({"schemas": [op], "Operations": [
                {"op": "replace", "path": "active", "value": (round + i) % 2 == 0}]});
            let request = app
                .request(Method::PATCH, &format!("/scim/v2/Users/{id}"))
                .json(&body);
            sends.push(actix_rt::spawn(request.send()));
        }
    }
    for send in sends {
        let r = send.await.unwrap();
        assert!(
            r.status == 200 || r.status == 204,
            "{}: {}",
            r.status,
            r.text
        );
    }
    app.assert_group_counts_kept();
    assert_eq!(
        app.licenses_used("wiki").await,
        app.licenses_used("wiki").await
    );
}
