//! What a list request asks of the store, checked and typed: the parsed
//! filter, the order, where the page starts and how long it is. Built
//! from `ListParams` here, without a database; the store compiles it to
//! SQL for its backend (`store::sql_filter::ListQuery::compile`).

use super::filter::{self, Filter};
use super::list::ListParams;
use super::ScimError;

/// The order of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListOrder {
    /// By `sortBy` (creation order when `None`), then creation order.
    Sorted {
        by: Option<String>,
        descending: bool,
    },
    /// Creation order only, as cursor paging walks it.
    Creation { descending: bool },
}

/// A position in creation order: a cursor's row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    pub created_us: i64,
    pub id: String,
    /// Rows after the position (else before it).
    pub after: bool,
}

/// A list request as the store runs it.
#[derive(Debug, Clone, PartialEq)]
pub struct ListRequest {
    pub filter: Option<Filter>,
    pub order: ListOrder,
    /// Narrows the page (cursor paging), not the total.
    pub position: Option<Position>,
    pub offset: u64,
    pub limit: u64,
    /// Whether the matches are counted for `totalResults`: a cursor walk
    /// counts on its first page only (`cursor::CursorPage`).
    pub count_total: bool,
}

impl ListRequest {
    /// The request `startIndex`/`count` paging makes of `params`; pages
    /// are at most `max_page` long.
    pub fn paged(params: &ListParams, max_page: u64) -> Result<ListRequest, ScimError> {
        let descending = match params
            .sort_order
            .as_deref()
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            None | Some("ascending") => false,
            Some("descending") => true,
            Some(other) => {
                return Err(ScimError::invalid_value(format!(
                    "sortOrder must be \"ascending\" or \"descending\"; got \"{other}\""
                )))
            }
        };
        Ok(ListRequest {
            filter: parse_filter(params)?,
            order: ListOrder::Sorted {
                by: params.sort_by.clone(),
                descending,
            },
            position: None,
            offset: params.start_index.saturating_sub(1),
            limit: params.page_size(max_page),
            count_total: true,
        })
    }

    /// The same rows in creation order from `position` on (cursor paging),
    /// `limit` of them.
    pub fn from_position(
        params: &ListParams,
        position: Option<Position>,
        descending: bool,
        limit: u64,
    ) -> Result<ListRequest, ScimError> {
        Ok(ListRequest {
            filter: parse_filter(params)?,
            order: ListOrder::Creation { descending },
            position,
            offset: 0,
            limit,
            count_total: true,
        })
    }
}

fn parse_filter(params: &ListParams) -> Result<Option<Filter>, ScimError> {
    params
        .filter
        .as_deref()
        .map(|text| filter::parse(text).map_err(|e| ScimError::invalid_filter(format!("{e}"))))
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scim::ScimType;

    fn params(query: &str) -> ListParams {
        ListParams::from_query(query).unwrap()
    }

    #[test]
    fn paged_requests() {
        /// offset, limit, order, whether a filter came; or the error.
        type Want = Result<(u64, u64, ListOrder, bool), ScimType>;
        let cases: Vec<(&str, Want)> = vec![
            (
                "",
                Ok((
                    0,
                    100,
                    ListOrder::Sorted {
                        by: None,
                        descending: false,
                    },
                    false,
                )),
            ),
            (
                "startIndex=11&count=5",
                Ok((
                    10,
                    5,
                    ListOrder::Sorted {
                        by: None,
                        descending: false,
                    },
                    false,
                )),
            ),
            (
                "count=1000",
                Ok((
                    0,
                    100,
                    ListOrder::Sorted {
                        by: None,
                        descending: false,
                    },
                    false,
                )),
            ),
            (
                "sortBy=userName&sortOrder=DESCENDING&filter=active%20eq%20true",
                Ok((
                    0,
                    100,
                    ListOrder::Sorted {
                        by: Some("userName".into()),
                        descending: true,
                    },
                    true,
                )),
            ),
            ("sortOrder=sideways", Err(ScimType::InvalidValue)),
            ("filter=userName%20eq", Err(ScimType::InvalidFilter)),
        ];
        for (query, want) in cases {
            let got = ListRequest::paged(&params(query), 100);
            match (got, want) {
                (Ok(r), Ok((offset, limit, order, filtered))) => {
                    assert_eq!(
                        (r.offset, r.limit, r.order, r.filter.is_some()),
                        (offset, limit, order, filtered),
                        "{query}"
                    );
                    assert_eq!(r.position, None);
                }
                (Err(e), Err(t)) => assert_eq!(e.scim_type, Some(t), "{query}"),
                (got, want) => panic!("{query}: {got:?} vs {want:?}"),
            }
        }
    }

    #[test]
    fn cursor_requests_walk_creation_order() {
        let at = Position {
            created_us: 5,
            id: "x".into(),
            after: false,
        };
        let r = ListRequest::from_position(
            &params("count=3&sortBy=userName"),
            Some(at.clone()),
            true,
            4,
        )
        .unwrap();
        assert_eq!(r.order, ListOrder::Creation { descending: true });
        assert_eq!((r.offset, r.limit, r.position), (0, 4, Some(at)));
    }
}
