//! Writing an attribute's values: whole attributes, values a filter
//! selects, and the one `primary` a multi-valued attribute may hold.

use serde_json::{Map, Value};

use super::matcher::matches;
use super::OpKind;
use crate::scim::error::{ScimError, ScimType};
use crate::scim::filter::{CompValue, CompareOp, Filter};
use crate::scim::schema::{AttrType, Attribute};

/// add/replace/remove of a whole attribute.
pub(super) fn whole(
    container: &mut Map<String, Value>,
    name: &str,
    attribute: &Attribute,
    kind: OpKind,
    value: Option<&Value>,
) -> Result<(), ScimError> {
    let Some(value) = value.filter(|_| kind != OpKind::Remove) else {
        remove_whole(container, name, attribute, value);
        return Ok(());
    };
    if attribute.multi_valued {
        let new: Vec<Value> = match value {
            Value::Array(items) => items.clone(),
            other => vec![other.clone()],
        };
        if kind == OpKind::Replace {
            container.insert(name.to_owned(), Value::Array(new));
            return Ok(());
        }
        let mut list = match container.remove(name) {
            Some(Value::Array(items)) => items,
            _ => Vec::new(),
        };
        for item in new {
            if is_primary(&item) {
                clear_primary(&mut list);
            }
            if !list.contains(&item) {
                list.push(item);
            }
        }
        container.insert(name.to_owned(), Value::Array(list));
        return Ok(());
    }
    match (attribute.kind, container.get_mut(name), value) {
        // A complex value merges into the present one (RFC 7644 §3.5.2.1, §3.5.2.3).
        (AttrType::Complex, Some(Value::Object(present)), Value::Object(new)) => {
            for (k, v) in new {
                present.insert(k.clone(), v.clone());
            }
        }
        _ => {
            container.insert(name.to_owned(), value.clone());
        }
    }
    Ok(())
}

/// remove of a whole attribute; for a multi-valued one, a `value` list
/// removes only the values it names.
fn remove_whole(
    container: &mut Map<String, Value>,
    name: &str,
    attribute: &Attribute,
    value: Option<&Value>,
) {
    match (attribute.multi_valued, value, container.get_mut(name)) {
        (true, Some(named), Some(Value::Array(list))) => {
            let named: Vec<&Value> = match named {
                Value::Array(items) => items.iter().collect(),
                other => vec![other],
            };
            list.retain(|item| !named.iter().any(|n| same_value(item, n)));
        }
        _ => {
            container.remove(name);
        }
    }
}

/// Two values of a multi-valued attribute are the same one when equal, or
/// when their `value` sub-attributes are equal.
fn same_value(a: &Value, b: &Value) -> bool {
    a == b || matches!((a.get("value"), b.get("value")), (Some(x), Some(y)) if x == y)
}

fn is_primary(v: &Value) -> bool {
    v.get("primary")
        .and_then(crate::scim::validate::coerce_bool)
        == Some(true)
}

/// Keeps `primary` unique: a new primary value demotes the others.
fn clear_primary(list: &mut [Value]) {
    for item in list {
        if let Some(o) = item.as_object_mut() {
            o.remove("primary");
        }
    }
}

/// Operations through a value filter: `emails[type eq "work"]` or
/// `emails[type eq "work"].value`.
#[allow(clippy::too_many_arguments)]
pub(super) fn filtered(
    container: &mut Map<String, Value>,
    name: &str,
    attribute: &Attribute,
    filter: &Filter,
    sub: Option<&Attribute>,
    kind: OpKind,
    value: Option<&Value>,
    text: &str,
) -> Result<(), ScimError> {
    let mut list = match container.remove(name) {
        Some(Value::Array(items)) => items,
        _ => Vec::new(),
    };
    // Which values the filter selects, one flag per value of `list`.
    let hits: Vec<bool> = list
        .iter()
        .map(|item| matches(filter, item, attribute))
        .collect();
    fn selected<'a>(list: &'a mut [Value], hits: &[bool]) -> Vec<&'a mut Value> {
        list.iter_mut()
            .zip(hits)
            .filter_map(|(item, hit)| hit.then_some(item))
            .collect()
    }
    match kind {
        OpKind::Remove => match sub {
            None => {
                let mut hit = hits.iter();
                list.retain(|_| !hit.next().copied().unwrap_or(false));
            }
            Some(sub) => {
                for item in selected(&mut list, &hits) {
                    if let Some(o) = item.as_object_mut() {
                        o.remove(&sub.name);
                    }
                }
            }
        },
        OpKind::Add | OpKind::Replace => {
            let value = value.cloned().unwrap_or(Value::Null);
            if !hits.contains(&true) {
                // Entra ID adds (or replaces) `emails[type eq "work"].value`
                // on a user with no work email: create it from the filter.
                let mut created = seed_from_filter(filter).ok_or_else(|| {
                    ScimError::bad_request(
                        ScimType::NoTarget,
                        format!("no value matches \"{text}\""),
                    )
                })?;
                match (sub, value) {
                    (Some(sub), v) => {
                        created.insert(sub.name.clone(), v);
                    }
                    (None, Value::Object(v)) => created.extend(v),
                    (None, _) => {
                        return Err(ScimError::invalid_value(format!(
                            "\"{text}\" takes an object value"
                        )))
                    }
                }
                let created = Value::Object(created);
                if is_primary(&created) {
                    clear_primary(&mut list);
                }
                list.push(created);
            } else {
                let sets_primary = match (sub, &value) {
                    (Some(s), v) => {
                        s.name == "primary" && crate::scim::validate::coerce_bool(v) == Some(true)
                    }
                    (None, v) => is_primary(v),
                };
                if sets_primary {
                    clear_primary(&mut list);
                }
                for item in selected(&mut list, &hits) {
                    match (sub, &value, kind) {
                        (Some(sub), v, _) => {
                            if let Some(o) = item.as_object_mut() {
                                o.insert(sub.name.clone(), v.clone());
                            }
                        }
                        (None, Value::Object(v), OpKind::Add) => {
                            if let Some(o) = item.as_object_mut() {
                                o.extend(v.clone());
                            }
                        }
                        (None, v, _) => *item = v.clone(),
                    }
                }
            }
        }
    }
    if !list.is_empty() {
        container.insert(name.to_owned(), Value::Array(list));
    }
    Ok(())
}

/// The value a filter of `eq` comparisons joined by `and` describes, or
/// `None` when the filter says too little to build one.
pub(super) fn seed_from_filter(filter: &Filter) -> Option<Map<String, Value>> {
    match filter {
        Filter::Compare {
            path,
            op: CompareOp::Eq,
            value,
        } if path.sub_attr.is_none() => {
            let v = match value {
                CompValue::Str(s) => Value::String(s.clone()),
                CompValue::Bool(b) => Value::Bool(*b),
                CompValue::Number(n) => Value::Number(n.clone()),
                CompValue::Null => return None,
            };
            let mut map = Map::new();
            map.insert(path.attr.clone(), v);
            Some(map)
        }
        Filter::And(a, b) => {
            let mut map = seed_from_filter(a)?;
            map.extend(seed_from_filter(b)?);
            Some(map)
        }
        _ => None,
    }
}
