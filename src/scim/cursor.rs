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
}

/// The digest of a query: resource type and filter text.
pub fn query_digest(resource_type: &str, filter: Option<&str>) -> String {
    let mut hash = Sha256::new();
    hash.update(resource_type.as_bytes());
    hash.update([0]);
    hash.update(filter.unwrap_or("").as_bytes());
    hex::encode(&hash.finalize()[..8])
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
}
