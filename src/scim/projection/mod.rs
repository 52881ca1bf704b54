//! `attributes` / `excludedAttributes` (RFC 7644 §3.4.2.5, §3.9) applied to a
//! rendered resource, honouring each attribute's `returned` characteristic.

use serde_json::{Map, Value};

use super::error::ScimError;
use super::schema::{AttrType, Attribute, Named, ResourceKind, Returned, Schema, SchemaRegistry};

/// One entry of an `attributes` list: `[urn:]attr[.sub]`, or a whole
/// extension named by its URN. Names are kept lowercase for matching.
#[derive(Debug, Clone, PartialEq, Eq)]
struct AttrRef {
    /// The schema the reference is qualified with, if any (lowercase).
    urn: Option<String>,
    /// `None` when the reference names a whole extension schema.
    attr: Option<String>,
    sub: Option<String>,
}

/// Which attributes a response carries.
#[derive(Debug, Clone, Default)]
pub struct Projection {
    include: Vec<AttrRef>,
    exclude: Vec<AttrRef>,
}

impl Projection {
    /// Builds a projection from the raw `attributes` and `excludedAttributes`
    /// values (comma-separated). Both may be absent.
    pub fn parse(
        registry: &SchemaRegistry,
        attributes: Option<&str>,
        excluded: Option<&str>,
    ) -> Result<Projection, ScimError> {
        Ok(Projection {
            include: parse_list(registry, attributes.unwrap_or(""))?,
            exclude: parse_list(registry, excluded.unwrap_or(""))?,
        })
    }

    /// Whether this is the projection of a request that names no
    /// attributes: every attribute shown by its `returned` alone.
    pub fn is_default(&self) -> bool {
        self.include.is_empty() && self.exclude.is_empty()
    }

    /// Whether a top-level core attribute will be in the response, so callers
    /// can skip loading it (e.g. a group's members).
    pub fn includes(&self, registry: &SchemaRegistry, kind: ResourceKind, name: &str) -> bool {
        let core = registry.core(kind);
        let Some(attribute) = core.attribute(name) else {
            return false;
        };
        match attribute.returned {
            Returned::Always => true,
            Returned::Never => false,
            _ if !self.include.is_empty() => self.include.iter().any(|r| names_core(r, core, name)),
            Returned::Request => false,
            Returned::Default => !self
                .exclude
                .iter()
                .any(|r| r.sub.is_none() && names_core(r, core, name)),
        }
    }

    /// Whether the response may carry any of the core attributes `core` or
    /// any attribute of extension `extension`: false only when an
    /// `attributes` list names none of them, or `excludedAttributes`
    /// names each of them and the whole extension (and none is always
    /// returned), so a caller can skip loading what only they show.
    pub fn may_include(
        &self,
        registry: &SchemaRegistry,
        kind: ResourceKind,
        core: &[&str],
        extension: &str,
    ) -> bool {
        let schema = registry.extension(kind, extension);
        let always =
            schema.is_some_and(|s| s.attributes.iter().any(|a| a.returned == Returned::Always));
        let core_shown = || core.iter().any(|name| self.includes(registry, kind, name));
        if self.include.is_empty() {
            // Only an exclusion of the extension by its URN counts: one
            // of its attributes excluded by name leaves the others shown
            // (reading them anyway costs time, never a wrong answer).
            let extension_excluded = self.exclude.iter().any(|r| {
                r.attr.is_none()
                    && r.urn
                        .as_deref()
                        .is_some_and(|u| u.eq_ignore_ascii_case(extension))
            });
            return always || core_shown() || !extension_excluded;
        }
        always
            || core_shown()
            || self.include.iter().any(|r| match (&r.urn, &r.attr) {
                (Some(urn), _) => urn.eq_ignore_ascii_case(extension),
                (None, Some(attr)) => schema.is_some_and(|s| s.attribute(attr).is_some()),
                (None, None) => false,
            })
    }

    /// Applies the projection to a rendered resource: the resource itself
    /// when the projection keeps all of it, else a copy of what it keeps.
    pub fn apply(&self, registry: &SchemaRegistry, kind: ResourceKind, resource: Value) -> Value {
        let whole = match self.view(registry, kind, &resource) {
            Projected::Whole(_) => None,
            projected => Some(projected.to_value()),
        };
        whole.unwrap_or(resource)
    }

