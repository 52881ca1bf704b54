//! Plans for the SQL the store compiles from SCIM requests: identity
//! lookups, registered extensions' filters, cursor seeks and entitlement
//! filters each reach their rows through an index, not a table scan.

use super::{compiled, explain, index_only, inline, on_postgres, plan, THREE_THOUSAND_USERS};
use crate::support::TestApp;

#[actix_web::test]
async fn identity_lookups_are_index_lookups_on_both_databases() {
    use gatehouse::scim::schema::ResourceKind::{Group, User};
    let app = TestApp::new().await;
    // Enough rows in one directory that PostgreSQL's planner tells the
    // selective indexes from the directory prefix they share.
    on_postgres(
        &app,
        &format!(
            "{THREE_THOUSAND_USERS}
         INSERT INTO user_emails (user_id, value_key, type_key, value_reversed, directory_id, user_created_at,
                                 domain_key, first_at_domain, first_at_domain_of_type)
           SELECT 'u' || g, 'm' || g, 'work', reverse('m' || g), 'd', g, 'm' || g, true, true
           FROM generate_series(1, 3000) g;
         INSERT INTO \"groups\" (id, directory_id, display_name, display_name_key, external_id,
                              attributes, version, created_at, updated_at)
           SELECT 'g' || g, 'd', 'G' || g, 'g' || g, 'x' || g, '{{}}', 1, g, g
           FROM generate_series(1, 3000) g;
         ANALYZE users, user_emails, \"groups\";"
        ),
    );
    let cases = [
        (
            User,
            "userName eq \"bjensen@example.com\"",
            "users_directory_user_name",
        ),
        (
            User,
            "externalId eq \"a1b2\"",
            "users_directory_external_id",
        ),
        (
            User,
            "emails.value eq \"b@example.com\"",
            "user_emails_value",
        ),
        (
            User,
            "emails[value eq \"b@example.com\"]",
            "user_emails_value",
        ),
        (
            User,
            "emails.value ew \"@contractor.example\"",
            "user_emails_reversed",
        ),
        (
            User,
            "emails[type eq \"work\" and value ew \"@contractor.example\"]",
            "user_emails_reversed",
        ),
        (
            User,
            "displayName eq \"Babs\"",
            "users_directory_display_name",
        ),
        // An `or` of equalities on one attribute: one lookup of the set.
        (
            User,
            "userName eq \"a@example.com\" or userName eq \"b@example.com\"",
            "users_directory_user_name",
        ),
        (
            User,
            "emails[value eq \"a@example.com\" or value eq \"b@example.com\"]",
            "user_emails_value",
        ),
        // Auditors' and IdPs' lookups by attributes without a column of
        // their own (migration 000011's expression indexes).
        (
            User,
            "name.familyName eq \"Jensen\"",
            "users_family_name",
        ),
        (
            User,
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq \"701984\"",
            "users_employee_number",
        ),
        (
            User,
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq \"Finance\"",
            "users_department",
        ),
        (
            User,
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq \"26118915-6090-4610-87e4-49d8ca9f808d\"",
            "users_manager",
        ),
        (User, "active eq false", "users_directory_active"),
        // PostgreSQL keeps a user's lastModified indexed aside (000025).
        (
            User,
            "meta.lastModified gt \"2026-12-01T00:00:00Z\"",
            match app.state.store.backend() {
                gatehouse::store::Backend::Sqlite => "users_directory_updated",
                gatehouse::store::Backend::Postgres => "user_modified_at_directory",
            },
        ),
        (
            Group,
            "displayName eq \"Sales\"",
            "groups_directory_display_name",
        ),
        (
            Group,
            "externalId eq \"g-1\"",
            "groups_directory_external_id",
        ),
    ];
    for (kind, filter, index) in cases {
        let plan = plan(&app, kind, filter);
        assert!(plan.contains(index), "{filter} should use {index}:\n{plan}");
        assert!(
            !plan.contains("SCAN users") && !plan.contains("SCAN groups"),
            "{filter} scans:\n{plan}"
        );
    }
}

