//! Finding people and groups by what an admin types: the console's search
//! fields. Text is case-folded as keys are, so "Ada@Example.com" finds
//! ada@example.com.

use super::person_views::{self, PersonView};
use super::{AccessError, LOCAL_DIRECTORY};
use crate::scim::fold::fold;
use crate::store::console_search;
use crate::store::{persons, DbConn};

pub use crate::store::console_search::FoundGroup;

/// Shortest text searched: one letter would match a directory's worth.
pub const MIN_SEARCH: usize = 2;

/// People with an account whose user name starts with `text`, or with an
/// email equal to it; at most `limit`, each once.
pub fn people(conn: &mut DbConn, text: &str, limit: i64) -> Result<Vec<PersonView>, AccessError> {
    let key = fold(text.trim());
    if key.chars().count() < MIN_SEARCH {
        return Ok(Vec::new());
    }
    let mut person_ids: Vec<String> = Vec::new();
    if let Some(person) = persons::find_by_email(conn, &key)? {
        person_ids.push(person.id);
    }
    for account in console_search::accounts(conn, &key, limit)? {
        if let Some(id) = account.person_id {
            if !person_ids.contains(&id) {
                person_ids.push(id);
            }
        }
    }
    person_ids.truncate(usize::try_from(limit).unwrap_or(0));
    person_ids
        .iter()
        .map(|id| person_views::get(conn, id))
        .collect()
}

/// Groups (pushed or local) whose display name contains `text`, with their
/// directory and member count; at most `limit`.
pub fn groups(conn: &mut DbConn, text: &str, limit: i64) -> Result<Vec<FoundGroup>, AccessError> {
    let key = fold(text.trim());
    if key.is_empty() {
        return Ok(Vec::new());
    }
    Ok(console_search::groups(conn, &key, LOCAL_DIRECTORY, limit)?)
}