    /// What of a rendered resource the response carries, as a view of it:
    /// serialising the view writes the kept parts without copying them
    /// (a page of 100 full users is then built once, not three times).
    pub fn view<'v>(
        &self,
        registry: &SchemaRegistry,
        kind: ResourceKind,
        resource: &'v Value,
    ) -> Projected<'v> {
        let Value::Object(object) = resource else {
            return Projected::Whole(resource);
        };
        let mut out = Vec::with_capacity(object.len());
        for (key, value) in object {
            if let Some(kept) = self.view_member(registry, kind, key, value) {
                out.push((key.as_str(), kept));
            }
        }
        Projected::object(resource, object.len(), out)
    }

    /// What of one top-level member of a resource the response carries;
    /// `None` when the projection drops it.
    pub fn view_member<'v>(
        &self,
        registry: &SchemaRegistry,
        kind: ResourceKind,
        key: &str,
        value: &'v Value,
    ) -> Option<Projected<'v>> {
        if key == "schemas" || key == "id" {
            Some(Projected::Whole(value))
        } else if let Some(ext) = registry.extension(kind, key) {
            self.project_schema(ext, Some(&ext.id), value)
        } else if key.contains(':') && value.is_object() {
            // An extension nobody registered: its attributes are
            // projected by name, with the defaults of RFC 7643 §7.
            let unregistered = Schema {
                id: key.to_owned(),
                name: String::new(),
                attributes: Vec::new(),
            };
            self.project_schema(&unregistered, Some(key), value)
        } else {
            let core = registry.core(kind);
            self.project_attribute(core, Some(kind.core_urn()), key, core.attribute(key), value)
        }
    }

    /// An extension's object, without what the projection drops; `None`
    /// when nothing of it is left, or it is not an object.
    fn project_schema<'v>(
        &self,
        schema: &Schema,
        urn: Option<&str>,
        value: &'v Value,
    ) -> Option<Projected<'v>> {
        let object = value.as_object()?;
        let kept: Vec<_> = object
            .iter()
            .filter_map(|(key, v)| {
                self.project_attribute(schema, urn, key, schema.attribute(key), v)
                    .map(|kept| (key.as_str(), kept))
            })
            .collect();
        (!kept.is_empty()).then(|| Projected::object(value, object.len(), kept))
    }

    fn project_attribute<'v>(
        &self,
        schema: &Schema,
        urn: Option<&str>,
        key: &str,
        attribute: Option<&Attribute>,
        value: &'v Value,
    ) -> Option<Projected<'v>> {
        // `meta` and `externalId` are common attributes, not in any schema:
        // returned by default (RFC 7643 §3.1).
        let returned = attribute.map_or(Returned::Default, |a| a.returned);
        let matches = |r: &AttrRef| ref_matches(r, schema, urn, key);
        match returned {
            Returned::Always => return Some(Projected::Whole(value)),
            Returned::Never => return None,
            _ => {}
        }
        // `meta` is complex though no schema says so.
        let complex = attribute.map_or(value.is_object(), |a| a.kind == AttrType::Complex);
        let named = |refs: &[&AttrRef]| -> Vec<String> {
            refs.iter().filter_map(|r| r.sub.clone()).collect()
        };
        let has = |list: &[String], name: &str| list.iter().any(|s| s.eq_ignore_ascii_case(name));
        if !self.include.is_empty() {
            let refs: Vec<&AttrRef> = self.include.iter().filter(|r| matches(r)).collect();
            if refs.is_empty() {
                return None;
            }
            let whole = refs.iter().any(|r| r.sub.is_none());
            if !complex {
                return whole.then_some(Projected::Whole(value));
            }
            let subs = named(&refs);
            return keep_subs(
                value,
                attribute,
                |n| whole || has(&subs, n),
                |n| has(&subs, n),
            );
        }
        if returned == Returned::Request {
            return None;
        }
        let refs: Vec<&AttrRef> = self.exclude.iter().filter(|r| matches(r)).collect();
        if refs.iter().any(|r| r.sub.is_none()) {
            return None;
        }
        if !complex {
            return Some(Projected::Whole(value));
        }
        let excluded = named(&refs);
        keep_subs(value, attribute, |n| !has(&excluded, n), |_| false)
    }
}

