//! The SCIM 2.0 protocol, pure and storage-free: schemas, validation,
//! rendering, projection, list and error types. Unit-tested without a database.

pub mod bulk;
pub mod cursor;
pub mod error;
pub mod filter;
pub mod fold;
pub mod list;
pub mod members_stream;
pub mod nul;
pub mod patch;
pub mod path;
pub mod projection;
pub mod query;
pub mod resource;
pub mod schema;
pub mod validate;

pub use error::{ScimError, ScimType};

/// Core User schema URN.
pub const USER_URN: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
/// Core Group schema URN.
pub const GROUP_URN: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
/// Enterprise User extension URN.
pub const ENTERPRISE_USER_URN: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
/// Gatehouse's User extension: which group grants each entitlement.
pub const ACCESS_URN: &str = "urn:gatehouse:scim:schemas:extension:access:1.0:User";
/// Error message schema URN.
pub const ERROR_URN: &str = "urn:ietf:params:scim:api:messages:2.0:Error";
/// List response message schema URN.
pub const LIST_RESPONSE_URN: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
/// Search request message schema URN.
pub const SEARCH_REQUEST_URN: &str = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";
