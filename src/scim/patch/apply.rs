//! Applying operations to a resource document.

use serde_json::{Map, Value};

use super::members::member_ids_in;
use super::paths::{ext_path, invalid_path, mutability, path_text, stored_key, sub_path};
use super::values::{filtered, whole};
use super::{MemberChanges, OpKind, Operation};
use crate::scim::error::ScimError;
use crate::scim::filter::Filter;
use crate::scim::path::{parse_path, PatchPath};
use crate::scim::schema::{Attribute, Mutability, Named, ResourceKind, Schema, SchemaRegistry};
use crate::scim::validate::{coerce, validate_resource, Attributes, Validated};

/// Applies `operations` in order to `document`, collects member operations
/// of a group into `members`, then validates the result against the schemas.
/// On error nothing the caller holds should be written: the caller applies
/// to a copy and writes only on success. The result's `unregistered` lists
/// only what the operations brought in, not what the resource already held.
pub fn apply(
    registry: &SchemaRegistry,
    kind: ResourceKind,
    document: Attributes,
    operations: &[super::Operation],
    members: &mut MemberChanges,
) -> Result<Validated, ScimError> {
    let held = validate_resource(registry, kind, &as_body(registry, kind, document.clone()))
        .map(|v| v.unregistered)
        .unwrap_or_default();
    let mut patcher = Patcher {
        registry,
        kind,
        doc: document,
        members,
    };
    for op in operations {
        patcher.operation(op)?;
    }
    let mut doc = patcher.doc;
    // Extensions left empty are unassigned.
    doc.retain(|_, v| !matches!(v, Value::Object(o) if o.is_empty()));
    let mut validated = validate_resource(registry, kind, &as_body(registry, kind, doc))?;
    validated.unregistered.retain(|u| !held.contains(u));
    Ok(validated)
}

/// A document as a resource body: its attributes and the schemas they use.
fn as_body(registry: &SchemaRegistry, kind: ResourceKind, doc: Attributes) -> Value {
    let mut schemas = vec![Value::from(kind.core_urn())];
    for ext in registry.extensions(kind) {
        if doc.contains_key(&ext.id) {
            schemas.push(Value::from(ext.id.clone()));
        }
    }
    let mut body = doc;
    body.insert("schemas".into(), Value::Array(schemas));
    Value::Object(body)
}

/// Where a path points.
struct Place<'a> {
    /// The extension holding the attribute, if any.
    extension: Option<&'a Schema>,
    attribute: &'a Attribute,
    sub: Option<&'a Attribute>,
    filter: Option<Filter>,
}

struct Patcher<'a, 'm> {
    registry: &'a SchemaRegistry,
    kind: ResourceKind,
    doc: Attributes,
    members: &'m mut MemberChanges,
}

