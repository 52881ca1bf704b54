//! Each admin role against every console page and form: signed in with a
//! token carrying the role, a page or form its role doesn't open answers
//! 403 naming the role needed and the role held; one it opens does not.
//! (The expected table is written out here, not read from the server's.)

use super::client::Console;
use crate::support::TestApp;

/// O org-admin, S site-admin, U user-access-admin, A auditor.
const PAGES: &[(&str, &str, &str)] = &[
    ("GET", "/console", "OSUA"),
    ("GET", "/console/directories", "OSUA"),
    ("POST", "/console/directories", "O"),
    ("POST", "/console/directories/{id}/tokens", "O"),
    (
        "POST",
        "/console/directories/{id}/tokens/{token}/revoke",
        "O",
    ),
    ("GET", "/console/products", "OSUA"),
    ("POST", "/console/products", "OS"),
    ("POST", "/console/products/{key}", "OS"),
    ("POST", "/console/sites", "O"),
    ("GET", "/console/mappings", "OSUA"),
    ("POST", "/console/mappings", "OS"),
    ("GET", "/console/mappings/groups", "OSUA"),
    ("POST", "/console/mappings/{id}/delete", "OS"),
    ("GET", "/console/policy", "OSUA"),
    ("POST", "/console/policy", "OS"),
    ("POST", "/console/policy/it-only", "OS"),
    ("GET", "/console/requests", "OSUA"),
    ("POST", "/console/requests/{id}/approve", "OSU"),
    ("POST", "/console/requests/{id}/deny", "OSU"),
    ("GET", "/console/people", "OSUA"),
    ("GET", "/console/people/search", "OSUA"),
    ("GET", "/console/people/{id}", "OSUA"),
    (
        "POST",
        "/console/people/{person}/accounts/{account}/suspend",
        "O",
    ),
    (
        "POST",
        "/console/people/{person}/accounts/{account}/restore",
        "O",
    ),
    ("GET", "/console/guests", "OSUA"),
    ("POST", "/console/guests/{id}/remove", "OS"),
    ("GET", "/console/reports", "OA"),
    ("GET", "/console/reports/non-synced", "OA"),
    ("GET", "/console/reports/leavers", "OA"),
    ("GET", "/console/reports/access.csv", "OA"),
    ("GET", "/console/reports/non-synced.csv", "OA"),
    ("GET", "/console/audit", "OA"),
    ("GET", "/console/audit/download", "OA"),
    ("GET", "/console/admins", "OA"),
    ("POST", "/console/admins", "O"),
    ("POST", "/console/admins/{id}/revoke", "O"),
    ("POST", "/console/sign-out", "OSUA"),
];

fn fill(path: &str) -> String {
    path.replace("{key}", "no-such-product")
        .replace("{token}", "no-such-token")
        .replace("{person}", "no-such-person")
        .replace("{account}", "no-such-account")
        .replace("{id}", "no-such-id")
}

#[actix_web::test]
async fn each_role_opens_exactly_its_console_pages_and_forms() {
    let app = TestApp::new().await;
    app.create_product("acme", "jira-software", None).await;
    let roles = app.role_tokens().await;
    // The table names every console page that needs a session.
    let mut served: Vec<(String, String)> = gatehouse::http::console::page_list()
        .into_iter()
        .filter(|(_, p)| {
            !p.starts_with("/sign-in")
                && !p.starts_with("/oidc")
                && !p.starts_with("/assets")
                && *p != "/"
        })
        .map(|(m, p)| (m, format!("/console{p}")))
        .collect();
    let mut tabled: Vec<(String, String)> = PAGES
        .iter()
        .map(|(m, p, _)| (m.to_string(), p.to_string()))
        .collect();
    served.sort();
    tabled.sort();
    assert_eq!(
        served, tabled,
        "the role table and the console's pages differ"
    );

    let mut wrong = Vec::new();
    for (letter, role, token) in &roles {
        for (verb, path, who) in PAGES {
            // Sign-out ends the session: a fresh one for every request.
            let mut console = Console::new(&app);
            let signed = console.post("/console/sign-in", &[("token", token)]).await;
            assert_eq!(signed.status, 303, "{role}: {}", signed.text);
            let path = fill(path);
            let page = if *verb == "GET" {
                console.get(&path).await
            } else {
                console.submit("/console", &path, &[]).await
            };
            let admitted = who.contains(*letter);
            let at_door = page.status == 403 && page.text.contains("this route needs");
            if admitted == at_door || page.status == 401 {
                wrong.push(format!("{role} {verb} {path}: {}", page.status));
            }
            if at_door && !page.text.contains(role) {
                wrong.push(format!("{role} {verb} {path}: 403 without naming {role}"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
