//! The OpenAPI 3.1 description of the admin API and the product API, kept
//! beside the routes it describes (a test holds it to exactly the routed
//! operations; another sends a request to every operation it lists, and
//! checks every limit it states is the one enforced).

use actix_web::HttpResponse;

/// The document, as served.
pub const DOCUMENT: &str = include_str!("openapi.json");

/// `GET /admin/v1/openapi.json` (no token needed: it describes, it grants nothing).
pub async fn document() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(DOCUMENT)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use serde_json::Value;

    #[test]
    fn the_document_describes_exactly_the_routes() {
        let doc: Value = serde_json::from_str(super::DOCUMENT).unwrap();
        let documented: BTreeSet<(String, String)> = doc["paths"]
            .as_object()
            .unwrap()
            .iter()
            .flat_map(|(path, item)| {
                item.as_object()
                    .unwrap()
                    .keys()
                    .map(move |m| (m.clone(), path.clone()))
            })
            .collect();
        let admin = super::super::operation_list()
            .into_iter()
            .map(|(m, p)| (m, format!("/admin/v1{p}")));
        let product = crate::http::api::operation_list()
            .into_iter()
            .map(|(m, p)| (m, format!("/api/v1{p}")));
        let routed: BTreeSet<(String, String)> = admin.chain(product).collect();
        let undocumented: Vec<_> = routed.difference(&documented).collect();
        let unrouted: Vec<_> = documented.difference(&routed).collect();
        assert!(
            undocumented.is_empty(),
            "routed but not documented: {undocumented:?}"
        );
        assert!(
            unrouted.is_empty(),
            "documented but not routed: {unrouted:?}"
        );
    }
}
