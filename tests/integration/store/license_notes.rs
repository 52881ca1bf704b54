//! Which membership changes note a person for the licenses
//! (`license_dirty`, settled at the end of the write): only memberships of
//! a group some product maps can move a license (`user_entitlements` reads
//! a membership through its group's mapping), so only those note their
//! person (migration `000027_mapped_members`); a mapping made beside the
//! members being added still counts every one of them.

use actix_web::http::Method;
use diesel::prelude::*;
use serde_json::{json, Value};

use crate::admin::id;
use crate::idp::patch_body;
use crate::support::app::TestApp;

/// The persons noted for the licenses after `sql` runs, in a transaction
/// rolled back before anything is settled.
fn noted_after(app: &TestApp, sql: &str) -> Vec<String> {
    #[derive(QueryableByName)]
    struct Noted {
        #[diesel(sql_type = diesel::sql_types::Text)]
        person_id: String,
    }
    let mut noted = Vec::new();
    // A write whose work fails is rolled back, and settles nothing.
    let rolled_back = app
        .state
        .store
        .write_now(|c| -> Result<(), gatehouse::store::StoreError> {
            diesel::sql_query(sql).execute(c)?;
            noted = diesel::sql_query("SELECT person_id FROM license_dirty ORDER BY person_id")
                .load::<Noted>(c)?
                .into_iter()
                .map(|n| n.person_id)
                .collect();
            Err(gatehouse::store::StoreError::Pool("rolled back".into()))
        });
    assert!(rolled_back.is_err());
    noted
}

fn person_of(app: &TestApp, user_id: &str) -> String {
    #[derive(QueryableByName)]
    struct Person {
        #[diesel(sql_type = diesel::sql_types::Text)]
        id: String,
    }
    app.state
        .store
        .read_now(|c| {
            diesel::sql_query(format!(
                "SELECT coalesce(person_id, id) AS id FROM users WHERE id = '{user_id}'"
            ))
            .get_result::<Person>(c)
            .map_err(gatehouse::store::StoreError::from)
        })
        .unwrap()
        .id
}

#[actix_web::test]
async fn only_memberships_of_mapped_groups_note_their_persons() {
    let app = TestApp::new().await;
    app.create_product("acme", "wiki", None).await;
    let ann = id(&app.create_user("ann@example.com").await);
    let plain = id(&app.create_group("Plain", &[]).await);
    let mapped = id(&app.create_group("Mapped", &[]).await);
    app.map(&mapped, "wiki", "user").await;
    let add = |group: &str| {
        format!(
            "INSERT INTO memberships (group_id, member_id, member_type, source, actor, created_at) \
             VALUES ('{group}', '{ann}', 'User', 'scim', 'test', 1)"
        )
    };

    assert_eq!(
        noted_after(&app, &add(&plain)),
        Vec::<String>::new(),
        "a member of an unmapped group can gain no license"
    );
    assert_eq!(
        noted_after(&app, &add(&mapped)),
        vec![person_of(&app, &ann)]
    );

    // Through the API, both ways: the mapped group's member holds a
    // license, the other group's adds none.
    let patch = |group: &str, op: &str| {
        let body = patch_body(json!([{"op": op, "path": "members", "value": [{"value": ann}]}]));
        app.request(Method::PATCH, &format!("/scim/v2/Groups/{group}"))
            .json(&body)
            .send()
    };
    for (group, op, used) in [
        (&plain, "add", 0),
        (&mapped, "add", 1),
        (&plain, "remove", 1),
        (&mapped, "remove", 0),
    ] {
        let r = patch(group, op).await;
        assert!(r.status == 200 || r.status == 204, "{}", r.text);
        assert_eq!(app.licenses_used("wiki").await, used, "{op} {group}");
    }
}

/// Members a round adds, in four requests: each one's work after its
/// members' insert (its audit, settling) is the window a mapping could
/// miss them in.
const MEMBERS: usize = 120;

