//! Group members selected by a value filter.

use super::paths::invalid_path;
use crate::scim::error::ScimError;
use crate::scim::filter::{CompValue, CompareOp, Filter};

/// The member ids a `members[value eq "…" or value eq "…"]` filter names.
pub(super) fn member_ids_in(filter: &Filter, text: &str) -> Result<Vec<String>, ScimError> {
    match filter {
        Filter::Or(a, b) => {
            let mut ids = member_ids_in(a, text)?;
            ids.extend(member_ids_in(b, text)?);
            Ok(ids)
        }
        Filter::Compare {
            path,
            op: CompareOp::Eq,
            value: CompValue::Str(id),
        } if path.attr.eq_ignore_ascii_case("value") && path.sub_attr.is_none() => {
            Ok(vec![id.clone()])
        }
        _ => Err(invalid_path(format!(
            "\"{text}\": members are selected by value, e.g. members[value eq \"id\"]"
        ))),
    }
}
