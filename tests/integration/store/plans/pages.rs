//! What a page of users reads besides the page: the groups and access of
//! its users, one user at a time from `memberships_member`, whatever the
//! size of the groups they are in, and the persons of those granted
//! access, by the key that comes with each user's id.

use gatehouse::store::entitlements::{EntitlementsOfUsers, ProductRolesOfUsers};
use gatehouse::store::group_catalog::CatalogGroups;
use gatehouse::store::id_list::{explained, explained_one};
use gatehouse::store::memberships::GrantsOfMembers;

use super::{explain, on_postgres};
use crate::scim::bulk_users;
use crate::support::TestApp;

#[actix_web::test]
async fn a_pages_groups_and_entitlements_are_read_user_by_user() {
    let app = TestApp::new().await;
    let ids = bulk_users(&app, (0..300).map(|i| format!("plan{i}@example.com"))).await;
    let members: Vec<&str> = ids.iter().map(String::as_str).collect();
    app.create_group("Everyone", &members).await;
    app.create_group("Few", &members[..3]).await;
    app.create_product("Site", "wiki", None).await;
    app.map("Everyone", "wiki", "user").await;
    app.map("Few", "wiki", "admin").await;
    // One big mapped group: asked for `user_id = ANY(…)`, PostgreSQL's
    // planner read that group's memberships and filtered them by the list.
    on_postgres(
        &app,
        "ANALYZE memberships, users, persons, \"groups\", group_mappings, products;",
    );
    let backend = app.state.store.backend();
    let page = &members[..5];
    // The persons come with the ids as the page's rows hold them (the
    // plan does not depend on their values).
    let persons = [Some("p0"), Some("p1"), None, Some("p3"), Some("p4")];
    let statements = [
        explained::<EntitlementsOfUsers>(backend, page, &[]),
        // The licenses a write's accounts must hold (`licenses::settle`).
        explained::<ProductRolesOfUsers>(backend, page, &[]),
        explained::<GrantsOfMembers>(backend, page, &persons),
        // A lookup's user: the same statement over a one-row table.
        explained_one::<GrantsOfMembers>(backend, page[0], persons[0]),
    ];
    for statement in statements {
        let plan = explain(&app, &statement);
        let list = match backend {
            // The list is the outer loop: SQLite names it first (by the
            // function's name when the list of users with their persons,
            // a subquery over it, is flattened into the statement).
            gatehouse::store::Backend::Sqlite
                if statement.contains("person_id FROM json_each(") =>
            {
                "SCAN json_each VIRTUAL TABLE"
            }
            gatehouse::store::Backend::Sqlite => "SCAN ids VIRTUAL TABLE",
            // (`unnest` of two arrays, the users and their persons, is
            // named by its alias.)
            gatehouse::store::Backend::Postgres if statement.contains("AS ids(id, person_id)") => {
                "Function Scan on ids"
            }
            gatehouse::store::Backend::Postgres => "Function Scan on unnest",
        };
        // (The one id is a constant: no list to scan.)
        let one = statement.contains(" AS ids")
            && !statement.contains("json_each(")
            && !statement.contains("unnest(");
        if !one {
            assert!(plan.contains(list), "{statement}\n{plan}");
            if backend == gatehouse::store::Backend::Sqlite {
                assert!(plan.starts_with(list), "{statement}\n{plan}");
            }
        }
        // Each user's memberships by member, never a group's read whole.
        assert!(plan.contains("memberships_member"), "{statement}\n{plan}");
        assert!(
            !plan.contains("memberships_group_granted"),
            "{statement}\n{plan}"
        );
        if statement.contains("pe.live") {
            // A granted member's person by the key that came with its id,
            // never a scan, and the user is not looked up again for it.
            match backend {
                gatehouse::store::Backend::Sqlite => {
                    assert!(plan.contains("SEARCH pe USING"), "{statement}\n{plan}");
                    assert!(!plan.contains(" u USING"), "{statement}\n{plan}");
                    // Each membership's group comes with its member from
                    // the index: no membership row is read.
                    assert!(
                        plan.contains("COVERING INDEX memberships_member"),
                        "{statement}\n{plan}"
                    );
                }
                gatehouse::store::Backend::Postgres => {
                    assert!(plan.contains("persons_pkey"), "{statement}\n{plan}");
                    assert!(!plan.contains("Seq Scan on persons"), "{plan}");
                    assert!(!plan.contains(" on users"), "{statement}\n{plan}");
                }
            }
        }
    }
}

