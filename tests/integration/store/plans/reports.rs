//! Plans for the access report's reads (`store::access_report`): a role's
//! dense holders are walked along a directory's userName index, each
//! probed for a membership by key, in stretches whose ends come from the
//! index alone; a role's few holders (or a walk's, where the names ahead
//! hold few) are read from their groups' memberships and sorted. None
//! reads every user or membership.

use super::{explain, on_postgres, THREE_THOUSAND_USERS};
use crate::support::TestApp;

#[actix_web::test]
async fn the_access_report_walks_names_in_index_order_and_reads_few_holders_by_group() {
    let app = TestApp::new().await;
    on_postgres(
        &app,
        &format!(
            "{THREE_THOUSAND_USERS}
         INSERT INTO \"groups\" (id, directory_id, display_name, display_name_key, external_id,
                              attributes, version, created_at, updated_at)
           SELECT 'g' || g, 'd', 'G' || g, 'g' || g, 'x' || g, '{{}}', 1, g, g
           FROM generate_series(1, 30) g;
         INSERT INTO memberships (group_id, member_id, member_type, source, actor, created_at,
                                  member_created_at)
           SELECT CASE WHEN g <= 2000 THEN 'g1' ELSE 'g' || (g % 29 + 2) END,
                  'u' || g, 'User', 'scim', 'd', g, g
           FROM generate_series(1, 3000) g;
         ANALYZE users, \"groups\", memberships;"
        ),
    );
    let holds_access = "users.active AND NOT users.suspended \
         AND coalesce((SELECT pe.live FROM persons pe WHERE pe.id = users.person_id), users.active) \
         AND NOT users.portal_only";
    // holders_by_name: the next batch of holders after a key, where a
    // role is walked: its holders are dense (g1 holds two users in three).
    let walk = format!(
        "SELECT users.id, users.user_name_key FROM users \
         WHERE users.directory_id = 'd' AND {holds_access} \
         AND EXISTS (SELECT 1 FROM memberships WHERE memberships.member_id = users.id \
                     AND memberships.group_id IN ('g1', 'g9')) \
         AND users.user_name_key > 'n5' \
         ORDER BY users.user_name_key LIMIT 101"
    );
    let plan = explain(&app, &walk);
    assert!(
        plan.contains("users_directory_user_name"),
        "the walk should follow the userName index:\n{plan}"
    );
    assert!(
        !["TEMP B-TREE", "Sort"].iter().any(|s| plan.contains(s)),
        "the walk sorts:\n{plan}"
    );
    assert!(!scans(&plan), "the walk reads a whole table:\n{plan}");
    // Where the names ahead hold few holders (g9 and g10 hold ~70 users
    // between them): the same from the members.
    let members = format!(
        "SELECT users.id, users.user_name_key FROM users \
         WHERE users.directory_id = 'd' AND {holds_access} AND users.user_name_key > 'n' \
         AND users.id IN (SELECT memberships.member_id FROM memberships \
                          WHERE memberships.group_id IN ('g9', 'g10')) \
         ORDER BY users.user_name_key || '' LIMIT 101"
    );
    let plan = explain(&app, &members);
    assert!(
        !plan.contains("users_directory"),
        "the members' holders should not walk a directory's index:\n{plan}"
    );
    assert!(!scans(&plan), "{plan}");
    // From a time on: the groups' grants since then, one range each.
    let since = format!(
        "SELECT users.id, users.user_name_key FROM users \
         WHERE users.directory_id = 'd' AND {holds_access} AND users.user_name_key > 'n' \
         AND users.id IN (SELECT memberships.member_id FROM memberships \
                          WHERE memberships.group_id IN ('g1', 'g9') \
                          AND memberships.created_at >= 2990) \
         ORDER BY users.user_name_key || '' LIMIT 101"
    );
    let plan = explain(&app, &since);
    assert!(
        plan.contains("memberships_group_granted"),
        "the grants since a time should be a range of each group's:\n{plan}"
    );
    assert!(!scans(&plan), "{plan}");
    // key_past: the end of a stretch of names, from the index alone.
    let stretch = "SELECT users.user_name_key FROM users \
         WHERE users.directory_id = 'd' AND users.user_name_key > 'n5' \
         ORDER BY users.user_name_key LIMIT 1 OFFSET 1023";
    let plan = explain(&app, stretch);
    let index_only = match app.state.store.backend() {
        gatehouse::store::Backend::Sqlite => "COVERING INDEX users_directory_user_name",
        gatehouse::store::Backend::Postgres => "Index Only Scan using users_directory_user_name",
    };
    assert!(plan.contains(index_only), "{plan}");
    // rows_sorted: a role's rows in one directory, after a key.
    let sorted = "SELECT user_entitlements.user_id, users.user_name, users.user_name_key \
         FROM user_entitlements INNER JOIN users ON users.id = user_entitlements.user_id \
         WHERE user_entitlements.product = 'p' AND user_entitlements.role = 'user' \
         AND users.directory_id = 'd' AND users.user_name_key > 'n5' \
         ORDER BY users.user_name_key, user_entitlements.group_display, user_entitlements.group_id";
    let plan = explain(&app, sorted);
    assert!(
        plan.contains("group_mappings_product"),
        "the rows should start from the product's mappings:\n{plan}"
    );
    assert!(!scans(&plan), "the rows read a whole table:\n{plan}");
}

/// Whether a plan reads a whole table (or index) anywhere.
fn scans(plan: &str) -> bool {
    plan.lines()
        .any(|l| l.contains("SCAN ") || l.contains("Seq Scan"))
}
