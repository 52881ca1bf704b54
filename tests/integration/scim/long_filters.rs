//! Long filters: the `or` chains auditors and scripts send answer right on
//! both databases, and a filter longer than the operator limit is a 400,
//! never a database error.

use serde_json::json;

use super::{user_body, ERROR};
use crate::support::TestApp;

const SEARCH: &str = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";

/// The userNames `filter` finds, through `POST /Users/.search` (a long
/// filter doesn't fit in a URL).
async fn search(app: &TestApp, filter: &str) -> (u16, serde_json::Value) {
    let body = json!({"schemas": [SEARCH], "filter": filter, "count": 200});
    let r = app.post("/scim/v2/Users/.search", &body).await;
    (r.status, r.json)
}

fn names(body: &serde_json::Value) -> Vec<String> {
    let mut names: Vec<String> = body["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["userName"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

#[actix_web::test]
async fn or_chains_of_equalities_find_every_match() {
    let app = TestApp::new().await;
    for i in 0..20 {
        let mut body = user_body(&format!("user{i:02}@acme.test"));
        body["externalId"] = json!(format!("ext-{i}"));
        assert_eq!(app.post("/scim/v2/Users", &body).await.status, 201);
    }
    // 300 addresses, three of them held (in another case than stored).
    let mut wanted: Vec<String> = (100..397).map(|i| format!("nobody{i}@acme.test")).collect();
    wanted.extend(["USER03@acme.test", "user07@ACME.test", "User19@acme.test"].map(String::from));
    let emails = wanted
        .iter()
        .map(|e| format!("value eq \"{e}\""))
        .collect::<Vec<_>>()
        .join(" or ");
    let user_names = wanted
        .iter()
        .map(|e| format!("userName eq \"{e}\""))
        .collect::<Vec<_>>()
        .join(" or ");
    let found = ["user03@acme.test", "user07@acme.test", "user19@acme.test"];
    for filter in [format!("emails[{emails}]"), user_names] {
        let (status, body) = search(&app, &filter).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(names(&body), found);
        assert_eq!(body["totalResults"], 3);
    }
    // externalId is caseExact: only the exact spelling matches.
    let (status, body) = search(
        &app,
        "externalId eq \"ext-1\" or externalId eq \"EXT-2\" or externalId eq \"ext-3\"",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(names(&body), ["user01@acme.test", "user03@acme.test"]);
}

#[actix_web::test]
async fn the_operator_limit_is_a_400_on_both_databases() {
    let app = TestApp::new().await;
    assert_eq!(
        app.post("/scim/v2/Users", &user_body("ann@acme.test"))
            .await
            .status,
        201
    );
    // Mixed attributes, so nothing folds into a set: every operator nests.
    let clause = |i: usize| match i % 3 {
        0 => format!("userName eq \"u{i}@acme.test\""),
        1 => format!("emails[type eq \"work\" and value eq \"e{i}@acme.test\"]"),
        _ => format!("name.familyName eq \"f{i}\""),
    };
    // Clauses joined by `or` until the filter holds `operators` of them
    // (the `and` inside a value path counts too).
    let filter = |operators: usize| {
        let mut clauses = vec!["userName eq \"ann@acme.test\"".to_owned()];
        let mut count = 0;
        while count < operators {
            let next = clause(clauses.len());
            let cost = 1 + next.matches(" and ").count();
            if count + cost > operators {
                clauses.push(clause(0));
                count += 1;
            } else {
                clauses.push(next);
                count += cost;
            }
        }
        clauses.join(" or ")
    };
    let limit = gatehouse::scim::filter::MAX_OPERATORS;
    let (status, body) = search(&app, &filter(limit)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(names(&body), ["ann@acme.test"]);
    // The shapes that broke SQLite below the old limit of 1,000: 990 `and`s
    // overflowed a reader's stack (the process aborted), 990 `or`s of a
    // multi-valued `sw` passed SQLite's expression depth (a 500).
    let ands = (0..=limit)
        .map(|i| format!("userName ne \"u{i}@acme.test\""))
        .collect::<Vec<_>>()
        .join(" and ");
    let ors = (0..=limit)
        .map(|i| format!("emails.value sw \"ann{i}\""))
        .chain(["emails.value sw \"ann@\"".to_owned()])
        .skip(1)
        .collect::<Vec<_>>()
        .join(" or ");
    for filter in [ands, ors] {
        let (status, body) = search(&app, &filter).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(names(&body), ["ann@acme.test"]);
    }

    let (status, body) = search(&app, &filter(limit + 1)).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["schemas"], json!([ERROR]));
    assert_eq!(body["scimType"], "invalidFilter");
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("too many logical operators"),
        "{body}"
    );
}
