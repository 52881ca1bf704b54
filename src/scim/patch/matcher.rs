//! Value filters evaluated on the values of one resource's multi-valued
//! attribute, for PATCH paths such as `emails[type eq "work"]`. (Filters
//! over many resources run in the database; these see one resource.)

use serde_json::Value;

use crate::scim::filter::{CompValue, CompareOp, Filter};
use crate::scim::schema::{AttrType, Attribute};
use crate::scim::validate::coerce_bool;

/// Whether `element` (one value of `attribute`) matches `filter`, whose
/// paths name sub-attributes of `attribute`.
pub fn matches(filter: &Filter, element: &Value, attribute: &Attribute) -> bool {
    match filter {
        Filter::And(a, b) => matches(a, element, attribute) && matches(b, element, attribute),
        Filter::Or(a, b) => matches(a, element, attribute) || matches(b, element, attribute),
        Filter::Not(inner) => !matches(inner, element, attribute),
        Filter::Present(path) => sub_value(element, &path.attr).is_some_and(|v| match v {
            Value::String(s) => !s.is_empty(),
            Value::Null => false,
            _ => true,
        }),
        Filter::Compare { path, op, value } => {
            let def = attribute.sub_attribute(&path.attr);
            let found = sub_value(element, &path.attr);
            compare(found, def, *op, value)
        }
        Filter::ValuePath { .. } => false,
    }
}

/// A sub-attribute of an element, by case-insensitive name; a simple
/// (non-object) element is its own `value`.
fn sub_value<'a>(element: &'a Value, name: &str) -> Option<&'a Value> {
    match element {
        Value::Object(map) => map
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v),
        other if name.eq_ignore_ascii_case("value") => Some(other),
        _ => None,
    }
}

fn compare(
    found: Option<&Value>,
    def: Option<&Attribute>,
    op: CompareOp,
    wanted: &CompValue,
) -> bool {
    let Some(found) = found.filter(|v| !v.is_null()) else {
        return match (op, wanted) {
            (CompareOp::Eq, CompValue::Null) => true,
            (CompareOp::Ne, CompValue::Null) => false,
            (CompareOp::Ne, _) => true,
            _ => false,
        };
    };
    if op == CompareOp::Ne {
        return !compare(Some(found), def, CompareOp::Eq, wanted);
    }
    match wanted {
        CompValue::Null => false,
        CompValue::Bool(b) => op == CompareOp::Eq && coerce_bool(found) == Some(*b),
        CompValue::Number(n) => match (found.as_f64(), n.as_f64()) {
            (Some(a), Some(b)) => ordered(a.partial_cmp(&b), op),
            _ => false,
        },
        CompValue::Str(s) => {
            if def.is_some_and(|d| d.kind == AttrType::Boolean) {
                return op == CompareOp::Eq
                    && coerce_bool(found) == coerce_bool(&Value::String(s.clone()));
            }
            let Some(text) = found.as_str() else {
                return false;
            };
            let case_exact = def.is_some_and(|d| d.case_exact);
            let (a, b) = if case_exact {
                (text.to_owned(), s.clone())
            } else {
                (crate::scim::fold::fold(text), crate::scim::fold::fold(s))
            };
            match op {
                CompareOp::Co => a.contains(&b),
                CompareOp::Sw => a.starts_with(&b),
                CompareOp::Ew => a.ends_with(&b),
                _ => ordered(Some(a.as_str().cmp(b.as_str())), op),
            }
        }
    }
}

fn ordered(ordering: Option<std::cmp::Ordering>, op: CompareOp) -> bool {
    use std::cmp::Ordering::{Equal, Greater, Less};
    matches!(
        (op, ordering),
        (CompareOp::Eq, Some(Equal))
            | (CompareOp::Gt, Some(Greater))
            | (CompareOp::Ge, Some(Greater | Equal))
            | (CompareOp::Lt, Some(Less))
            | (CompareOp::Le, Some(Less | Equal))
    )
}
