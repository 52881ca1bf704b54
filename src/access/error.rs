//! The access layer's error: why an admin, product or access change was
//! refused. `http::error` renders it (problem+json on the admin and
//! product APIs, a SCIM error body on SCIM routes).

use crate::store::StoreError;

/// A refused or failed access-model operation.
#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    /// No valid token came with the request.
    #[error("{0}")]
    Unauthorized(String),
    /// Something the request names does not exist.
    #[error("{0}")]
    NotFound(String),
    /// The request is malformed or names an impossible value.
    #[error("{0}")]
    Invalid(String),
    /// The request clashes with what exists (a taken name, a duplicate mapping).
    #[error("{0}")]
    Conflict(String),
    /// A rule of the access model refuses the change.
    #[error("{0}")]
    Forbidden(String),
    /// The organization's access policy refuses the request; `setting`
    /// names the policy field that refused it (e.g. `it_only`).
    #[error("{detail}")]
    Refused {
        setting: &'static str,
        detail: String,
    },
    /// What the request names no longer stands: a closed or expired
    /// invitation, a dead invite link (410). `setting` names the policy
    /// field that killed it, when one did.
    #[error("{detail}")]
    Gone {
        setting: Option<&'static str>,
        detail: String,
    },
    /// A rule with a stable code of its own (`invite_role`, `not_external`,
    /// `ambiguous_group`): clients branch on the code.
    #[error("{detail}")]
    Coded {
        status: u16,
        code: &'static str,
        detail: String,
    },
    /// The change would take a product past its license cap; nothing was applied.
    #[error("this change needs {needed} licenses of product \"{product}\", whose cap is {cap}; nothing was changed")]
    LicenseCap {
        product: String,
        cap: i64,
        needed: i64,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<diesel::result::Error> for AccessError {
    fn from(e: diesel::result::Error) -> Self {
        AccessError::Store(e.into())
    }
}

/// A row that must exist: its absence is a 404 naming `what` (e.g.
/// `product "wiki"`); any other database failure stays a storage error.
pub fn found<T>(
    result: diesel::QueryResult<T>,
    what: impl FnOnce() -> String,
) -> Result<T, AccessError> {
    match result {
        Err(diesel::result::Error::NotFound) => {
            Err(AccessError::NotFound(format!("{} not found", what())))
        }
        other => Ok(other?),
    }
}
