//! A group's JSON written in parts, so that its members can be sent as
//! they are read: the group without members is the frame (`head`, the
//! members, `tail`), and each page of members is one more part. Written
//! together, the parts are the group's JSON, members included, exactly as
//! `GroupResource::to_json` and the projection would give it.

use serde::Serialize;
use serde_json::{Map, Value};

use super::projection::Projection;
use super::resource::{location, MemberRef};
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
    /// members. The members go just before `meta`, the rendering's last
    /// attribute (a whole-group rendering puts them before the
    /// extensions; the order of an object's members means nothing in JSON).
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

/// Which sub-attributes of each member the response keeps: found once per
/// request by projecting a member that has them all, since which of a
/// member's sub-attributes the projection keeps depends on their names,
/// never their values (a member left with none is dropped: `members_part`).
/// Writing members straight to text (no `Value` per member, no projected
/// copy) keeps a page in flight to its rows and its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemberShape {
    value: bool,
    reference: bool,
    kind: bool,
    display: bool,
}

impl MemberShape {
    pub fn of(registry: &SchemaRegistry, projection: &Projection) -> MemberShape {
        let sample = MemberRef {
            id: String::new(),
            kind: ResourceKind::User,
            display: Some(String::new()),
        };
        let mut holder = Map::new();
        holder.insert("members".into(), Value::Array(vec![sample.json("")]));
        let projected = projection.apply(registry, ResourceKind::Group, Value::Object(holder));
        let kept = |key: &str| {
            projected
                .pointer("/members/0")
                .and_then(Value::as_object)
                .is_some_and(|m| m.contains_key(key))
        };
        MemberShape {
            value: kept("value"),
            reference: kept("$ref"),
            kind: kept("type"),
            display: kept("display"),
        }
    }
}

/// One member as the response writes it.
#[derive(Serialize)]
struct MemberOut<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<&'a str>,
    #[serde(rename = "$ref", skip_serializing_if = "Option::is_none")]
    reference: Option<String>,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    kind: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    display: Option<&'a str>,
}

impl MemberOut<'_> {
    fn is_empty(&self) -> bool {
        self.value.is_none()
            && self.reference.is_none()
            && self.kind.is_none()
            && self.display.is_none()
    }
}

/// One page of members as it goes between the frame's parts: the members
/// as `shape` keeps them, comma-separated, with a leading comma unless no
/// member was written before (`first`).
pub fn members_part(
    shape: MemberShape,
    base_url: &str,
    members: &[MemberRef],
    first: bool,
) -> Result<Vec<u8>, serde_json::Error> {
    let mut out = Vec::with_capacity(members.len() * 160);
    let mut comma = !first;
    for m in members {
        let member = MemberOut {
            value: shape.value.then_some(m.id.as_str()),
            reference: shape.reference.then(|| location(base_url, m.kind, &m.id)),
            kind: shape.kind.then(|| m.kind.name()),
            display: m.display.as_deref().filter(|_| shape.display),
        };
        // A member left with nothing is left out, as the projection of a
        // whole group leaves it out.
        if member.is_empty() {
            continue;
        }
        if comma {
            out.push(b',');
        }
        serde_json::to_writer(&mut out, &member)?;
        comma = true;
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
