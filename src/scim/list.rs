//! List and query parameters (RFC 7644 §3.4.2) and the ListResponse body.

use serde::Serialize;
use serde_json::Value;

use super::error::ScimError;

/// The query parameters of a list or search request, before they are
/// checked against schemas.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListParams {
    pub filter: Option<String>,
    /// 1-based index of the first result (RFC 7644 §3.4.2.4).
    pub start_index: u64,
    /// Page size asked for; `None` means the server's maximum.
    pub count: Option<u64>,
    pub sort_by: Option<String>,
    pub sort_order: Option<String>,
    pub attributes: Option<String>,
    pub excluded_attributes: Option<String>,
    /// RFC 9865 cursor; `Some("")` asks for the first page of cursor paging.
    pub cursor: Option<String>,
    /// Whether `startIndex` was sent (it cannot be mixed with `cursor`).
    pub start_index_sent: bool,
}

/// The `name=value` pairs of a query string, decoded (`+` is a space).
/// Text that isn't UTF-8 once decoded (`%FF`) is refused: read lossily it
/// would become U+FFFD and the request would answer another question.
fn query_pairs(query: &str) -> Result<Vec<(String, String)>, ScimError> {
    let decode = |text: &str| {
        let spaced = text.replace('+', " ");
        percent_encoding::percent_decode_str(&spaced)
            .decode_utf8()
            .map(|s| s.into_owned())
            .map_err(|_| {
                ScimError::invalid_value(
                    "the query string is not UTF-8 once percent-decoded (e.g. %FF)",
                )
            })
    };
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            Ok((decode(name)?, decode(value)?))
        })
        .collect()
}

impl ListParams {
    /// Reads the parameters from a URL query string. Names are matched
    /// case-insensitively because IdPs disagree on their case.
    pub fn from_query(query: &str) -> Result<ListParams, ScimError> {
        let mut params = ListParams {
            start_index: 1,
            ..ListParams::default()
        };
        for (name, value) in query_pairs(query)? {
            match name.to_ascii_lowercase().as_str() {
                "filter" => params.filter = Some(value),
                "startindex" => {
                    params.start_index = parse_start_index(&value)?;
                    params.start_index_sent = true;
                }
                "cursor" => params.cursor = Some(value),
                "count" => params.count = Some(parse_count(&value)?),
                "sortby" => params.sort_by = Some(value),
                "sortorder" => params.sort_order = Some(value),
                "attributes" => params.attributes = Some(value),
                "excludedattributes" => params.excluded_attributes = Some(value),
                _ => {}
            }
        }
        Ok(params)
    }

    /// Reads a SearchRequest body (RFC 7644 §3.4.3), the POST form of the
    /// same parameters.
    pub fn from_search_request(body: &Value) -> Result<ListParams, ScimError> {
        let object = body
            .as_object()
            .ok_or_else(|| ScimError::invalid_syntax("the request body must be a JSON object"))?;
        if let Some(schemas) = object.get("schemas") {
            let listed = schemas.as_array().is_some_and(|s| {
                s.iter().any(|u| {
                    u.as_str()
                        .is_some_and(|u| u.eq_ignore_ascii_case(super::SEARCH_REQUEST_URN))
                })
            });
            if !listed {
                return Err(ScimError::invalid_syntax(format!(
                    "'schemas' must include \"{}\"",
                    super::SEARCH_REQUEST_URN
                )));
            }
        }
        let mut params = ListParams {
            start_index: 1,
            ..ListParams::default()
        };
        for (name, value) in object {
            let text = || -> Result<String, ScimError> {
                value
                    .as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| ScimError::invalid_value(format!("'{name}' must be a string")))
            };
            let integer = || -> Result<i64, ScimError> {
                value
                    .as_i64()
                    .ok_or_else(|| ScimError::invalid_value(format!("'{name}' must be an integer")))
            };
            let list = || -> Result<String, ScimError> {
                match value {
                    Value::String(s) => Ok(s.clone()),
                    Value::Array(items) => items
                        .iter()
                        .map(|i| i.as_str().map(str::to_owned))
                        .collect::<Option<Vec<_>>>()
                        .map(|v| v.join(","))
                        .ok_or_else(|| {
                            ScimError::invalid_value(format!(
                                "'{name}' must be a list of attribute names"
                            ))
                        }),
                    _ => Err(ScimError::invalid_value(format!(
                        "'{name}' must be a list of attribute names"
                    ))),
                }
            };
            match name.to_ascii_lowercase().as_str() {
                "filter" => params.filter = Some(text()?),
                "startindex" => {
                    params.start_index = integer()?.max(1) as u64;
                    params.start_index_sent = true;
                }
                "cursor" => params.cursor = Some(text()?),
                "count" => params.count = Some(integer()?.max(0) as u64),
                "sortby" => params.sort_by = Some(text()?),
                "sortorder" => params.sort_order = Some(text()?),
                "attributes" => params.attributes = Some(list()?),
                "excludedattributes" => params.excluded_attributes = Some(list()?),
                _ => {}
            }
        }
        Ok(params)
    }

    /// The page size to use: what was asked, never more than `max`.
    pub fn page_size(&self, max: u64) -> u64 {
        self.count.unwrap_or(max).min(max)
    }
}

/// startIndex below 1 is read as 1 (RFC 7644 §3.4.2.4).
fn parse_start_index(value: &str) -> Result<u64, ScimError> {
    let n: i64 = value.trim().parse().map_err(|_| {
        ScimError::invalid_value(format!("startIndex must be an integer; got \"{value}\""))
    })?;
    Ok(n.max(1) as u64)
}