impl<'a> Patcher<'a, '_> {
    fn operation(&mut self, op: &Operation) -> Result<(), ScimError> {
        let Some(path) = &op.path else {
            // No path: the value is an object of attributes, each applied
            // as if named by its key (Entra ID sends dotted and URN keys).
            let Some(Value::Object(values)) = &op.value else {
                return Err(ScimError::invalid_value(
                    "without a 'path', 'value' must be an object",
                ));
            };
            for (key, value) in values {
                if ["schemas", "id", "meta"]
                    .iter()
                    .any(|k| key.eq_ignore_ascii_case(k))
                {
                    continue;
                }
                if let Some(ext) = self.registry.extension(self.kind, key) {
                    let Value::Object(inner) = value else {
                        return Err(ScimError::invalid_value(format!(
                            "'{}' must be an object",
                            ext.id
                        )));
                    };
                    for (name, v) in inner {
                        if !name.eq_ignore_ascii_case("schemas") {
                            let path = ext_path(&ext.id, name);
                            self.at_path(op.kind, &path, Some(v), key)?;
                        }
                    }
                    continue;
                }
                if let (true, Value::Object(inner)) = (self.unregistered_urn(key), value) {
                    // An extension nobody registered, as an object: each
                    // attribute is kept as if named with the URN.
                    for (name, v) in inner {
                        if !name.eq_ignore_ascii_case("schemas") {
                            let path = ext_path(key, name);
                            self.at_path(op.kind, &path, Some(v), key)?;
                        }
                    }
                    continue;
                }
                let path = parse_path(key)
                    .map_err(|e| invalid_path(format!("invalid attribute \"{key}\": {e}")))?;
                self.at_path(op.kind, &path, Some(value), key)?;
            }
            return Ok(());
        };
        self.at_path(op.kind, path, op.value.as_ref(), &path_text(path))
    }

    fn at_path(
        &mut self,
        kind: OpKind,
        path: &PatchPath,
        value: Option<&Value>,
        text: &str,
    ) -> Result<(), ScimError> {
        if path.attr.urn.is_none() && path.attr.sub_attr.is_none() && path.filter.is_none() {
            let name = path.attr.attr.as_str();
            if ["id", "meta", "schemas"]
                .iter()
                .any(|k| name.eq_ignore_ascii_case(k))
            {
                return Err(mutability(format!("'{name}' is read-only")));
            }
            if name.eq_ignore_ascii_case("externalId") {
                match kind {
                    OpKind::Remove => {
                        self.doc.remove("externalId");
                    }
                    _ => {
                        self.doc
                            .insert("externalId".into(), value.cloned().unwrap_or(Value::Null));
                    }
                }
                return Ok(());
            }
        }
        if let Some(urn) = self.whole_extension(path) {
            return self.extension_op(kind, &urn, value, text);
        }
        let Some(place) = self.resolve(path, text)? else {
            return self.unregistered_op(kind, path, value, text);
        };
        if self.kind == ResourceKind::Group
            && place.extension.is_none()
            && place.attribute.name == "members"
        {
            return self.members_op(kind, &place, value, text);
        }
        let coerced = match (&place.filter, place.sub, value) {
            (_, None, Some(v)) => Some(coerce(place.attribute, v).into_owned()),
            _ => value.cloned(),
        };
        let value = coerced.as_ref();
        let container = self.container(place.extension)?;
        let name = place.attribute.name.clone();
        match (&place.filter, place.sub) {
            (None, None) => whole(container, &name, place.attribute, kind, value),
            (None, Some(sub)) => {
                let target = container
                    .entry(name)
                    .or_insert_with(|| Value::Object(Map::new()));
                let Value::Object(obj) = target else {
                    return Err(invalid_path(format!("'{text}' has no sub-attributes")));
                };
                match kind {
                    OpKind::Remove => {
                        obj.remove(&sub.name);
                    }
                    _ => {
                        obj.insert(sub.name.clone(), value.cloned().unwrap_or(Value::Null));
                    }
                }
                Ok(())
            }
            (Some(filter), sub) => filtered(
                container,
                &name,
                place.attribute,
                filter,
                sub,
                kind,
                value,
                text,
            ),
        }
    }

    /// A path naming a whole extension, e.g. the enterprise URN alone (its
    /// last colon-separated part parses as an attribute name): the URN the
    /// extension is stored under, registered or kept.
    fn whole_extension(&self, path: &PatchPath) -> Option<String> {
        let urn = path.attr.urn.as_deref()?;
        if path.attr.sub_attr.is_some() || path.filter.is_some() {
            return None;
        }
        let full = format!("{urn}:{}", path.attr.attr);
        if let Some(ext) = self.registry.extension(self.kind, &full) {
            return Some(ext.id.clone());
        }
        self.registry
            .kept_schema(self.kind, &full)
            .map(str::to_owned)
            .or_else(|| {
                self.doc
                    .keys()
                    .find(|k| k.eq_ignore_ascii_case(&full))
                    .cloned()
            })
    }

    fn sole_extension_with(&self, name: &str) -> Option<&'a Schema> {
        self.registry.sole_complex_extension(self.kind, name)
    }

    /// Whether a path-less key is the URN of an extension nobody
    /// registered (rather than a URN-qualified attribute of a known schema,
    /// which Entra ID also sends as a key).
    fn unregistered_urn(&self, key: &str) -> bool {
        if !key.contains(':') || self.registry.extension(self.kind, key).is_some() {
            return false;
        }
        match parse_path(key) {
            Ok(path) => path
                .attr
                .urn
                .as_deref()
                .is_none_or(|urn| self.registry.named(self.kind, urn).is_none()),
            Err(_) => true,
        }
    }

    /// An operation on an attribute no schema defines: it is kept as sent
    /// (or removed), under the spelling already stored or known.
    fn unregistered_op(
        &mut self,
        kind: OpKind,
        path: &PatchPath,
        value: Option<&Value>,
        text: &str,
    ) -> Result<(), ScimError> {
        if path.filter.is_some() {
            return Err(invalid_path(format!(
                "\"{text}\": a value filter needs an attribute a schema defines"
            )));
        }
        let schema = path
            .attr
            .urn
            .as_deref()
            .filter(|u| !self.registry.is_core(self.kind, u));
        let container: &mut Map<String, Value> = match schema {
            None => &mut self.doc,
            Some(urn) => {
                let stored = match self.registry.extension(self.kind, urn) {
                    Some(ext) => ext.id.clone(),
                    None => stored_key(
                        &self.doc,
                        self.registry.kept_schema(self.kind, urn).unwrap_or(urn),
                    ),
                };
                let entry = self
                    .doc
                    .entry(stored)
                    .or_insert_with(|| Value::Object(Map::new()));
                entry.as_object_mut().ok_or_else(|| {
                    invalid_path(format!("\"{text}\": the extension is not an object"))
                })?
            }
        };
        let name = stored_key(container, &path.attr.attr);
        let target: &mut Map<String, Value> = match &path.attr.sub_attr {
            None => container,
            Some(_) => container
                .entry(name.clone())
                .or_insert_with(|| Value::Object(Map::new()))
                .as_object_mut()
                .ok_or_else(|| invalid_path(format!("'{text}' has no sub-attributes")))?,
        };
        let key = match &path.attr.sub_attr {
            None => name,
            Some(sub) => stored_key(target, sub),
        };
        match (kind, value) {
            (OpKind::Remove, _) | (_, None) => {
                target.remove(&key);
            }
            (OpKind::Add, Some(v)) => match (target.get_mut(&key), v) {
                (Some(Value::Array(list)), Value::Array(new)) => list.extend(new.iter().cloned()),
                (Some(Value::Object(present)), Value::Object(new)) => {
                    present.extend(new.iter().map(|(k, v)| (k.clone(), v.clone())))
                }
                _ => {
                    target.insert(key, v.clone());
                }
            },
            (OpKind::Replace, Some(v)) => {
                target.insert(key, v.clone());
            }
        }
        Ok(())
    }

    /// add merges into an extension, replace sets it, remove clears it.
    fn extension_op(
        &mut self,
        kind: OpKind,
        urn: &str,
        value: Option<&Value>,
        text: &str,
    ) -> Result<(), ScimError> {
        if kind == OpKind::Remove {
            self.doc.remove(urn);
            return Ok(());
        }
        let Some(Value::Object(new)) = value else {
            return Err(ScimError::invalid_value(format!(
                "\"{text}\" takes an object of the extension's attributes"
            )));
        };
        match (kind, self.doc.get_mut(urn)) {
            (OpKind::Add, Some(Value::Object(present))) => present.extend(new.clone()),
            _ => {
                self.doc.insert(urn.to_owned(), Value::Object(new.clone()));
            }
        }
        Ok(())
    }

    /// Where a path points, or `None` for an attribute no schema defines.
    fn resolve(&self, path: &PatchPath, text: &str) -> Result<Option<Place<'a>>, ScimError> {
        let core = self.registry.core(self.kind);
        let (schema, extension) = match &path.attr.urn {
            None if core.attribute(&path.attr.attr).is_none() => {
                match self.sole_extension_with(&path.attr.attr) {
                    Some(ext) => (ext, Some(ext)),
                    None => (core, None),
                }
            }
            None => (core, None),
            Some(urn) => match self.registry.named(self.kind, urn) {
                Some(Named::Core(_)) => (core, None),
                Some(Named::Extension(ext)) => (ext, Some(ext)),
                None => return Ok(None),
            },
        };
        let Some(attribute) = schema.attribute(&path.attr.attr) else {
            return Ok(None);
        };
        if attribute.mutability == Mutability::ReadOnly {
            return Err(mutability(format!("'{}' is read-only", attribute.name)));
        }
        let sub_name = path
            .attr
            .sub_attr
            .as_deref()
            .or(path.sub_attr_after_filter.as_deref());
        let sub = match sub_name {
            None => None,
            Some(name) => {
                let Some(sub) = attribute.sub_attribute(name) else {
                    if path.filter.is_some() || attribute.multi_valued {
                        return Err(invalid_path(format!(
                            "unknown sub-attribute in path \"{text}\""
                        )));
                    }
                    return Ok(None);
                };
                if sub.mutability == Mutability::ReadOnly {
                    return Err(mutability(format!(
                        "'{}.{}' is read-only",
                        attribute.name, sub.name
                    )));
                }
                Some(sub)
            }
        };
        if path.filter.is_some() && !attribute.multi_valued {
            return Err(invalid_path(format!(
                "\"{text}\": a value filter needs a multi-valued attribute"
            )));
        }
        if path.attr.sub_attr.is_some() && attribute.multi_valued && path.filter.is_none() {
            // `emails.value` without a filter names every value's sub-attribute.
            return Ok(Some(Place {
                extension,
                attribute,
                sub,
                filter: Some(Filter::Present(sub_path("value"))),
            }));
        }
        Ok(Some(Place {
            extension,
            attribute,
            sub,
            filter: path.filter.clone(),
        }))
    }

    fn container(
        &mut self,
        extension: Option<&Schema>,
    ) -> Result<&mut Map<String, Value>, ScimError> {
        let Some(ext) = extension else {
            return Ok(&mut self.doc);
        };
        self.doc
            .entry(ext.id.clone())
            .or_insert_with(|| Value::Object(Map::new()))
            .as_object_mut()
            .ok_or_else(|| ScimError::invalid_value(format!("'{}' must be an object", ext.id)))
    }

    fn members_op(
        &mut self,
        kind: OpKind,
        place: &Place<'_>,
        value: Option<&Value>,
        text: &str,
    ) -> Result<(), ScimError> {
        if place.sub.is_some() && place.filter.is_none() {
            return Err(invalid_path(format!(
                "\"{text}\": members are added or removed whole"
            )));
        }
        let ids = |v: Option<&Value>| -> Result<Vec<String>, ScimError> {
            let items = match v {
                None => Vec::new(),
                Some(Value::Array(items)) => items.clone(),
                Some(other) => vec![other.clone()],
            };
            items
                .iter()
                .map(|item| {
                    // A member given as its bare id (Microsoft's test collection).
                    item.as_str()
                        .or_else(|| item.get("value").and_then(Value::as_str))
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                        .ok_or_else(|| {
                            ScimError::invalid_value(
                                "each member needs a 'value' with the member's id",
                            )
                        })
                })
                .collect()
        };
        match (kind, &place.filter) {
            (OpKind::Add, None) => self.members.add(ids(value)?),
            (OpKind::Replace, None) => self.members.replace(ids(value)?),
            (OpKind::Remove, None) if value.is_some() => self.members.remove(ids(value)?),
            (OpKind::Remove, None) => self.members.replace(Vec::new()),
            (OpKind::Remove, Some(filter)) if place.sub.is_none() => self.members.remove(member_ids_in(filter, text)?),
            _ => {
                return Err(invalid_path(format!(
                    "\"{text}\": select members by value to remove them; add or replace them without a filter"
                )))
            }
        }
        Ok(())
    }
}
