//! A group's JSON written in parts, so that its members can be sent as
//! they are read: the group without members is the frame (`head`, the
//! members, `tail`), and each page of members is one more part. Written
//! together, the parts are the group's JSON, members included, exactly as
//! `GroupResource::to_json` and the projection would give it.

use serde_json::{Map, Value};

use super::projection::Projection;
use super::resource::MemberRef;
use super::schema::{ResourceKind, SchemaRegistry};

/// What goes before and after a group's members.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupFrame {
    /// The group's attributes up to `meta`, then `"members":[`.
    pub head: String,
    /// `]`, then `meta` and whatever follows it, then the closing brace.
    pub tail: String,
}

impl GroupFrame {
    /// The frame of `group`: a group rendered and projected without its
    /// members. The members go where the rendering puts `meta` (last but
    /// for extensions): any place is valid JSON, this one reads as usual.
    pub fn around(group: &Map<String, Value>) -> GroupFrame {
        let entry = |key: &str, value: &Value| format!("{}:{value}", Value::from(key));
        let at_meta = group
            .keys()
            .position(|k| k == "meta")
            .unwrap_or(group.len());
        let mut head = String::from("{");
        for (key, value) in group.iter().take(at_meta) {
            head.push_str(&entry(key, value));
            head.push(',');
        }
        head.push_str("\"members\":[");
        let mut tail = String::from("]");
        for (key, value) in group.iter().skip(at_meta) {
            tail.push(',');
            tail.push_str(&entry(key, value));
        }
        tail.push('}');
        GroupFrame { head, tail }
    }
}

/// One page of members as it goes between the frame's parts: the members
/// projected as the request asked, comma-separated, with a leading comma
/// unless it is the first page.
pub fn members_part(
    registry: &SchemaRegistry,
    projection: &Projection,
    base_url: &str,
    members: &[MemberRef],
    first: bool,
) -> String {
    let rendered: Vec<Value> = members.iter().map(|m| m.json(base_url)).collect();
    let mut holder = Map::new();
    holder.insert("members".into(), Value::Array(rendered));
    // Projected as part of a group, so sub-attribute choices
    // (`attributes=members.value`) apply as they would to the whole group.
    let projected = projection.apply(registry, ResourceKind::Group, Value::Object(holder));
    let items = match projected.get("members") {
        Some(Value::Array(items)) => items.as_slice(),
        _ => &[],
    };
    let mut out = String::new();
    for (n, item) in items.iter().enumerate() {
        if n > 0 || !first {
            out.push(',');
        }
        out.push_str(&item.to_string());
    }
    out
}

#[cfg(test)]
mod tests;