/// A negative count is read as 0 (RFC 7644 §3.4.2.4).
fn parse_count(value: &str) -> Result<u64, ScimError> {
    let n: i64 = value.trim().parse().map_err(|_| {
        ScimError::invalid_value(format!("count must be an integer; got \"{value}\""))
    })?;
    Ok(n.max(0) as u64)
}

/// The ListResponse body (RFC 7644 §3.4.2): `startIndex` on a page found
/// by index, the cursors on a page found by cursor (RFC 9865). Written
/// straight from its resources, which need not be `Value`s: a page of
/// projected views is serialised without copying a resource.
#[derive(Debug, Serialize)]
pub struct ListResponse<R> {
    schemas: [&'static str; 1],
    #[serde(rename = "totalResults")]
    total_results: u64,
    #[serde(rename = "startIndex", skip_serializing_if = "Option::is_none")]
    start_index: Option<u64>,
    #[serde(rename = "itemsPerPage")]
    items_per_page: usize,
    #[serde(rename = "nextCursor", skip_serializing_if = "Option::is_none")]
    next_cursor: Option<String>,
    #[serde(rename = "previousCursor", skip_serializing_if = "Option::is_none")]
    previous_cursor: Option<String>,
    #[serde(rename = "Resources")]
    resources: Vec<R>,
}

impl<R> ListResponse<R> {
    /// A page found by `startIndex`.
    pub fn indexed(total: u64, start_index: u64, resources: Vec<R>) -> ListResponse<R> {
        ListResponse {
            schemas: [super::LIST_RESPONSE_URN],
            total_results: total,
            start_index: Some(start_index),
            items_per_page: resources.len(),
            next_cursor: None,
            previous_cursor: None,
            resources,
        }
    }

    /// A page found by cursor, with the cursors to the pages beside it.
    pub fn cursored(
        total: u64,
        next: Option<String>,
        previous: Option<String>,
        resources: Vec<R>,
    ) -> ListResponse<R> {
        ListResponse {
            schemas: [super::LIST_RESPONSE_URN],
            total_results: total,
            start_index: None,
            items_per_page: resources.len(),
            next_cursor: next,
            previous_cursor: previous,
            resources,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_parameters() {
        let cases: Vec<(&str, ListParams)> = vec![
            (
                "",
                ListParams {
                    start_index: 1,
                    ..Default::default()
                },
            ),
            (
                "filter=userName%20eq%20%22bjensen%22&startIndex=3&count=10",
                ListParams {
                    filter: Some("userName eq \"bjensen\"".into()),
                    start_index: 3,
                    start_index_sent: true,
                    count: Some(10),
                    ..Default::default()
                },
            ),
            (
                "startindex=0&COUNT=-5&sortBy=userName&sortOrder=descending",
                ListParams {
                    start_index: 1,
                    start_index_sent: true,
                    count: Some(0),
                    sort_by: Some("userName".into()),
                    sort_order: Some("descending".into()),
                    ..Default::default()
                },
            ),
            (
                "attributes=userName,emails&excludedAttributes=members&unknown=1&cursor=",
                ListParams {
                    start_index: 1,
                    attributes: Some("userName,emails".into()),
                    excluded_attributes: Some("members".into()),
                    cursor: Some(String::new()),
                    ..Default::default()
                },
            ),
            (
                "filter=displayName+eq+%22a+b%22",
                ListParams {
                    filter: Some("displayName eq \"a b\"".into()),
                    start_index: 1,
                    ..Default::default()
                },
            ),
        ];
        for (query, expected) in cases {
            assert_eq!(ListParams::from_query(query).unwrap(), expected, "{query}");
        }
        for bad in ["startIndex=x", "count=1.5", "count="] {
            let err = ListParams::from_query(bad).unwrap_err();
            assert_eq!(
                err.scim_type,
                Some(crate::scim::ScimType::InvalidValue),
                "{bad}"
            );
        }
    }

    #[test]
    fn search_request_bodies() {
        let body = serde_json::json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
            "attributes": ["displayName", "userName"],
            "excludedAttributes": "emails",
            "filter": "displayName sw \"smith\"",
            "startIndex": 0,
            "count": 10,
            "sortBy": "userName",
            "sortOrder": "descending"
        });
        assert_eq!(
            ListParams::from_search_request(&body).unwrap(),
            ListParams {
                filter: Some("displayName sw \"smith\"".into()),
                start_index: 1,
                count: Some(10),
                sort_by: Some("userName".into()),
                sort_order: Some("descending".into()),
                attributes: Some("displayName,userName".into()),
                excluded_attributes: Some("emails".into()),
                cursor: None,
                start_index_sent: true,
            }
        );
        assert_eq!(
            ListParams::from_search_request(&serde_json::json!({})).unwrap(),
            ListParams {
                start_index: 1,
                ..Default::default()
            }
        );
        for bad in [
            serde_json::json!([]),
            serde_json::json!({"schemas": ["urn:other"]}),
            serde_json::json!({"count": "ten"}),
            serde_json::json!({"filter": 7}),
            serde_json::json!({"attributes": [1]}),
        ] {
            assert_eq!(
                ListParams::from_search_request(&bad).unwrap_err().status,
                400,
                "{bad}"
            );
        }
    }

    #[test]
    fn page_size_is_capped() {
        let p = ListParams {
            count: Some(500),
            ..Default::default()
        };
        assert_eq!(p.page_size(100), 100);
        let p = ListParams {
            count: None,
            ..Default::default()
        };
        assert_eq!(p.page_size(100), 100);
        let p = ListParams {
            count: Some(0),
            ..Default::default()
        };
        assert_eq!(p.page_size(100), 0);
    }
}
