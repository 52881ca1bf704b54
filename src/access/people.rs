//! People named by the product API: a user id, or an email address that
//! may or may not have an account yet.

use super::emails::looks_like_email;
use super::error::AccessError;
use crate::scim::fold::fold;
use crate::store::models::UserRow;
use crate::store::{users, DbConn};

/// Someone a request names.
#[derive(Debug, Clone)]
pub enum Person {
    /// An existing account (boxed: a row is ten times an email's size).
    User(Box<UserRow>),
    /// An email address with no account yet (folded).
    Email(String),
}

impl Person {
    /// The user id, for an existing account.
    pub fn user_id(&self) -> Option<&str> {
        match self {
            Person::User(u) => Some(&u.id),
            Person::Email(_) => None,
        }
    }

    /// The folded email (or userName) the person is known by.
    pub fn email_key(&self) -> String {
        match self {
            Person::User(u) => u.user_name_key.clone(),
            Person::Email(e) => e.clone(),
        }
    }

    /// Whether two names are the same person.
    pub fn same_as(&self, other: &Person) -> bool {
        match (self.user_id(), other.user_id()) {
            (Some(a), Some(b)) => a == b,
            _ => self.email_key() == other.email_key(),
        }
    }
}

/// A user id or an email address, resolved to an account if there is one.
pub fn resolve(conn: &mut DbConn, text: &str) -> Result<Person, AccessError> {
    let text = text.trim();
    if let Ok(user) = users::find(conn, None, text) {
        return Ok(Person::User(Box::new(user)));
    }
    if looks_like_email(text) {
        let key = fold(text);
        return Ok(match users::find_by_email(conn, &key)? {
            Some(user) => Person::User(Box::new(user)),
            None => Person::Email(key),
        });
    }
    Err(AccessError::NotFound(format!(
        "\"{text}\" is neither a user id nor an email address"
    )))
}
