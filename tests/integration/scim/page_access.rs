//! A page of users carries each user's groups, entitlements and grants
//! exactly as reading that user alone does. A page reads the access of
//! its whole list of users in one statement (`store::entitlements::
//! of_users`); a single read asks for one user.

use serde_json::{json, Value};

use super::group_filter::patch_user;
use super::{bulk_users, filter_query, sorted_values, USER};
use crate::support::TestApp;

const ACCESS: &str = "urn:gatehouse:scim:schemas:extension:access:1.0:User";

#[actix_web::test]
async fn a_page_of_users_shows_each_users_access_as_reading_it_alone() {
    let app = TestApp::new().await;
    let ids = bulk_users(&app, (0..40).map(|i| format!("page{i:02}@example.com"))).await;
    let id = |i: usize| ids[i].as_str();
    let everyone: Vec<&str> = (0..30).map(id).collect();
    app.create_group("Everyone", &everyone).await;
    app.create_group("Editors", &[id(3), id(4), id(35)]).await;
    app.create_group("Unmapped", &[id(5), id(36)]).await;
    app.create_product("Site", "wiki", None).await;
    app.create_product("Site", "crm", Some(100)).await;
    app.map("Everyone", "wiki", "user").await;
    // `admin` implies `user`: user 3 holds wiki:user through two groups.
    app.map("Editors", "wiki", "admin").await;
    app.map("Editors", "crm", "user").await;
    // Deactivated: a member still, holding nothing.
    let inactive = json!([{"op": "replace", "path": "active", "value": false}]);
    patch_user(&app, id(4), inactive).await;

    let alone = |user: &str| {
        let path = format!("/scim/v2/Users/{user}");
        let app = &app;
        async move {
            let r = app.get(&path).await;
            assert_eq!(r.status, 200, "{}", r.text);
            r.json
        }
    };
    let mut seen = 0;
    for start in (1..=40).step_by(7) {
        let r = app
            .get(&format!("/scim/v2/Users?startIndex={start}&count=7"))
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        for user in r.json["Resources"].as_array().unwrap() {
            let single = alone(user["id"].as_str().unwrap()).await;
            assert_eq!(user, &single, "page from {start}");
            seen += 1;
        }
    }
    assert_eq!(seen, 40);

    // The page is not vacuous: user 3's two roles on wiki and one on crm,
    // wiki:user granted twice; user 4 (inactive) holds nothing; user 5
    // holds wiki:user from Everyone alone (Unmapped grants nothing); user
    // 35 holds the Editors' roles alone.
    let filter = filter_query(
        "userName eq \"page03@example.com\" or userName eq \"page04@example.com\" \
         or userName eq \"page05@example.com\" or userName eq \"page35@example.com\"",
    );
    let r = app
        .get(&format!("/scim/v2/Users?filter={filter}&sortBy=userName"))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let page = r.json["Resources"].as_array().unwrap();
    let values = |user: &Value| sorted_values(&user["entitlements"]);
    let grants = |user: &Value| user[ACCESS]["grants"].as_array().map_or(0, Vec::len);
    assert_eq!(values(&page[0]), ["crm:user", "wiki:admin", "wiki:user"]);
    assert_eq!(grants(&page[0]), 4);
    assert!(values(&page[1]).is_empty() && page[1].get(ACCESS).is_none());
    assert_eq!(values(&page[2]), ["wiki:user"]);
    assert_eq!(grants(&page[2]), 1);
    assert_eq!(page[2]["groups"].as_array().unwrap().len(), 2);
    assert_eq!(values(&page[3]), ["crm:user", "wiki:admin", "wiki:user"]);
    assert_eq!(grants(&page[3]), 3);
    assert_eq!(page[3]["schemas"], json!([USER, ACCESS]));
}