/// A registered extension's attributes get expression indexes, and their
/// filters are written so that the database uses them (both databases).
#[actix_web::test]
async fn registered_extension_filters_are_index_lookups() {
    use gatehouse::scim::schema::ResourceKind::User;
    let urn = "urn:ietf:params:scim:schemas:extension:Acme:2.0:User";
    let app = TestApp::new().await;
    let r = app
        .admin_post(
            "/schemas",
            &serde_json::json!({"id": urn, "attributes": [
                {"name": "badge", "type": "string"},
                {"name": "level", "type": "integer"},
                {"name": "office", "type": "complex", "subAttributes": [
                    {"name": "building", "type": "string", "caseExact": true}
                ]}
            ]}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    if let gatehouse::store::Backend::Postgres = app.state.store.backend() {
        use diesel::connection::SimpleConnection;
        app.state
            .store
            .write_now(|conn| -> Result<(), gatehouse::store::StoreError> {
                conn.batch_execute(&format!(
                    "INSERT INTO directories (id, name, created_at) VALUES ('d', 'd', 0);
                     INSERT INTO users (id, directory_id, user_name, user_name_key, active, attributes,
                                        version, created_at, updated_at, portal_only, suspended)
                       SELECT 'u' || g, 'd', 'n' || g, 'n' || g, true,
                              '{{\"{urn}\": {{\"badge\": \"B' || g || '\", \"level\": ' || g || ',
                                \"office\": {{\"building\": \"H' || g || '\"}}}}}}', 1, g, g, false, false
                       FROM generate_series(1, 3000) g;
                     ANALYZE users;"
                ))
                .map_err(gatehouse::store::StoreError::Database)
            })
            .unwrap();
    }
    for filter in [
        format!("{urn}:badge eq \"B7\""),
        format!("{urn}:level eq 7"),
        format!("{urn}:level gt 2990"),
        format!("{urn}:office.building eq \"H7\""),
    ] {
        let plan = plan(&app, User, &filter);
        assert!(
            plan.contains("ext_u_"),
            "{filter} should use its index:\n{plan}"
        );
        assert!(!plan.contains("SCAN users"), "{filter} scans:\n{plan}");
    }
}

/// A cursor page starts at its position in the `(directory, created, id)`
/// index on both databases, rather than walking the directory from its
/// first user to get there.
#[actix_web::test]
async fn cursor_pages_seek_into_the_creation_order_index() {
    use gatehouse::scim::query::{ListOrder, ListRequest, Position};
    use gatehouse::scim::schema::ResourceKind::{Group, User};
    use gatehouse::store::sql_filter::ListQuery;

    let app = TestApp::new().await;
    for (kind, table, index) in [
        (User, "users", "users_directory_created"),
        (Group, "\"groups\"", "groups_directory_created"),
    ] {
        for after in [true, false] {
            let request = ListRequest {
                filter: None,
                order: ListOrder::Creation { descending: !after },
                position: Some(Position {
                    created_us: 1_700_000_000_000_000,
                    id: "some-id".into(),
                    after,
                }),
                offset: 0,
                limit: 10,
                count_total: true,
            };
            let query = ListQuery::compile(
                &request,
                &app.state.registry(),
                kind,
                app.state.store.backend(),
            )
            .unwrap();
            let condition = inline(query.seek.as_ref().unwrap());
            let direction = if after { "ASC" } else { "DESC" };
            let plan = explain(
                &app,
                &format!(
                    "SELECT {table}.id FROM {table} WHERE {table}.directory_id = 'd' AND {condition} \
                     ORDER BY {table}.created_at {direction}, {table}.id {direction} LIMIT 10"
                ),
            );
            let sought = match app.state.store.backend() {
                gatehouse::store::Backend::Sqlite => {
                    plan.contains(&format!("{index} (directory_id=? AND (created_at,id)"))
                }
                gatehouse::store::Backend::Postgres => {
                    plan.contains(index) && plan.contains("Index Cond") && plan.contains("ROW(")
                }
            };
            assert!(sought, "{table}, after={after}:\n{plan}");
        }
    }
}

/// An entitlements filter starts from the product mappings (a few hundred
/// rows at most) and reaches the mapped groups' memberships by primary
/// key; it never scans memberships or users. (SQLite, with its fixed
/// statistics; PostgreSQL plans from its own.)
#[actix_web::test]
async fn entitlement_filters_start_from_the_mapped_groups() {
    use gatehouse::scim::schema::ResourceKind::User;
    let app = TestApp::new().await;
    if app.state.store.backend() != gatehouse::store::Backend::Sqlite {
        return;
    }
    for filter in [
        "entitlements[value eq \"wiki:user\"]",
        "urn:gatehouse:scim:schemas:extension:access:1.0:User:grants[product eq \"wiki\"]",
    ] {
        let plan = plan(&app, User, filter);
        for line in plan.lines().filter(|l| l.contains("SCAN ")) {
            assert!(
                ["SCAN gmx", "SCAN gm ", "SCAN p "]
                    .iter()
                    .any(|t| line.contains(t)),
                "{filter} scans more than the mappings: {line}\n{plan}"
            );
        }
        assert!(
            plan.contains(
                "SEARCH m USING COVERING INDEX sqlite_autoindex_memberships_1 (group_id=?)"
            ),
            "{filter} should reach memberships by group:\n{plan}"
        );
        assert!(
            !plan.contains("SCAN m "),
            "{filter} scans memberships:\n{plan}"
        );
    }
}

/// A group's members are read from the group (the memberships' primary
/// key), not by testing every user's groups: an auditor's
/// `groups[value eq "…"]` over a group of 200,000.
#[actix_web::test]
async fn group_member_filters_start_from_the_group() {
    use gatehouse::scim::schema::ResourceKind::User;
    let app = TestApp::new().await;
    for filter in ["groups[value eq \"g1\"]", "groups.value eq \"g1\""] {
        let plan = plan(&app, User, filter);
        let index = match app.state.store.backend() {
            gatehouse::store::Backend::Sqlite => "sqlite_autoindex_memberships_1 (group_id=?)",
            gatehouse::store::Backend::Postgres => "memberships_pkey",
        };
        assert!(
            plan.contains(index),
            "{filter} should read the group's memberships:\n{plan}"
        );
        assert!(
            !plan.contains("SCAN users") && !plan.contains("SCAN m "),
            "{filter} scans:\n{plan}"
        );
    }
}

/// `groups[value eq "…"]` alone is read from the group's members in
/// creation order (`store::group_filter`): its total and every page,
/// cursor or startIndex, are a range of `memberships_group_order`, with no
/// sort of the members however many they are.
#[actix_web::test]
async fn a_group_s_users_are_a_range_of_its_ordered_members() {
    let app = TestApp::new().await;
    let count = "SELECT count(*) FROM memberships \
                 WHERE group_id = 'g1' AND member_type = 'User'";
    let page = "SELECT member_id FROM memberships \
                WHERE group_id = 'g1' AND member_type = 'User' \
                AND (memberships.member_created_at, memberships.member_id) > (5, 'u5') \
                ORDER BY member_created_at, member_id LIMIT 100 OFFSET 200";
    for query in [count, page] {
        let plan = explain(&app, query);
        assert!(
            plan.contains("memberships_group_order"),
            "{query} should read the ordered index:\n{plan}"
        );
        assert!(
            !plan.contains("TEMP B-TREE") && !plan.contains("Sort"),
            "{query} sorts:\n{plan}"
        );
    }
}

/// An entitlement's holders (`store::holder_filter`): a page is a range
/// of each granting group's ordered members, each looked up by key and
/// tested, never sorted; the total of one group is counted from its range.
#[actix_web::test]
async fn an_entitlement_s_holders_are_a_range_of_each_granting_group() {
    let app = TestApp::new().await;
    let holders = "FROM memberships INNER JOIN users ON users.id = memberships.member_id \
                   WHERE memberships.member_type = 'User' AND users.directory_id = 'd' \
                   AND users.active AND NOT users.suspended \
                   AND coalesce((SELECT pe.live FROM persons pe WHERE pe.id = users.person_id), users.active) \
                   AND NOT users.portal_only AND memberships.group_id = 'g1' AND users.active = true";
    let page = format!(
        "SELECT memberships.member_created_at, memberships.member_id {holders} \
         AND (memberships.member_created_at, memberships.member_id) > (5, 'u5') \
         ORDER BY memberships.member_created_at, memberships.member_id LIMIT 300"
    );
    let count = format!("SELECT count(*) {holders}");
    for query in [page, count] {
        let plan = explain(&app, &query);
        assert!(
            plan.contains("memberships_group_order"),
            "{query} should read the ordered index:\n{plan}"
        );
        assert!(
            !["TEMP B-TREE", "Sort", "SCAN users", "Seq Scan on users"]
                .iter()
                .any(|step| plan.contains(step)),
            "{query} sorts or scans users:\n{plan}"
        );
    }
}

/// Users at a domain (`store::email_filter`): a whole domain of one type
/// is one range of `user_emails_domain`, already in creation order, so
/// its total and every page read the index alone, unsorted; any other
/// suffix is one range of `user_emails_reversed`, also read alone. Never
/// users.
#[actix_web::test]
async fn users_at_a_domain_are_one_range_of_their_email_elements() {
    let app = TestApp::new().await;
    // Addresses at 30 domains.
    on_postgres(
        &app,
        &format!(
            "{THREE_THOUSAND_USERS}
         INSERT INTO user_emails (user_id, value_key, type_key, value_reversed, directory_id,
                                 user_created_at, domain_key, first_at_domain,
                                 first_at_domain_of_type)
           SELECT 'u' || g, 'm' || g || '@d' || (g % 30) || '.example', 'work',
                  reverse('m' || g || '@d' || (g % 30) || '.example'), 'd', g,
                  '@d' || (g % 30) || '.example', true, true
           FROM generate_series(1, 3000) g;
         ANALYZE users, user_emails;"
        ),
    );
    let domain = "FROM user_emails WHERE user_emails.directory_id = 'd' \
                  AND user_emails.type_key = 'work' \
                  AND user_emails.domain_key = '@contractor.example' \
                  AND user_emails.first_at_domain_of_type = true";
    let suffix = "FROM user_emails WHERE user_emails.directory_id = 'd' \
                  AND user_emails.value_reversed >= 'elpmaxe.rotcartnoc' \
                  AND user_emails.value_reversed < 'elpmaxe.rotcartnoc\u{10FFFF}'";
    let page = |rows: &str, distinct: &str| {
        format!(
            "SELECT {distinct} user_emails.user_created_at, user_emails.user_id {rows} \
             AND (user_emails.user_created_at, user_emails.user_id) > (5, 'u5') \
             ORDER BY user_emails.user_created_at, user_emails.user_id LIMIT 100 OFFSET 200"
        )
    };
    let cases = [
        // SQLite's total (PostgreSQL's is kept:
        // `kept_value_totals_are_one_range_of_their_index`).
        (
            format!("SELECT count(*) {domain}"),
            "user_emails_domain",
            false,
        ),
        (page(domain, ""), "user_emails_domain", false),
        (
            format!("SELECT count(DISTINCT user_emails.user_id) {suffix}"),
            "user_emails_reversed",
            true,
        ),
        (page(suffix, "DISTINCT"), "user_emails_reversed", true),
    ];
    for (query, index, may_sort) in cases {
        let plan = explain(&app, &query);
        assert!(
            plan.contains(&index_only(&app, index)),
            "{query} should read {index} alone:\n{plan}"
        );
        assert!(!plan.contains("users"), "{query} reads users:\n{plan}");
        assert!(
            may_sort || !["TEMP B-TREE", "Sort"].iter().any(|s| plan.contains(s)),
            "{query} sorts:\n{plan}"
        );
    }
}

/// The totals of auditors' equality filters are counted from the index
/// alone: SQLite reads its expression indexes covering, PostgreSQL the
/// columns it keeps the attributes in (migration 000015), whose indexes
/// carry them. An index over an expression of the JSON made PostgreSQL
/// fetch every matching row (50,000 for one department at 1M users).
#[actix_web::test]
async fn equality_filters_are_counted_from_the_index_alone() {
    use gatehouse::scim::schema::ResourceKind::User;
    let app = TestApp::new().await;
    let cases = [
        ("name.familyName eq \"Jensen\"", "users_family_name"),
        (
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq \"701984\"",
            "users_employee_number",
        ),
        (
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq \"Finance\"",
            "users_department",
        ),
        (
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq \"m1\"",
            "users_manager",
        ),
    ];
    for (filter, index) in cases {
        let query = format!(
            "SELECT count(*) FROM users WHERE users.directory_id = 'd' AND {}",
            compiled(&app, User, filter)
        );
        let plan = explain(&app, &query);
        assert!(
            plan.contains(&index_only(&app, index)),
            "{filter} should be counted from {index} alone:\n{plan}"
        );
    }
}

/// The totals kept per value (`store::value_counts`, migrations 000020,
/// 000021 and 000031) are one range of their index, read alone, on both
/// databases; the upkeep finds the values to fold from the index of
/// unfolded rows.
#[actix_web::test]
async fn kept_value_totals_are_one_range_of_their_index() {
    let app = TestApp::new().await;
    on_postgres(
        &app,
        "INSERT INTO user_value_counts (directory_id, attribute, value_key, users, folded)
           SELECT 'd' || (g % 10), 'familyName', 'f' || g, 1, true
           FROM generate_series(1, 20000) g;
         ANALYZE user_value_counts;",
    );
    let total = "SELECT CAST(coalesce(sum(users), 0) AS BIGINT) FROM user_value_counts \
                 WHERE attribute = 'department' AND value_key = lower('Finance') \
                 AND directory_id = 'd'";
    let unfolded = "SELECT DISTINCT directory_id, attribute, value_key FROM user_value_counts \
                    WHERE NOT folded";
    let (total_plan, unfolded_plan) = match app.state.store.backend() {
        gatehouse::store::Backend::Sqlite => (
            "COVERING INDEX user_value_counts_value",
            "INDEX user_value_counts_unfolded",
        ),
        gatehouse::store::Backend::Postgres => (
            "Index Only Scan using user_value_counts_value",
            "using user_value_counts_unfolded",
        ),
    };
    let plan = explain(&app, total);
    assert!(plan.contains(total_plan), "{total}:\n{plan}");
    let plan = explain(&app, unfolded);
    assert!(plan.contains(unfolded_plan), "{unfolded}:\n{plan}");
    // `meta.lastModified gt`: the kept minutes after the time's, and that
    // minute's users from the (directory, updated_at) index.
    let later = "SELECT CAST(coalesce(sum(users), 0) AS BIGINT) FROM user_value_counts \
                 WHERE directory_id = 'd' AND attribute = 'meta.lastModified' \
                 AND value_key > '000029453760'";
    let plan = explain(&app, later);
    assert!(plan.contains(total_plan), "{later}:\n{plan}");
    // A domain's users (`email_domain`, migration 000031, PostgreSQL's),
    // of one type.
    let domain = "SELECT CAST(coalesce(sum(users), 0) AS BIGINT) FROM user_value_counts \
                  WHERE directory_id = 'd' AND attribute = 'emails.domain:work' \
                  AND value_key = '@contractor.example'";
    let plan = explain(&app, domain);
    assert!(plan.contains(total_plan), "{domain}:\n{plan}");
    on_postgres(
        &app,
        &format!("{THREE_THOUSAND_USERS} ANALYZE users, user_modified_at;"),
    );
    let minute = |table: &str| {
        format!(
            "SELECT count(*) FROM {table} WHERE directory_id = 'd' \
             AND updated_at < 1767225660000000 AND updated_at > 1767225605000000"
        )
    };
    let (minute, minute_plan) = match app.state.store.backend() {
        gatehouse::store::Backend::Sqlite => {
            (minute("users"), "COVERING INDEX users_directory_updated")
        }
        gatehouse::store::Backend::Postgres => (
            minute("user_modified_at"),
            "Index Only Scan using user_modified_at_directory",
        ),
    };
    let plan = explain(&app, &minute);
    assert!(plan.contains(minute_plan), "{minute}:\n{plan}");
}
