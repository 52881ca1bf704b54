//! Which user writes are planned as one statement
//! (`Provisioned::plan_patch`, `plan_replace`, `plan_create`, made on
//! PostgreSQL by `Store::write_in_one_statement`): a plan is found for a
//! write that changes only the user's row, and for a create with a new
//! person when no policy hands out automatic access; none for a write
//! that moves the user's tie to its person or grants access. Plans read
//! only, so they are checked on both databases.

use gatehouse::access::provisioning::{Provisioned, Users};
use gatehouse::access::{Actor, ActorKind, WriteContext};
use gatehouse::scim::patch::{parse_request, Operation};
use gatehouse::scim::schema::ResourceKind;
use gatehouse::scim::validate::validate_resource;
use gatehouse::scim::ScimError;
use serde_json::{json, Value};

use crate::support::TestApp;

fn context(app: &TestApp) -> WriteContext {
    WriteContext {
        directory_id: app.directory.id.clone(),
        actor: Actor::new(ActorKind::Cli, "test"),
        request_id: None,
        now: 1_800_000_000_000_000,
    }
}

fn operations(operations: Value) -> Vec<Operation> {
    parse_request(&json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": operations,
    }))
    .unwrap()
}

/// Whether `Users::plan_patch` finds user `id`'s PATCH fits one statement.
fn planned_patch(app: &TestApp, id: &str, sent: Value) -> bool {
    let (ctx, registry, sent) = (context(app), app.state.registry(), operations(sent));
    app.state
        .store
        .read_now(|conn| Users::plan_patch(conn, &ctx, &registry, id, &sent, None))
        .map(|planned| planned.is_some())
        .unwrap()
}

/// Whether `Users::plan_create` finds a create of `user` fits one statement.
fn planned_create(app: &TestApp, user: Value) -> bool {
    let (ctx, registry) = (context(app), app.state.registry());
    let validated = validate_resource(&registry, ResourceKind::User, &user).unwrap();
    app.state
        .store
        .read_now(|conn| Users::plan_create(conn, &ctx, &validated))
        .map(|planned| planned.is_some())
        .unwrap()
}

#[actix_web::test]
async fn writes_of_the_users_row_alone_are_planned() {
    let app = TestApp::new().await;
    let user = app.create_user("ann@example.com").await;
    let id = user["id"].as_str().unwrap();
    let row_only = [
        json!([{"op": "replace", "path": "title", "value": "Lead"}]),
        json!([{"op": "replace", "value": {"displayName": "Ann A."}}]),
        json!([{"op": "add", "path": "phoneNumbers", "value": [{"value": "+1 555 0100"}]}]),
    ];
    for sent in row_only {
        assert!(planned_patch(&app, id, sent.clone()), "{sent}");
    }
    let tied = [
        json!([{"op": "replace", "path": "active", "value": false}]),
        json!([{"op": "replace", "path": "emails", "value": [{"value": "ann@other.example", "primary": true}]}]),
    ];
    for sent in tied {
        assert!(!planned_patch(&app, id, sent.clone()), "{sent}");
    }
    // A plan reads and refuses as the transaction would.
    let missing = {
        let (ctx, registry) = (context(&app), app.state.registry());
        let sent = operations(json!([{"op": "replace", "path": "title", "value": "T"}]));
        app.state.store.read_now(|conn| {
            Users::plan_patch(conn, &ctx, &registry, "no-such-user", &sent, None).map(|_| ())
        })
    };
    let missing: Result<(), ScimError> = missing;
    assert_eq!(missing.unwrap_err().status, 404);
}

#[actix_web::test]
async fn creates_are_planned_unless_access_is_handed_out() {
    let app = TestApp::new().await;
    let bea = json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": "bea@example.com",
        "emails": [{"value": "bea@example.com", "type": "work", "primary": true}],
    });
    assert!(planned_create(&app, bea.clone()));
    app.create_product("Site", "wiki", None).await;
    app.set_policy("", &json!({"auto_access": ["wiki"]})).await;
    assert!(!planned_create(&app, bea));
}