/// A mapping made while members are added to its group, through each way
/// members are added: whichever commits first, every member ends up
/// holding the license. On PostgreSQL both take the group's row
/// (`mappings::hold_group`); a member added after the mapping's trigger
/// looked, and settled or noted without seeing the mapping, would go
/// unlicensed (local groups' adds did, before they took the row).
#[actix_web::test]
async fn a_mapping_made_while_members_are_added_counts_every_member() {
    let app = TestApp::new().await;
    app.create_product("acme", "wiki", None).await;
    let mut users = Vec::new();
    for i in 0..MEMBERS {
        users.push(id(&app
            .create_user(&format!("joiner{i}@example.com"))
            .await));
    }
    for round in 0..8 {
        // Even rounds: an IdP's group, members added by SCIM PATCH; odd
        // rounds: a local group, members added through the admin API.
        let local = round % 2 == 1;
        let name = format!("Joiners {round}");
        let group = if local {
            id(&app
                .admin_post("/groups", &json!({"displayName": name}))
                .await
                .json)
        } else {
            id(&app.create_group(&name, &[]).await)
        };
        let mut sends = Vec::new();
        for batch in users.chunks(MEMBERS / 4) {
            let request = if local {
                app.admin(Method::POST, &format!("/groups/{group}/members"))
                    .json(&json!({"users": batch}))
            } else {
                let value: Vec<Value> = batch.iter().map(|u| json!({"value": u})).collect();
                app.request(Method::PATCH, &format!("/scim/v2/Groups/{group}"))
                    .json(&patch_body(json!([
                        {"op": "add", "path": "members", "value": value}
                    ])))
            };
            sends.push(actix_rt::spawn(request.send()));
            if sends.len() == 1 {
                let mapping = app
                    .admin(Method::POST, "/mappings")
                    .json(&json!({"group": group, "product": "wiki", "role": "user"}));
                sends.push(actix_rt::spawn(mapping.send()));
            }
        }
        let mut mapping = None;
        for send in sends {
            let r = send.await.unwrap();
            assert!(
                [200, 201, 204].contains(&r.status),
                "{}: {}",
                r.status,
                r.text
            );
            if r.json["product"] == "wiki" {
                mapping = r.json["id"].as_str().map(str::to_owned);
            }
        }
        assert_eq!(
            app.licenses_used("wiki").await,
            MEMBERS as i64,
            "round {round}"
        );
        // Taken back, so the next round starts with nobody licensed.
        let mapping = mapping.expect("the mapping was made");
        let gone = app.admin_delete(&format!("/mappings/{mapping}")).await;
        assert_eq!(gone.status, 204, "{}", gone.text);
        assert_eq!(app.licenses_used("wiki").await, 0, "round {round}");
    }
}

/// A group two mappings name, deleted by its IdP: the foreign key sets
/// both mappings' group to none, each change notes the members, and on
/// SQLite the second note once failed the notes' key (its trigger ran
/// under the foreign key's conflict policy, not its own `OR IGNORE`): the
/// DELETE answered 409 and the group stayed (migration
/// `000033_notes_under_cascades`). Now it goes, and its members' licenses
/// with it; the mappings wait for a group of its name again.
#[actix_web::test]
async fn a_group_two_mappings_name_can_be_deleted() {
    let app = TestApp::new().await;
    app.create_product("acme", "wiki", None).await;
    let ann = id(&app.create_user("ann@example.com").await);
    let bob = id(&app.create_user("bob@example.com").await);
    let group = id(&app.create_group("Editors", &[&ann, &bob]).await);
    app.map("Editors", "wiki", "user").await;
    app.map("Editors", "wiki", "admin").await;
    assert_eq!(app.licenses_used("wiki").await, 2);

    let gone = app.delete(&format!("/scim/v2/Groups/{group}")).await;
    assert_eq!(gone.status, 204, "{}", gone.text);
    let read = app.get(&format!("/scim/v2/Groups/{group}")).await;
    assert_eq!(read.status, 404, "{}", read.text);
    assert_eq!(app.licenses_used("wiki").await, 0);
    let user = app.get(&format!("/scim/v2/Users/{ann}")).await;
    assert_eq!(user.json["groups"], json!(null), "{}", user.text);

    // The mappings bind to the next group of that name.
    app.create_group("Editors", &[&bob]).await;
    assert_eq!(app.licenses_used("wiki").await, 1);
}
