//! Cursor paging (RFC 9865). A cursor names the row a page ends (or
//! starts) at by its position in the creation order, so pages stay
//! consistent while resources are added or removed: no row is skipped or
//! repeated. It also carries a digest of the query it belongs to, so a
//! cursor cannot be replayed against a different filter.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::error::{ScimError, ScimType};
use super::list::ListParams;
use super::query::{ListRequest, Position};
use super::schema::ResourceKind;

/// Which way a cursor pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Direction {
    /// Rows after the position (`nextCursor`).
    #[serde(rename = "n")]
    Next,
    /// Rows before the position (`previousCursor`).
    #[serde(rename = "p")]
    Previous,
}

/// A decoded cursor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    /// Creation time (µs) of the row at the position.
    #[serde(rename = "c")]
    pub created_us: i64,
    /// Id of the row at the position.
    #[serde(rename = "i")]
    pub id: String,
    #[serde(rename = "d")]
    pub direction: Direction,
    /// Digest of the query this cursor pages through.
    #[serde(rename = "q")]
    pub query: String,
    /// The matches counted on the walk's first page. Counting them again
    /// on every page cost more than reading it (27 of 38 ms a page at a
    /// million users), so a walk counts once and every later page reports
    /// that count (RFC 9865 lets a server leave the total out altogether).
    #[serde(rename = "t", default, skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
}

/// The digest of a query: resource type and filter text.
pub fn query_digest(resource_type: &str, filter: Option<&str>) -> String {
    let mut hash = Sha256::new();
    hash.update(resource_type.as_bytes());
    hash.update([0]);
    hash.update(filter.unwrap_or("").as_bytes());
    let digest = hash.finalize();
    hex::encode(digest.get(..8).unwrap_or_default())
}

fn invalid_cursor(detail: &str) -> ScimError {
    ScimError::bad_request(ScimType::InvalidCursor, detail.to_owned())
}

impl Cursor {
    /// The opaque text sent to clients.
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(self).unwrap_or_default())
    }

    /// Reads a cursor sent back by a client for the query with `digest`.
    pub fn decode(text: &str, digest: &str) -> Result<Cursor, ScimError> {
        let bytes = URL_SAFE_NO_PAD
            .decode(text.trim())
            .map_err(|_| invalid_cursor("the cursor is not one this server issued"))?;
        let cursor: Cursor = serde_json::from_slice(&bytes)
            .map_err(|_| invalid_cursor("the cursor is not one this server issued"))?;
        if cursor.query != digest {
            return Err(invalid_cursor(
                "the cursor belongs to a different query (resource type or filter)",
            ));
        }
        Ok(cursor)
    }
}

/// One page of cursor paging, planned before the read and finished after
/// it: which rows to ask for, and which cursors the page then carries.
#[derive(Debug, Clone)]
pub struct CursorPage {
    digest: String,
    from: Option<Cursor>,
    size: u64,
}

/// A page's rows in order and the cursors around them.
#[derive(Debug)]
pub struct CursorMarks<R> {
    pub rows: Vec<R>,
    pub next: Option<String>,
    pub previous: Option<String>,
}