/// Keeps the sub-attributes `keep` accepts, in an object or in every element
/// of a list, honouring the sub-attributes' own `returned`: `always` ones
/// stay, `never` ones go, `request` ones stay only when `requested`.
fn keep_subs<'v>(
    value: &'v Value,
    attribute: Option<&Attribute>,
    keep: impl Fn(&str) -> bool,
    requested: impl Fn(&str) -> bool,
) -> Option<Projected<'v>> {
    let filter_object = |whole: &'v Value, object: &'v Map<String, Value>| {
        let kept: Vec<_> = object
            .iter()
            .filter(|(name, _)| {
                let returned = attribute
                    .and_then(|a| a.sub_attribute(name))
                    .map_or(Returned::Default, |s| s.returned);
                match returned {
                    Returned::Always => true,
                    Returned::Never => false,
                    Returned::Request => requested(name),
                    Returned::Default => keep(name),
                }
            })
            .map(|(name, v)| (name.as_str(), Projected::Whole(v)))
            .collect();
        (!kept.is_empty()).then(|| Projected::object(whole, object.len(), kept))
    };
    match value {
        Value::Object(object) => filter_object(value, object),
        // An empty list stays as it was rendered.
        Value::Array(items) if items.is_empty() => Some(Projected::Whole(value)),
        Value::Array(items) => {
            let kept: Vec<_> = items
                .iter()
                .filter_map(|item| match item {
                    Value::Object(o) => filter_object(item, o),
                    _ => None,
                })
                .collect();
            (!kept.is_empty()).then(|| Projected::array(value, items.len(), kept))
        }
        // A simple value has no sub-attributes to select.
        _ => None,
    }
}

fn ref_matches(r: &AttrRef, schema: &Schema, urn: Option<&str>, key: &str) -> bool {
    let schema_ok = match (&r.urn, urn) {
        (None, _) => true,
        (Some(want), Some(have)) => want.eq_ignore_ascii_case(have),
        (Some(_), None) => false,
    };
    if !schema_ok {
        return false;
    }
    match &r.attr {
        // A whole-extension reference selects everything in that schema.
        None => r
            .urn
            .as_deref()
            .is_some_and(|u| u.eq_ignore_ascii_case(&schema.id)),
        Some(attr) => attr.eq_ignore_ascii_case(key),
    }
}

fn names_core(r: &AttrRef, core: &Schema, name: &str) -> bool {
    r.urn
        .as_deref()
        .is_none_or(|u| u.eq_ignore_ascii_case(&core.id))
        && r.attr
            .as_deref()
            .is_some_and(|a| a.eq_ignore_ascii_case(name))
}

fn parse_list(registry: &SchemaRegistry, text: &str) -> Result<Vec<AttrRef>, ScimError> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| parse_ref(registry, s))
        .collect()
}

/// The URN a reference's schema part names: a schema's own id (for an
/// alias, the RFC URN it stands for) or a kept extension's URN.
fn schema_urn(registry: &SchemaRegistry, text: &str) -> Option<String> {
    [ResourceKind::User, ResourceKind::Group]
        .into_iter()
        .find_map(|kind| match registry.named(kind, text) {
            Some(Named::Core(s) | Named::Extension(s)) => Some(s.id.to_lowercase()),
            None => registry.kept_schema(kind, text).map(str::to_lowercase),
        })
}

/// `attr[filter]` or `attr[filter].sub` (Microsoft's test collection
/// asks for `emails[type eq "work"]`): the attribute, without the filter;
/// a response carries whole attributes, not some of their values.
fn without_value_filter(text: &str) -> std::borrow::Cow<'_, str> {
    match (text.find('['), text.rfind(']')) {
        (Some(open), Some(close)) if close > open => {
            format!("{}{}", &text[..open], &text[close + 1..]).into()
        }
        _ => text.into(),
    }
}

fn parse_ref(registry: &SchemaRegistry, text: &str) -> Result<AttrRef, ScimError> {
    let original = text;
    let text = without_value_filter(text);
    let text = text.as_ref();
    if let Some(urn) = schema_urn(registry, text) {
        return Ok(AttrRef {
            urn: Some(urn),
            attr: None,
            sub: None,
        });
    }
    let (urn, rest) = if text.len() > 4 && text[..4].eq_ignore_ascii_case("urn:") {
        match text.rfind(':') {
            Some(i) => (
                Some(schema_urn(registry, &text[..i]).unwrap_or_else(|| text[..i].to_lowercase())),
                &text[i + 1..],
            ),
            None => (None, text),
        }
    } else {
        (None, text)
    };
    let mut parts = rest.splitn(2, '.');
    let attr = parts.next().unwrap_or_default();
    let sub = parts.next();
    let valid = |s: &str| {
        !s.is_empty()
            && s.chars().enumerate().all(|(i, c)| {
                c.is_ascii_alphabetic()
                    || (i > 0 && (c.is_ascii_digit() || c == '-' || c == '_'))
                    || (i == 0 && c == '$')
            })
    };
    if !valid(attr) || !sub.is_none_or(valid) {
        return Err(ScimError::invalid_value(format!(
            "'{original}' is not a valid attribute name in attributes or excludedAttributes"
        )));
    }
    Ok(AttrRef {
        urn,
        attr: Some(attr.to_lowercase()),
        sub: sub.map(str::to_lowercase),
    })
}

mod projected;
mod stored;

pub use projected::Projected;

#[cfg(test)]
mod tests;
