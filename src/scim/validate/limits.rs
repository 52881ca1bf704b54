//! Limits on the values of a resource that no schema states.

use crate::scim::error::ScimError;

/// The most characters a value resources are found by may hold:
/// `userName`, `externalId`, `displayName`, `emails.value`, and the
/// singular attributes of registered extensions, each held in a database
/// index. PostgreSQL refuses an index entry over 2,704 bytes (a 2,700
/// character `userName` answered 500); 512 characters of up to four
/// bytes, with the directory's id beside them, stay below that on both
/// databases. An attribute that becomes indexed joins `is_lookup_key`.
pub const MAX_KEY_CHARS: usize = 512;

pub(super) fn check_key_length(text: &str, path: &str) -> Result<(), ScimError> {
    let chars = text.chars().count();
    if chars > MAX_KEY_CHARS {
        return Err(ScimError::invalid_value(format!(
            "'{path}' is {chars} characters long; an attribute resources are found by \
             holds at most {MAX_KEY_CHARS}"
        )));
    }
    Ok(())
}
