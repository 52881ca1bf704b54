//! Whether a response with no `attributes` or `excludedAttributes` shows a
//! stored member whole, told from its JSON text without building it: then
//! it is written as stored (`resource::stored`). The rules are
//! `view_member`'s for the default projection; what they look at in the
//! value is only its form — an object or not, empty or not, a list of
//! non-empty objects or not — which a scan of the text tells.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use super::Projection;
use crate::scim::schema::{AttrType, Attribute, ResourceKind, Returned, Schema, SchemaRegistry};

impl Projection {
    /// Whether this projection shows the stored member `key` whole,
    /// whatever `raw` holds beyond its form. False whenever that is not
    /// certain (any `attributes` or `excludedAttributes`, a sub-attribute
    /// returned only on request or never, an empty object, a key with
    /// escapes): the caller then parses the value and projects it.
    pub fn keeps_stored_whole(
        &self,
        registry: &SchemaRegistry,
        kind: ResourceKind,
        key: &str,
        raw: &RawValue,
    ) -> bool {
        if !self.is_default() {
            return false;
        }
        if key == "schemas" || key == "id" {
            return true;
        }
        if let Some(extension) = registry.extension(kind, key) {
            return schema_whole(Some(extension), raw);
        }
        let form = form_of(raw);
        if key.contains(':') && form.is_object() {
            // An extension nobody registered: projected with no schema.
            return schema_whole(None, raw);
        }
        attribute_whole(registry.core(kind).attribute(key), form)
    }
}

/// What the default projection sees of a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    /// A string, number, boolean or null; or text that did not scan.
    Scalar,
    EmptyObject,
    Object,
    EmptyList,
    /// A list whose every element is a non-empty object.
    ListOfObjects,
    /// Any other list.
    OtherList,
}

impl Form {
    fn is_object(self) -> bool {
        matches!(self, Form::EmptyObject | Form::Object)
    }
}

/// `project_attribute` under the default projection gives `Whole`.
fn attribute_whole(attribute: Option<&Attribute>, form: Form) -> bool {
    match attribute.map_or(Returned::Default, |a| a.returned) {
        Returned::Always => return true,
        Returned::Never | Returned::Request => return false,
        Returned::Default => {}
    }
    let complex = attribute.map_or(form.is_object(), |a| a.kind == AttrType::Complex);
    if !complex {
        return true;
    }
    // `keep_subs` drops such sub-attributes where a value has them.
    let hides_some = attribute.is_some_and(|a| {
        a.sub_attributes
            .iter()
            .any(|s| matches!(s.returned, Returned::Never | Returned::Request))
    });
    !hides_some && matches!(form, Form::Object | Form::EmptyList | Form::ListOfObjects)
}

/// `project_schema` under the default projection gives `Whole`: an object
/// with at least one member, each shown whole.
fn schema_whole(schema: Option<&Schema>, raw: &RawValue) -> bool {
    let mut de = serde_json::Deserializer::from_str(raw.get());
    match de.deserialize_any(MemberForms) {
        Ok(Some(members)) => {
            !members.is_empty()
                && members.iter().all(|(key, form)| {
                    attribute_whole(schema.and_then(|s| s.attribute(key)), *form)
                })
        }
        Ok(None) | Err(_) => false,
    }
}

fn form_of(raw: &RawValue) -> Form {
    let mut de = serde_json::Deserializer::from_str(raw.get());
    de.deserialize_any(FormOf).unwrap_or(Form::Scalar)
}

/// Scans a value for its `Form`, skipping what is inside.
struct FormOf;

impl<'de> Visitor<'de> for FormOf {
    type Value = Form;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Form, A::Error> {
        if map.next_entry::<IgnoredAny, IgnoredAny>()?.is_none() {
            return Ok(Form::EmptyObject);
        }
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Form::Object)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Form, A::Error> {
        let mut form = Form::EmptyList;
        while let Some(full) = seq.next_element_seed(IsFullObject)? {
            form = match (form, full) {
                (Form::EmptyList | Form::ListOfObjects, true) => Form::ListOfObjects,
                _ => Form::OtherList,
            };
        }
        Ok(form)
    }

    fn visit_bool<E>(self, _: bool) -> Result<Form, E> {
        Ok(Form::Scalar)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Form, E> {
        Ok(Form::Scalar)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Form, E> {
        Ok(Form::Scalar)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Form, E> {
        Ok(Form::Scalar)
    }
    fn visit_str<E>(self, _: &str) -> Result<Form, E> {
        Ok(Form::Scalar)
    }
    fn visit_unit<E>(self) -> Result<Form, E> {
        Ok(Form::Scalar)
    }
}

/// Whether a list element is an object with at least one member.
struct IsFullObject;

impl<'de> DeserializeSeed<'de> for IsFullObject {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        Ok(deserializer.deserialize_any(FormOf)? == Form::Object)
    }
}

/// The members of an object with the form of each; `None` when the value
/// is not an object. A key written with escapes cannot be borrowed and
/// fails the scan (the caller then takes the slow path).
struct MemberForms;

impl<'de> Visitor<'de> for MemberForms {
    type Value = Option<Vec<(&'de str, Form)>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut members = Vec::new();
        while let Some(key) = map.next_key::<&'de str>()? {
            members.push((key, map.next_value_seed(FormSeed)?));
        }
        Ok(Some(members))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

struct FormSeed;

impl<'de> DeserializeSeed<'de> for FormSeed {
    type Value = Form;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Form, D::Error> {
        deserializer.deserialize_any(FormOf)
    }
}