/// A `startIndex` page deep into the directory, far from any page an
/// import left an anchor at, skips index keys to its start, never users'
/// rows: every user, and every (in)active one, from an index that holds
/// the creation order's key.
#[actix_web::test]
async fn a_deep_page_skips_keys_from_the_index_alone() {
    use gatehouse::scim::schema::ResourceKind::User;

    let app = TestApp::new().await;
    on_postgres(
        &app,
        &format!("{}\nANALYZE users;", super::THREE_THOUSAND_USERS),
    );
    for (filter, index) in [
        (None, "users_directory_created"),
        (Some("active eq false"), "users_directory_active"),
    ] {
        let condition = filter
            .map(|f| format!(" AND {}", super::compiled(&app, User, f)))
            .unwrap_or_default();
        let query = format!(
            "SELECT users.created_at, users.id FROM users \
             WHERE users.directory_id = 'd'{condition} \
             ORDER BY users.created_at, users.id LIMIT 1 OFFSET 2500"
        );
        let plan = explain(&app, &query);
        assert!(
            plan.contains(&super::index_only(&app, index)),
            "{query}\n{plan}"
        );
        // No sort: the index is read in the page's order.
        assert!(
            !plan.contains("Sort") && !plan.contains("B-TREE"),
            "{query}\n{plan}"
        );
    }
}

/// The groups a read does not find kept are read by their key, with
/// their mappings by group: never a scan of the groups, however many.
#[actix_web::test]
async fn groups_missing_from_the_catalog_are_read_by_key() {
    let app = TestApp::new().await;
    let ids = bulk_users(&app, (0..3).map(|i| format!("kept{i}@example.com"))).await;
    let members: Vec<&str> = ids.iter().map(String::as_str).collect();
    let mut groups = Vec::new();
    for i in 0..200 {
        groups.push(app.create_group(&format!("Team {i}"), &members[..1]).await);
    }
    app.create_product("Site", "wiki", None).await;
    app.map("Team 1", "wiki", "user").await;
    on_postgres(
        &app,
        "ANALYZE \"groups\", group_mappings, products, role_implications;",
    );
    let backend = app.state.store.backend();
    let wanted: Vec<&str> = groups[..5]
        .iter()
        .map(|g| g["id"].as_str().unwrap())
        .collect();
    for statement in [
        explained::<CatalogGroups>(backend, &wanted, &[]),
        explained_one::<CatalogGroups>(backend, wanted[0], None),
    ] {
        let plan = explain(&app, &statement);
        match backend {
            gatehouse::store::Backend::Sqlite => {
                assert!(plan.contains("SEARCH g USING"), "{statement}\n{plan}");
                assert!(!plan.contains("SCAN g"), "{statement}\n{plan}");
                assert!(plan.contains("group_mappings_group"), "{statement}\n{plan}");
            }
            gatehouse::store::Backend::Postgres => {
                assert!(plan.contains("groups_pkey"), "{statement}\n{plan}");
                assert!(!plan.contains("Seq Scan on groups"), "{statement}\n{plan}");
            }
        }
    }
}

/// A `userName eq` lookup on PostgreSQL reads the user and what its groups
/// need in one statement (`store::user_lookup`): the user by its unique
/// key, whose row holds its groups' ids (no membership read, least of all
/// a big group's memberships read whole), a local account's person by the
/// key on the user's row.
#[actix_web::test]
async fn a_lookup_reads_its_user_and_groups_by_key_in_one_statement() {
    let app = TestApp::new().await;
    if app.state.store.backend() != gatehouse::store::Backend::Postgres {
        return;
    }
    let ids = bulk_users(&app, (0..300).map(|i| format!("lookup{i}@example.com"))).await;
    let members: Vec<&str> = ids.iter().map(String::as_str).collect();
    app.create_group("Everyone", &members).await;
    app.create_product("Site", "wiki", None).await;
    app.map("Everyone", "wiki", "user").await;
    on_postgres(
        &app,
        &format!(
            "{}\nANALYZE users, memberships, persons, \"groups\", group_mappings;",
            super::THREE_THOUSAND_USERS
        ),
    );
    use gatehouse::store::user_lookup::{explained, explained_batch, Id, UserName};
    let directory = app.directory.id.as_str();
    // By userName, alone and in a worker's batch, and (a read of
    // `/Users/{id}`) by id, in the directory or in any.
    let batch = ["lookup7@example.com", "lookup8@example.com", "nobody"];
    for (statement, index) in [
        (
            explained::<UserName>(directory, Some("lookup7@example.com")),
            "users_directory_user_name",
        ),
        (
            explained_batch(directory, &batch),
            "users_directory_user_name",
        ),
        (explained::<Id>(&ids[7], Some(directory)), "users_pkey"),
        (explained::<Id>(&ids[7], None), "users_pkey"),
    ] {
        check_lookup_plan(&app, &statement, index);
    }
}

fn check_lookup_plan(app: &TestApp, statement: &str, index: &str) {
    let plan = explain(app, statement);
    for wanted in [index, "persons_pkey"] {
        assert!(plan.contains(wanted), "{wanted}\n{statement}\n{plan}");
    }
    // (The catalog's version is a one-row table, scanned.)
    for unwanted in [
        "memberships",
        "Seq Scan on users",
        "Seq Scan on persons",
        "Sort",
    ] {
        assert!(!plan.contains(unwanted), "{unwanted}\n{statement}\n{plan}");
    }
}
