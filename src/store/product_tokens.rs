//! Product API bearer tokens (the products themselves call the product API).

use diesel::prelude::*;

use super::conn::DbConn;
use super::models::ProductTokenRow;
use super::schema::product_tokens;

/// Adds a token.
pub fn insert(conn: &mut DbConn, row: &ProductTokenRow) -> QueryResult<()> {
    diesel::insert_into(product_tokens::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// The live (unrevoked) token with this hash.
pub fn find_live(conn: &mut DbConn, token_hash: &str) -> QueryResult<ProductTokenRow> {
    product_tokens::table
        .filter(product_tokens::token_hash.eq(token_hash))
        .filter(product_tokens::revoked_at.is_null())
        .select(ProductTokenRow::as_select())
        .first(conn)
}

/// Marks a live token revoked; returns how many changed (0 or 1).
pub fn revoke(conn: &mut DbConn, id: &str, at: i64) -> QueryResult<usize> {
    diesel::update(
        product_tokens::table
            .filter(product_tokens::id.eq(id))
            .filter(product_tokens::revoked_at.is_null()),
    )
    .set(product_tokens::revoked_at.eq(Some(at)))
    .execute(conn)
}
