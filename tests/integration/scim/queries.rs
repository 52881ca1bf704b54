//! Filters on every kind of attribute, sorting, and the same answers from
//! SQLite and PostgreSQL, over a seeded set of users and groups.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::{filter_query, ENTERPRISE, GROUP, USER};
use crate::support::db::TestDb;
use crate::support::TestApp;

/// Seeds six users and four groups; returns userName → id.
async fn seed(app: &TestApp) -> BTreeMap<String, String> {
    let users = vec![
        json!({"schemas": [USER, ENTERPRISE], "userName": "alice@acme.com",
            "name": {"givenName": "Alice", "familyName": "Liddell"}, "title": "Engineer", "userType": "Employee",
            "emails": [{"value": "alice@acme.com", "type": "work", "primary": true}, {"value": "alice@home.org", "type": "home"}],
            "phoneNumbers": [{"value": "+1 555 0100", "type": "work"}],
            "addresses": [{"type": "work", "locality": "Oslo", "country": "NO"}],
            ENTERPRISE: {"department": "Engineering", "employeeNumber": "100"}}),
        json!({"schemas": [USER, ENTERPRISE], "userName": "bob@acme.com", "active": false,
            "name": {"givenName": "Bob", "familyName": "Builder"}, "title": "Manager", "userType": "Contractor",
            "emails": [{"value": "bob@acme.com", "type": "work"}],
            ENTERPRISE: {"department": "Sales", "employeeNumber": "200"}}),
        json!({"schemas": [USER, ENTERPRISE], "userName": "Carol@Acme.com",
            "name": {"familyName": "O'Malley"}, "userType": "Employee",
            "emails": [{"value": "carol@acme.com", "type": "work"}, {"value": "carol@example.org", "type": "other", "primary": true}],
            "addresses": [{"type": "home", "locality": "Bergen"}],
            ENTERPRISE: {"department": "engineering", "costCenter": "CC-9"}}),
        json!({"schemas": [USER], "userName": "dave@example.org", "userType": "Intern", "nickName": "D"}),
        json!({"schemas": [USER, ENTERPRISE], "userName": "erin@acme.com",
            "name": {"givenName": "Erin", "familyName": "liddell"}, "title": "engineer", "locale": "nb-NO",
            "emails": [{"value": "erin@acme.com", "type": "work"}],
            ENTERPRISE: {"department": "Engineering", "manager": {"value": "alice"}}}),
        json!({"schemas": [USER], "userName": "frank@contoso.com", "externalId": "F-1", "displayName": "Frank Castle",
            "emails": [{"value": "frank@contoso.com", "type": "work"}],
            "ims": [{"value": "frank", "type": "xmpp"}]}),
    ];
    let mut ids = BTreeMap::new();
    for body in users {
        let r = app.post("/scim/v2/Users", &body).await;
        assert_eq!(r.status, 201, "{}", r.text);
        ids.insert(
            body["userName"].as_str().unwrap().to_owned(),
            r.json["id"].as_str().unwrap().to_owned(),
        );
    }
    let id = |n: &str| ids[n].clone();
    let groups: Vec<(&str, Vec<String>)> = vec![
        (
            "Engineering",
            vec![
                id("alice@acme.com"),
                id("Carol@Acme.com"),
                id("erin@acme.com"),
            ],
        ),
        ("Sales", vec![id("bob@acme.com")]),
        ("Everyone", ids.values().cloned().collect()),
        ("Empty", vec![]),
    ];
    for (name, members) in groups {
        let members: Vec<Value> = members.iter().map(|m| json!({"value": m})).collect();
        let r = app
            .post(
                "/scim/v2/Groups",
                &json!({"schemas": [GROUP], "displayName": name, "members": members}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
    }
    ids
}

/// The userNames a filter selects, sorted; `None` when the server refused it.
async fn select(app: &TestApp, filter: &str) -> Result<Vec<String>, (u16, String)> {
    let r = app
        .get(&format!(
            "/scim/v2/Users?count=200&filter={}",
            filter_query(filter)
        ))
        .await;
    if r.status != 200 {
        return Err((r.status, r.text));
    }
    let mut names: Vec<String> = r.json["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["userName"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    Ok(names)
}

#[actix_web::test]
async fn json_attribute_filters_select_the_right_users() {
    let app = TestApp::new().await;
    seed(&app).await;
    let dep = format!("{ENTERPRISE}:department");
    let cases: Vec<(String, Vec<&str>)> = vec![
        (
            "title eq \"engineer\"".into(),
            vec!["alice@acme.com", "erin@acme.com"],
        ),
        (
            "title pr".into(),
            vec!["alice@acme.com", "bob@acme.com", "erin@acme.com"],
        ),
        (
            "not (title pr)".into(),
            vec!["Carol@Acme.com", "dave@example.org", "frank@contoso.com"],
        ),
        ("name.familyName co \"'\"".into(), vec!["Carol@Acme.com"]),
        (
            "name.familyName eq \"LIDDELL\"".into(),
            vec!["alice@acme.com", "erin@acme.com"],
        ),
        ("name.givenName sw \"b\"".into(), vec!["bob@acme.com"]),
        (
            "name pr".into(),
            vec![
                "Carol@Acme.com",
                "alice@acme.com",
                "bob@acme.com",
                "erin@acme.com",
            ],
        ),
        (
            "userType eq \"Employee\" and active eq true".into(),
            vec!["Carol@Acme.com", "alice@acme.com"],
        ),
        (
            format!("{dep} eq \"engineering\""),
            vec!["Carol@Acme.com", "alice@acme.com", "erin@acme.com"],
        ),
        (
            format!("{ENTERPRISE}:manager.value eq \"alice\""),
            vec!["erin@acme.com"],
        ),
        (
            format!("{ENTERPRISE}:costCenter pr"),
            vec!["Carol@Acme.com"],
        ),
        (
            format!("schemas eq \"{ENTERPRISE}\""),
            vec![
                "Carol@Acme.com",
                "alice@acme.com",
                "bob@acme.com",
                "erin@acme.com",
            ],
        ),
        (
            "emails.value eq \"CAROL@example.org\"".into(),
            vec!["Carol@Acme.com"],
        ),
        ("emails eq \"bob@acme.com\"".into(), vec!["bob@acme.com"]),
        ("emails co \"example.org\"".into(), vec!["Carol@Acme.com"]),
        ("emails.type eq \"home\"".into(), vec!["alice@acme.com"]),
        (
            "emails[type eq \"work\" and value ew \"@acme.com\"]".into(),
            vec![
                "Carol@Acme.com",
                "alice@acme.com",
                "bob@acme.com",
                "erin@acme.com",
            ],
        ),
        // An address's end (an auditor's "everyone at this domain") is read
        // from the reversed keys; the value filter still tests the element.
        (
            "emails.value ew \"@ACME.com\"".into(),
            vec![
                "Carol@Acme.com",
                "alice@acme.com",
                "bob@acme.com",
                "erin@acme.com",
            ],
        ),
        (
            "emails ew \".org\"".into(),
            vec!["Carol@Acme.com", "alice@acme.com"],
        ),
        (
            "emails[type eq \"home\" and value ew \".ORG\"]".into(),
            vec!["alice@acme.com"],
        ),
        (
            "emails[type eq \"work\" and value ew \".org\"]".into(),
            vec![],
        ),
        (
            "not (emails.value ew \"@acme.com\")".into(),
            vec!["dave@example.org", "frank@contoso.com"],
        ),
        (
            "emails[type eq \"other\" and primary eq true]".into(),
            vec!["Carol@Acme.com"],
        ),
        (
            "emails[primary eq true]".into(),
            vec!["Carol@Acme.com", "alice@acme.com"],
        ),
        ("not (emails pr)".into(), vec!["dave@example.org"]),
        (
            "emails ne \"bob@acme.com\"".into(),
            vec![
                "Carol@Acme.com",
                "alice@acme.com",
                "dave@example.org",
                "erin@acme.com",
                "frank@contoso.com",
            ],
        ),
        (
            "addresses[type eq \"work\" and locality eq \"oslo\"]".into(),
            vec!["alice@acme.com"],
        ),
        // Entra ID's lookup by work email: both tests hold for one value.
        (
            "emails[type eq \"work\"].value eq \"CAROL@acme.com\"".into(),
            vec!["Carol@Acme.com"],
        ),
        (
            "emails[type eq \"work\"].value eq \"carol@example.org\"".into(),
            vec![],
        ),
        (
            "emails[type eq \"home\"].value eq \"alice@home.org\" and active eq true".into(),
            vec!["alice@acme.com"],
        ),
        (
            "addresses[type eq \"work\"].locality eq \"oslo\"".into(),
            vec!["alice@acme.com"],
        ),
        (
            "addresses.locality eq \"Bergen\"".into(),
            vec!["Carol@Acme.com"],
        ),
        (
            "phoneNumbers.value sw \"+1\"".into(),
            vec!["alice@acme.com"],
        ),
        ("ims[type eq \"xmpp\"]".into(), vec!["frank@contoso.com"]),
        (
            "groups.display eq \"engineering\"".into(),
            vec!["Carol@Acme.com", "alice@acme.com", "erin@acme.com"],
        ),
        (
            "groups[display eq \"Sales\"] or nickName eq \"D\"".into(),
            vec!["bob@acme.com", "dave@example.org"],
        ),
        (
            "not (groups[display eq \"Engineering\"]) and emails pr".into(),
            vec!["bob@acme.com", "frank@contoso.com"],
        ),
        (
            "meta.resourceType eq \"User\" and locale eq \"nb-no\"".into(),
            vec!["erin@acme.com"],
        ),
        (
            "displayName sw \"frank\" and externalId eq \"F-1\"".into(),
            vec!["frank@contoso.com"],
        ),
    ];
    for (filter, expected) in cases {
        assert_eq!(select(&app, &filter).await.unwrap(), expected, "{filter}");
    }
}

#[actix_web::test]
async fn groups_filtered_by_members() {
    let app = TestApp::new().await;
    let ids = seed(&app).await;
    let bob = &ids["bob@acme.com"];
    let names = |r: &crate::support::app::TestResponse| -> Vec<String> {
        let mut v: Vec<String> = r.json["Resources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["displayName"].as_str().unwrap().to_owned())
            .collect();
        v.sort();
        v
    };
    let r = app
        .get(&format!(
            "/scim/v2/Groups?filter={}",
            filter_query(&format!("members[value eq \"{bob}\"]"))
        ))
        .await;
    assert_eq!(names(&r), ["Everyone", "Sales"]);
    let r = app
        .get(&format!(
            "/scim/v2/Groups?filter={}",
            filter_query("not (members pr)")
        ))
        .await;
    assert_eq!(names(&r), ["Empty"]);
    let r = app
        .get(&format!(
            "/scim/v2/Groups?excludedAttributes=members&filter={}",
            filter_query("members.type eq \"user\" and displayName sw \"E\"")
        ))
        .await;
    assert_eq!(names(&r), ["Engineering", "Everyone"]);
}

#[actix_web::test]
async fn sorting_by_any_singular_attribute() {
    let app = TestApp::new().await;
    let ids = seed(&app).await;
    let order = |r: &crate::support::app::TestResponse| -> Vec<String> {
        r.json["Resources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["userName"].as_str().unwrap().to_owned())
            .collect()
    };
    let r = app.get("/scim/v2/Users?sortBy=userName").await;
    assert_eq!(
        order(&r),
        [
            "alice@acme.com",
            "bob@acme.com",
            "Carol@Acme.com",
            "dave@example.org",
            "erin@acme.com",
            "frank@contoso.com"
        ]
    );
    let r = app
        .get("/scim/v2/Users?sortBy=userName&sortOrder=descending&count=2")
        .await;
    assert_eq!(order(&r), ["frank@contoso.com", "erin@acme.com"]);
    // Case-insensitive, unassigned last, ties by creation.
    let r = app.get("/scim/v2/Users?sortBy=name.familyName").await;
    assert_eq!(
        order(&r),
        [
            "bob@acme.com",
            "alice@acme.com",
            "erin@acme.com",
            "Carol@Acme.com",
            "dave@example.org",
            "frank@contoso.com"
        ]
    );
    let r = app
        .get(&format!(
            "/scim/v2/Users?sortBy={ENTERPRISE}:employeeNumber&sortOrder=DESCENDING"
        ))
        .await;
    assert_eq!(order(&r)[..2], ["bob@acme.com", "alice@acme.com"]);
    // Multi-valued: by the primary value, else the first.
    let r = app
        .get("/scim/v2/Users?sortBy=emails&filter=emails%20pr")
        .await;
    assert_eq!(
        order(&r),
        [
            "alice@acme.com",
            "bob@acme.com",
            "Carol@Acme.com",
            "erin@acme.com",
            "frank@contoso.com"
        ]
    );
    // Joining "Everyone" last modified every user at once; a change to
    // frank's groups moves him ahead.
    let r = app
        .post(
            "/scim/v2/Groups",
            &json!({"schemas": [GROUP], "displayName": "Contoso",
                    "members": [{"value": ids["frank@contoso.com"]}]}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let r = app
        .get("/scim/v2/Users?sortBy=meta.lastModified&sortOrder=descending&count=1")
        .await;
    assert_eq!(order(&r), ["frank@contoso.com"]);
    let r = app.get("/scim/v2/Users?sortBy=name").await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json["scimType"], "invalidValue");
    let r = app
        .get("/scim/v2/Users?sortBy=userName&sortOrder=sideways")
        .await;
    assert_eq!(
        r.json["detail"],
        "sortOrder must be \"ascending\" or \"descending\"; got \"sideways\""
    );
}

/// 100+ filters over every attribute kind and operator.
fn generated_filters() -> Vec<String> {
    let dep = format!("{ENTERPRISE}:department");
    let num = format!("{ENTERPRISE}:employeeNumber");
    let mgr = format!("{ENTERPRISE}:manager.value");
    let attrs = [
        "userName",
        "name.givenName",
        "name.familyName",
        "title",
        "userType",
        "displayName",
        "nickName",
        "locale",
        "externalId",
        "emails",
        "emails.value",
        "emails.type",
        "addresses.locality",
        "phoneNumbers.value",
        "ims.value",
        "groups.display",
        dep.as_str(),
        num.as_str(),
        mgr.as_str(),
    ];
    let values = [
        "a", "Alice", "engineer", "ACME.COM", "o", "L", "1", "Eng", "liddell",
    ];
    let ops = ["eq", "ne", "co", "sw", "ew", "gt", "lt", "ge", "le"];
    let mut out = Vec::new();
    for (i, attr) in attrs.iter().enumerate() {
        out.push(format!("{attr} pr"));
        for (j, op) in ops.iter().enumerate() {
            let value = values[(i + j) % values.len()];
            out.push(format!("{attr} {op} \"{value}\""));
        }
    }
    out.extend(
        [
            "active eq true",
            "active eq false",
            "active ne false",
            "meta.created gt \"2000-01-01T00:00:00Z\"",
            "emails[type eq \"work\" and value co \"acme\"]",
            "emails[primary eq true] or title pr",
            "not (emails[type eq \"home\"]) and active eq true",
            "(title pr or nickName pr) and not (userType eq \"Intern\")",
            "addresses[type eq \"home\" or locality sw \"O\"]",
            "groups[display eq \"Sales\" or display eq \"Engineering\"]",
            "userName gt \"b\" and userName lt \"e\"",
            "name.familyName ge \"l\" or name.givenName le \"b\"",
            "emails.value ew \".org\" and not (emails.value ew \".com\")",
            "schemas eq \"urn:ietf:params:scim:schemas:core:2.0:User\"",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    out
}

#[actix_web::test]
async fn the_same_filters_give_the_same_answers_on_sqlite_and_postgresql() {
    let filters = generated_filters();
    assert!(filters.len() >= 100, "{}", filters.len());
    let sqlite = TestApp::builder().database(TestDb::sqlite()).start().await;
    seed(&sqlite).await;
    let mut answers = Vec::new();
    for f in &filters {
        let got = select(&sqlite, f).await;
        assert!(got.is_ok(), "{f}: {got:?}");
        answers.push(got);
    }
    let non_empty = answers
        .iter()
        .filter(|a| a.as_ref().is_ok_and(|v| !v.is_empty()))
        .count();
    let partial = answers
        .iter()
        .filter(|a| a.as_ref().is_ok_and(|v| !v.is_empty() && v.len() < 6))
        .count();
    assert!(
        non_empty > 60 && partial > 40,
        "the seed must make the filters discriminate: {non_empty} non-empty, {partial} partial"
    );
    // The PostgreSQL half runs when the suite runs against PostgreSQL (CI does both).
    let Ok(url) = std::env::var("GATEHOUSE_TEST_POSTGRES") else {
        return;
    };
    let postgres = TestApp::builder()
        .database(TestDb::postgres(&url))
        .start()
        .await;
    seed(&postgres).await;
    for (f, expected) in filters.iter().zip(&answers) {
        assert_eq!(&select(&postgres, f).await, expected, "{f}");
    }
}
