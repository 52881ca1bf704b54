//! A page's window — `LIMIT` and `OFFSET` — as the store writes it after a
//! page's statement (`windowed`), instead of diesel's `.limit(n).offset(m)`.
//!
//! Why: diesel binds both as parameters, and PostgreSQL cannot cost a
//! plan whose `LIMIT` and `OFFSET` it does not know. Each prepared
//! statement is planned for its values five times, then PostgreSQL keeps
//! one generic plan only if that costs no more than the custom ones; for a
//! generic plan it guesses a `LIMIT` and an `OFFSET` of a tenth of the
//! rows each. A page of 100 of a filter's 50,000 users (`department eq`,
//! `active eq false`) is then costed as 5,000 rows after skipping 5,000,
//! so every page was planned anew: 0.23-0.43 ms of PostgreSQL's time per
//! page at 1M users, as much as running it (statement log of `bind`
//! against `execute`). Here a page size clients ask for is written into
//! the statement as a number, and `OFFSET` only when there is one to
//! skip: the generic plan then costs what the custom ones do, and
//! PostgreSQL keeps it (planning 0.09 -> 0.007 ms in psql).
//!
//! Each text is a prepared statement of its own, kept per connection, so
//! only the sizes in `WRITTEN_SIZES` (and one more of each, a cursor
//! page's look-ahead) are written in; any other size is bound as before.
//! SQLite plans when it prepares and gains nothing, but runs the same text.

use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::BigInt;
use diesel::QueryResult;

use super::conn::MultiBackend;

/// The page sizes written into a statement: the ones IdPs, consoles and
/// auditors' tools ask for.
const WRITTEN_SIZES: [i64; 11] = [1, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000];

/// Whether a `LIMIT` of `limit` is written into the statement's text.
fn written_in(limit: i64) -> bool {
    WRITTEN_SIZES
        .iter()
        .any(|&size| limit == size || limit == size + 1)
}

/// `query` read `limit` rows at most, after skipping `offset`.
pub fn windowed<Q>(query: Q, limit: i64, offset: i64) -> Windowed<Q> {
    Windowed {
        query,
        limit,
        offset,
    }
}

/// A statement with its window (`windowed`).
pub struct Windowed<Q> {
    query: Q,
    limit: i64,
    offset: i64,
}

impl<Q> QueryId for Windowed<Q> {
    type QueryId = ();
    // The text holds the page size: cached by text, not by type.
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q: Query> Query for Windowed<Q> {
    type SqlType = Q::SqlType;
}

impl<Q, Conn> diesel::RunQueryDsl<Conn> for Windowed<Q> {}

impl<Q: QueryFragment<MultiBackend>> QueryFragment<MultiBackend> for Windowed<Q> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, MultiBackend>) -> QueryResult<()> {
        self.query.walk_ast(out.reborrow())?;
        out.push_sql(" LIMIT ");
        if written_in(self.limit) {
            out.push_sql(&self.limit.to_string());
        } else {
            out.push_bind_param::<BigInt, i64>(&self.limit)?;
        }
        if self.offset > 0 {
            out.push_sql(" OFFSET ");
            out.push_bind_param::<BigInt, i64>(&self.offset)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::written_in;

    #[test]
    fn only_the_usual_page_sizes_and_their_look_ahead_are_written_in() {
        for (limit, written) in [
            (1, true),
            (2, true),
            (3, false),
            (10, true),
            (11, true),
            (12, false),
            (99, false),
            (100, true),
            (101, true),
            (102, false),
            (200, true),
            (201, true),
            (1000, true),
            (1001, true),
            (0, false),
            (-1, false),
            (i64::MAX, false),
        ] {
            assert_eq!(written_in(limit), written, "{limit}");
        }
    }
}
