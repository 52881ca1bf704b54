//! A resource's stored attributes as they come from the database: the
//! JSON object's members, each value left as its text. A page of 100 full
//! users parsed every value into a tree of maps and strings (~35
//! allocations and a hashed key each, a fifth of the page's CPU) only to
//! write most of them back out unchanged; now a member the response shows
//! whole is written as stored, and only one a projection cuts into is
//! parsed (`rendered::Viewer`).

use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::Value;

use crate::scim::validate::Attributes;

/// The attributes of a resource about to be rendered.
#[derive(Debug, Clone)]
pub enum StoredAttributes {
    /// Parsed values (a group's attributes, which `render` takes this way;
    /// a user built in a test).
    Values(Attributes),
    /// The stored object's members, in stored order, values unparsed.
    Text(Vec<(String, Box<RawValue>)>),
}

impl StoredAttributes {
    /// Splits a stored JSON object into its members; an error when the
    /// text is not a JSON object.
    pub fn from_stored(text: &str) -> Result<StoredAttributes, serde_json::Error> {
        let TopLevel(members) = serde_json::from_str(text)?;
        Ok(StoredAttributes::Text(members))
    }
}

impl From<Attributes> for StoredAttributes {
    fn from(values: Attributes) -> StoredAttributes {
        StoredAttributes::Values(values)
    }
}

/// A stored value parsed. The text was checked as JSON when it was split,
/// so this can fail only past serde_json's nesting limit, and stored
/// attributes were written from a request body parsed under that limit.
pub(super) fn parsed(raw: &RawValue) -> Value {
    serde_json::from_str(raw.get()).unwrap_or(Value::Null)
}

/// The members of a top-level JSON object; a later duplicate key replaces
/// the earlier value in its place, as parsing into a map does.
struct TopLevel(Vec<(String, Box<RawValue>)>);

impl<'de> Deserialize<'de> for TopLevel {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<TopLevel, D::Error> {
        deserializer.deserialize_map(TopLevelVisitor)
    }
}

struct TopLevelVisitor;

impl<'de> Visitor<'de> for TopLevelVisitor {
    type Value = TopLevel;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TopLevel, A::Error> {
        let mut members: Vec<(String, Box<RawValue>)> = Vec::with_capacity(8);
        while let Some((key, value)) = map.next_entry::<String, Box<RawValue>>()? {
            match members.iter_mut().find(|(k, _)| *k == key) {
                Some((_, old)) => *old = value,
                None => members.push((key, value)),
            }
        }
        Ok(TopLevel(members))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn members(text: &str) -> Vec<(String, String)> {
        match StoredAttributes::from_stored(text) {
            Ok(StoredAttributes::Text(m)) => m
                .into_iter()
                .map(|(k, v)| (k, v.get().to_owned()))
                .collect(),
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn splits_an_object_into_members_in_order() {
        let cases: &[(&str, &[(&str, &str)])] = &[
            ("{}", &[]),
            (
                r#"{"b":1,"a":[1,{"x":"y"}]}"#,
                &[("b", "1"), ("a", r#"[1,{"x":"y"}]"#)],
            ),
            (r#" { "n" : { "g" : "G" } } "#, &[("n", r#"{ "g" : "G" }"#)]),
            (r#"{"a":1,"b":2,"a":3}"#, &[("a", "3"), ("b", "2")]),
            (r#"{"k\u00e9":"\u00e9"}"#, &[("ké", r#""\u00e9""#)]),
        ];
        for (text, want) in cases {
            let want: Vec<(String, String)> = want
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect();
            assert_eq!(members(text), want, "{text}");
        }
    }

    #[test]
    fn refuses_what_is_not_an_object() {
        for text in ["[]", "1", "\"x\"", "null", "{", r#"{"a":}"#, ""] {
            assert!(StoredAttributes::from_stored(text).is_err(), "{text}");
        }
    }

    #[test]
    fn a_member_parses_to_its_value() {
        let Ok(StoredAttributes::Text(m)) =
            StoredAttributes::from_stored(r#"{"a":{"b":[1,2.5,"c",null,true]}}"#)
        else {
            panic!("not split");
        };
        let (_, raw) = &m[0];
        assert_eq!(
            parsed(raw),
            serde_json::json!({"b": [1, 2.5, "c", null, true]})
        );
    }
}
