//! JSON attributes PostgreSQL keeps in columns of their own (migration
//! `000015_stored_attributes`): the ones IdPs and auditors look users up
//! by. PostgreSQL cannot count through an index on an expression over the
//! JSON without fetching every matching row (the expression reads the
//! whole `attributes`); over a stored column, whose index carries the
//! column, it can. Each column holds exactly what reading the JSON gives,
//! so a filter reads it in place of the JSON, with the same meaning.
//! SQLite counts through its expression indexes alone and has no such
//! columns.

use super::json::JsonBase;
use crate::scim::ENTERPRISE_USER_URN;
use crate::store::conn::Backend;

/// A user attribute's JSON keys (as the schemas name them) and its column.
const USER_COLUMNS: [(&[&str], &str); 4] = [
    (&["name", "familyName"], "users.family_name"),
    (
        &[ENTERPRISE_USER_URN, "employeeNumber"],
        "users.employee_number",
    ),
    (&[ENTERPRISE_USER_URN, "department"], "users.department"),
    (
        &[ENTERPRISE_USER_URN, "manager", "value"],
        "users.manager_value",
    ),
];

/// The column holding the JSON scalar at `keys` below `base`, if the
/// database keeps one.
pub(super) fn column(backend: Backend, base: JsonBase, keys: &[&str]) -> Option<&'static str> {
    if backend != Backend::Postgres || base != JsonBase::Users {
        return None;
    }
    USER_COLUMNS
        .iter()
        .find(|(path, _)| *path == keys)
        .map(|(_, column)| *column)
}
