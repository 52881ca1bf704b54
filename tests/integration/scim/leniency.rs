//! Endpoint names and query strings as IdPs write them: any case, trailing
//! slashes, a trailing `?` or `&`, the per-directory base URL,
//! `serviceConfiguration` for `ServiceProviderConfig`, an empty
//! `User-Agent`.

use actix_web::http::Method;

use super::filter_query;
use crate::support::TestApp;

/// Leniency Microsoft's SCIM test collection and real IdPs rely on: none of
/// it changes the answer to a well-formed request.
#[actix_web::test]
async fn endpoint_names_and_query_strings_as_idps_write_them() {
    let app = TestApp::new().await;
    let dir = format!("/scim/v2/directories/{}", app.directory.id);
    let r = app
        .post("/scim/v2/Users/", &super::user_body("ann@example.com"))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert!(r
        .header("location")
        .unwrap()
        .ends_with(&format!("/Users/{}", r.json["id"].as_str().unwrap())));
    let id = r.json["id"].as_str().unwrap().to_owned();
    for path in [
        "/scim/v2/users".to_owned(),
        "/scim/v2/USERS/".to_owned(),
        format!("{dir}/users"),
        format!("/scim/v2/users/{id}/"),
        "/scim/v2/groups".to_owned(),
        "/scim/v2/serviceConfiguration".to_owned(),
        "/scim/v2/serviceproviderconfig/".to_owned(),
        "/scim/v2/resourcetypes".to_owned(),
        "/scim/v2/Users?".to_owned(),
        format!(
            "/scim/v2/Users?filter={}&",
            filter_query("userName eq \"ann@example.com\"")
        ),
        format!("/scim/v2/Users?filter={}", filter_query("userName sw ann")),
        format!(
            "/scim/v2/Users/{id}?attributes={}",
            filter_query("emails[type eq \"work\"]")
        ),
    ] {
        let r = app
            .request(Method::GET, &path)
            .header("User-Agent", "")
            .send()
            .await;
        assert_eq!(r.status, 200, "{path}: {}", r.text);
    }
    let r = app
        .get(&format!(
            "/scim/v2/Users?filter={}&",
            filter_query("userName sw ann")
        ))
        .await;
    assert_eq!(r.json["totalResults"], 1);
    let r = app
        .get(&format!(
            "/scim/v2/Users/{id}?attributes={}",
            filter_query("emails[type eq \"work\"]")
        ))
        .await;
    assert_eq!(r.json["emails"][0]["value"], "ann@example.com");
    assert!(r.json.get("name").is_none());
    let r = app.get("/scim/v2/serviceConfiguration").await;
    assert_eq!(r.json["patch"]["supported"], true);
    // Anything else is still no endpoint.
    assert_eq!(app.get("/scim/v2/Userz").await.status, 404);
}
