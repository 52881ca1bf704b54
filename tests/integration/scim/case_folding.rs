//! Case-insensitive means the same thing everywhere: in a filter on
//! SQLite, on PostgreSQL, in a PATCH value filter, and in the uniqueness
//! of userName. Letters beyond ASCII fold too (É and é, Σ and σ, İ and i).

use serde_json::json;

use super::{filter_query, user_body};
use crate::admin::scim_patch;
use crate::support::TestApp;

async fn found(app: &TestApp, filter: &str) -> Vec<String> {
    let r = app
        .get(&format!("/scim/v2/Users?filter={}", filter_query(filter)))
        .await;
    assert_eq!(r.status, 200, "{filter}: {}", r.text);
    let mut names: Vec<String> = r.json["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["userName"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

#[actix_web::test]
async fn filters_fold_every_letter_alike_on_each_database() {
    let app = TestApp::new().await;
    let mut elise = user_body("ÉLISE@acme.test");
    elise["displayName"] = json!("ÉLISE ΟΔΥΣΣΕΥΣ");
    elise["emails"] = json!([{"value": "ÉLISE@Acme.test", "type": "work"}]);
    elise["title"] = json!("İNGÉNIEURE");
    let r = app.post("/scim/v2/Users", &elise).await;
    assert_eq!(r.status, 201, "{}", r.text);
    app.post("/scim/v2/Users", &user_body("elise@acme.test"))
        .await;

    let want = ["ÉLISE@acme.test"];
    for filter in [
        r#"userName eq "élise@acme.test""#,
        r#"userName sw "éli""#,
        r#"displayName eq "élise οδυσσευσ""#,
        r#"displayName co "ΟΔΥΣ""#,
        r#"displayName ew "σευσ""#,
        r#"emails.value eq "élise@acme.test""#,
        r#"emails[type eq "work" and value eq "élise@acme.TEST"]"#,
        r#"title eq "ingénieure""#,
    ] {
        assert_eq!(found(&app, filter).await, want, "{filter}");
    }
    // The same name in another case is the same userName.
    let r = app
        .post("/scim/v2/Users", &user_body("élise@ACME.test"))
        .await;
    assert_eq!(r.status, 409, "{}", r.text);
    assert_eq!(r.json["scimType"], "uniqueness");
}

#[actix_web::test]
async fn a_patch_value_filter_matches_what_a_get_filter_finds() {
    let app = TestApp::new().await;
    let mut body = user_body("olga@acme.test");
    body["emails"] = json!([
        {"value": "ÖLGA@acme.test", "type": "work"},
        {"value": "İNGA@home.test", "type": "home"}
    ]);
    let r = app.post("/scim/v2/Users", &body).await;
    let id = r.json["id"].as_str().unwrap().to_owned();
    let filter = r#"emails[value eq "ölga@acme.test"]"#;
    assert_eq!(found(&app, filter).await, ["olga@acme.test"]);
    let r = scim_patch(
        &app,
        &format!("/scim/v2/Users/{id}"),
        json!([{"op": "replace", "path": "emails[value eq \"ölga@acme.test\"].type", "value": "other"}]),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let types: Vec<&str> = r.json["emails"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["other", "home"], "{}", r.text);
    // İ folds to a plain i in both.
    assert_eq!(
        found(&app, r#"emails[value eq "inga@home.test"]"#).await,
        ["olga@acme.test"]
    );
    let r = scim_patch(
        &app,
        &format!("/scim/v2/Users/{id}"),
        json!([{"op": "remove", "path": "emails[value eq \"inga@home.test\"]"}]),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["emails"].as_array().unwrap().len(), 1, "{}", r.text);
}
