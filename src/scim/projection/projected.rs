//! A projected resource as a view of the rendered one: what a response
//! keeps of it, borrowed. Serialising the view writes the kept values
//! straight from the rendered resource; nothing is copied unless a
//! `Value` is asked for (`to_value`).

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{Map, Value};

/// What of a value the response carries.
#[derive(Debug)]
pub enum Projected<'v> {
    /// The value as it was rendered, all of it.
    Whole(&'v Value),
    /// Some members of an object, in its order.
    Object(Vec<(&'v str, Projected<'v>)>),
    /// Some elements of a list, in its order.
    Array(Vec<Projected<'v>>),
}

impl<'v> Projected<'v> {
    /// The kept members of the object `whole`, which has `len` members:
    /// `whole` itself when every member is kept whole, so a resource the
    /// projection leaves alone is one borrow, not a tree of them.
    pub(super) fn object(
        whole: &'v Value,
        len: usize,
        kept: Vec<(&'v str, Projected<'v>)>,
    ) -> Projected<'v> {
        if kept.len() == len && kept.iter().all(|(_, v)| v.is_whole()) {
            Projected::Whole(whole)
        } else {
            Projected::Object(kept)
        }
    }

    /// The kept elements of the list `whole`, which has `len` elements.
    pub(super) fn array(whole: &'v Value, len: usize, kept: Vec<Projected<'v>>) -> Projected<'v> {
        if kept.len() == len && kept.iter().all(Projected::is_whole) {
            Projected::Whole(whole)
        } else {
            Projected::Array(kept)
        }
    }

    fn is_whole(&self) -> bool {
        matches!(self, Projected::Whole(_))
    }

    /// The view as a value of its own (the kept parts copied).
    pub fn to_value(&self) -> Value {
        match self {
            Projected::Whole(v) => (*v).clone(),
            Projected::Object(members) => Value::Object(
                members
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), v.to_value()))
                    .collect::<Map<String, Value>>(),
            ),
            Projected::Array(items) => {
                Value::Array(items.iter().map(Projected::to_value).collect())
            }
        }
    }
}

impl Serialize for Projected<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Projected::Whole(v) => v.serialize(serializer),
            Projected::Object(members) => {
                let mut map = serializer.serialize_map(Some(members.len()))?;
                for (k, v) in members {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
            Projected::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
        }
    }
}