impl CursorPage {
    /// Plans the page `params` asks for (its `cursor` set) over resources
    /// of `kind`; pages are at most `max_page` long.
    pub fn plan(
        kind: ResourceKind,
        params: &ListParams,
        max_page: u64,
    ) -> Result<(CursorPage, ListRequest), ScimError> {
        if params.start_index_sent {
            return Err(ScimError::invalid_value(
                "startIndex and cursor cannot be used together; page with one or the other",
            ));
        }
        if params.sort_by.is_some() {
            return Err(ScimError::invalid_value(
                "sortBy cannot be combined with cursor: cursors follow creation order; page with startIndex to sort",
            ));
        }
        let size = params.count.unwrap_or(max_page);
        if size > max_page {
            return Err(ScimError::bad_request(
                ScimType::InvalidCount,
                format!("count {size} is above the maximum page size {max_page}"),
            ));
        }
        let digest = query_digest(kind.name(), params.filter.as_deref());
        let from = match params.cursor.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => Some(Cursor::decode(text, &digest)?),
        };
        let page = CursorPage { digest, from, size };
        let backwards = page.backwards();
        let position = page.from.as_ref().map(|c| Position {
            created_us: c.created_us,
            id: c.id.clone(),
            after: !backwards,
        });
        // One row more than the page tells whether another page follows.
        let mut request = ListRequest::from_position(params, position, backwards, size + 1)?;
        request.count_total = page.counted().is_none();
        Ok((page, request))
    }

    /// The total the walk counted on its first page, carried by the cursor.
    pub fn counted(&self) -> Option<u64> {
        self.from.as_ref().and_then(|c| c.total)
    }

    fn backwards(&self) -> bool {
        self.from
            .as_ref()
            .is_some_and(|c| c.direction == Direction::Previous)
    }

    /// The page from the rows the planned request found (in the order it
    /// read them), with the cursors to the pages around it. `position`
    /// gives a row's creation time and id; `total` is the walk's count,
    /// which the cursors carry on.
    pub fn finish<R>(
        &self,
        mut rows: Vec<R>,
        position: impl Fn(&R) -> (i64, String),
        total: u64,
    ) -> CursorMarks<R> {
        let more = rows.len() as u64 > self.size;
        rows.truncate(usize::try_from(self.size).unwrap_or(usize::MAX));
        let backwards = self.backwards();
        if backwards {
            rows.reverse();
        }
        let mark = |r: &R, direction| {
            let (created_us, id) = position(r);
            Cursor {
                created_us,
                id,
                direction,
                query: self.digest.clone(),
                total: Some(total),
            }
            .encode()
        };
        // Forward: more rows follow only if the extra row came back;
        // backward: the page we came from follows. Earlier rows exist when
        // we moved forward from a position, or moving back found the extra
        // row.
        let has_next = backwards || more;
        let has_previous = if backwards { more } else { self.from.is_some() };
        let next = rows
            .last()
            .filter(|_| has_next)
            .map(|r| mark(r, Direction::Next));
        let previous = rows
            .first()
            .filter(|_| has_previous)
            .map(|r| mark(r, Direction::Previous));
        CursorMarks {
            rows,
            next,
            previous,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_are_bound_to_their_query() {
        let digest = query_digest("User", Some("userName sw \"a\""));
        let cursor = Cursor {
            created_us: 1_700_000_000_000_001,
            id: "4f1c".into(),
            direction: Direction::Previous,
            query: digest.clone(),
            total: Some(12),
        };
        let text = cursor.encode();
        assert!(text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        assert_eq!(Cursor::decode(&text, &digest), Ok(cursor));
        let other = query_digest("User", Some("userName sw \"b\""));
        assert_ne!(other, digest);
        assert_ne!(query_digest("Group", Some("userName sw \"a\"")), digest);
        for (bad, d) in [
            (text.as_str(), other.as_str()),
            ("not base64!", digest.as_str()),
            ("e30", digest.as_str()),
        ] {
            let err = Cursor::decode(bad, d).unwrap_err();
            assert_eq!(err.scim_type, Some(ScimType::InvalidCursor), "{bad}");
            assert_eq!(err.status, 400);
        }
    }

    fn rows(ids: &[i64]) -> Vec<(i64, String)> {
        ids.iter().map(|i| (*i, format!("r{i}"))).collect()
    }

    /// Walks a 7-row list 3 at a time, forward then back, as a client
    /// would: every row once, in order, and the cursors where they belong.
    #[test]
    fn pages_forward_and_back() {
        let all = rows(&[1, 2, 3, 4, 5, 6, 7]);
        let params =
            |cursor: &str| ListParams::from_query(&format!("count=3&cursor={cursor}")).unwrap();
        // What the store would answer for a request.
        let read = |r: &ListRequest| -> Vec<(i64, String)> {
            let mut found: Vec<_> = all
                .iter()
                .filter(|(c, _)| match &r.position {
                    None => true,
                    Some(p) if p.after => *c > p.created_us,
                    Some(p) => *c < p.created_us,
                })
                .cloned()
                .collect();
            if matches!(
                r.order,
                crate::scim::query::ListOrder::Creation { descending: true }
            ) {
                found.reverse();
            }
            found.truncate(r.limit as usize);
            found
        };
        // The walk counts on its first page only; later pages report what
        // the cursor carries.
        let page = |cursor: &str| {
            let (plan, request) =
                CursorPage::plan(ResourceKind::User, &params(cursor), 100).unwrap();
            assert_eq!(request.count_total, cursor.is_empty(), "{cursor}");
            assert_eq!(plan.counted(), (!cursor.is_empty()).then_some(7));
            plan.finish(read(&request), |r| r.clone(), plan.counted().unwrap_or(7))
        };
        let ids = |m: &CursorMarks<(i64, String)>| m.rows.iter().map(|r| r.0).collect::<Vec<_>>();
        let first = page("");
        assert_eq!(
            (ids(&first), first.previous.is_some()),
            (vec![1, 2, 3], false)
        );
        let second = page(first.next.as_deref().unwrap());
        assert_eq!(
            (ids(&second), second.previous.is_some()),
            (vec![4, 5, 6], true)
        );
        let third = page(second.next.as_deref().unwrap());
        assert_eq!((ids(&third), third.next.is_some()), (vec![7], false));
        let back = page(third.previous.as_deref().unwrap());
        assert_eq!((ids(&back), back.next.is_some()), (vec![4, 5, 6], true));
        let start = page(back.previous.as_deref().unwrap());
        assert_eq!(
            (ids(&start), start.previous.is_some()),
            (vec![1, 2, 3], false)
        );
    }

    #[test]
    fn what_cursor_paging_refuses() {
        let cases = [
            ("cursor=&startIndex=2", ScimType::InvalidValue),
            ("cursor=&sortBy=userName", ScimType::InvalidValue),
            ("cursor=&count=101", ScimType::InvalidCount),
            ("cursor=garbage", ScimType::InvalidCursor),
        ];
        for (query, want) in cases {
            let params = ListParams::from_query(query).unwrap();
            let err = CursorPage::plan(ResourceKind::User, &params, 100).unwrap_err();
            assert_eq!(err.scim_type, Some(want), "{query}");
        }
        // A cursor of one query is refused by another.
        let (plan, _) = CursorPage::plan(
            ResourceKind::User,
            &ListParams::from_query("cursor=").unwrap(),
            100,
        )
        .unwrap();
        let marks = plan.finish(rows(&[1, 2]), |r| r.clone(), 2);
        assert!(marks.next.is_none());
        let (plan, request) = CursorPage::plan(
            ResourceKind::User,
            &ListParams::from_query("count=1&cursor=").unwrap(),
            100,
        )
        .unwrap();
        assert_eq!(request.limit, 2);
        let next = plan.finish(rows(&[1, 2]), |r| r.clone(), 2).next.unwrap();
        let other =
            ListParams::from_query(&format!("cursor={next}&filter=active%20eq%20true")).unwrap();
        let err = CursorPage::plan(ResourceKind::User, &other, 100).unwrap_err();
        assert_eq!(err.scim_type, Some(ScimType::InvalidCursor));
    }
}
