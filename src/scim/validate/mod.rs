//! Validation of incoming resources against their schemas: types, required
//! attributes, canonical values, mutability. The output is the resource's
//! writable attributes under their canonical (schema) names.
//!
//! What identity providers really send is read the way they mean it (see
//! `../shared/IDP-NOTES.md`): schema URN aliases name the RFC schemas; a
//! bare value where a complex value with a `value` sub-attribute belongs is
//! that value (Entra ID's `manager`, a member given as an id); a
//! JSON-encoded list where a multi-valued complex attribute belongs is
//! decoded (Entra ID's `roles`); attributes no schema defines are kept as
//! sent and listed as [`Unregistered`], for the directory's sync health and
//! for directories that refuse them (`strict_schema`).

mod coerce;
mod limits;
mod values;

pub use limits::MAX_KEY_CHARS;

pub use coerce::{coerce, coerce_bool};

use serde_json::{Map, Value};

use super::error::ScimError;
use super::schema::{KeptAttribute, Mutability, ResourceKind, Schema, SchemaRegistry};

/// A resource body checked against its schemas. Keys are canonical attribute
/// names; extension attributes sit in an object under the extension's URN.
/// Read-only and write-only attributes are not in it. Attributes no schema
/// defines are in it as sent.
pub type Attributes = Map<String, Value>;

/// A checked resource: its attributes, and what in them no schema defines.
#[derive(Debug, Clone)]
pub struct Validated {
    pub attributes: Attributes,
    pub unregistered: Vec<Unregistered>,
}

/// Something a request carried that no schema defines: kept, unless the
/// directory is strict, when `refusal` is the answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Unregistered {
    /// The extension URN it came under, as stored; `None` for the core schema.
    pub schema: Option<String>,
    /// Its path below the schema (`costCenter`, `name.pronunciation`);
    /// empty for a URN in `schemas` that names no schema.
    pub name: String,
    /// The value sent.
    pub example: Value,
    /// The error a strict directory answers (RFC 7644 §3.12).
    pub refusal: ScimError,
}

impl Unregistered {
    /// What the registry keeps of it, if it is an attribute.
    pub fn kept(&self, kind: ResourceKind) -> Option<KeptAttribute> {
        (!self.name.is_empty()).then(|| KeptAttribute {
            kind,
            schema: self.schema.clone(),
            name: self.name.clone(),
        })
    }
}

/// Checks a POST or PUT body and returns its writable attributes.
pub fn validate_resource(
    registry: &SchemaRegistry,
    kind: ResourceKind,
    body: &Value,
) -> Result<Validated, ScimError> {
    let object = body
        .as_object()
        .ok_or_else(|| ScimError::invalid_syntax("the request body must be a JSON object"))?;
    let mut checker = Checker {
        registry,
        kind,
        unregistered: Vec::new(),
    };
    checker.check_schemas(object)?;
    let mut out = Map::new();
    checker.attributes(object, &mut out)?;
    // The body was checked for NUL as it arrived; values decoded since
    // (Entra ID's JSON-encoded `roles`) are checked here.
    if let Some(path) = super::nul::find_nul_in(&out) {
        return Err(ScimError::invalid_value(super::nul::refusal(&path)));
    }
    let core = registry.core(kind);
    check_required(core, &out)?;
    for extension in registry.extensions(kind) {
        if let Some(Value::Object(ext)) = out.get(&extension.id) {
            check_required(extension, ext)?;
        }
    }
    Ok(Validated {
        attributes: out,
        unregistered: checker.unregistered,
    })
}

/// Where a value sits, for messages and for what is kept.
#[derive(Clone, Copy)]
struct Place<'p> {
    /// The extension URN, as stored; `None` in the core schema.
    schema: Option<&'p str>,
    /// The top-level attribute's name, as stored.
    attribute: &'p str,
    /// The path shown in messages (`emails[0]`, `name`).
    path: &'p str,
}

struct Checker<'a> {
    registry: &'a SchemaRegistry,
    kind: ResourceKind,
    unregistered: Vec<Unregistered>,
}

impl Checker<'_> {
    fn check_schemas(&mut self, object: &Map<String, Value>) -> Result<(), ScimError> {
        let kind = self.kind;
        let schemas = object
            .get("schemas")
            .and_then(Value::as_array)
            .ok_or_else(|| {
                ScimError::invalid_syntax(format!(
                    "'schemas' must be an array that includes \"{}\"",
                    kind.core_urn()
                ))
            })?;
        let mut has_core = false;
        for urn in schemas {
            let urn = urn
                .as_str()
                .ok_or_else(|| ScimError::invalid_syntax("'schemas' must contain only strings"))?;
            if self.registry.is_core(kind, urn) {
                has_core = true;
            } else if self.registry.extension(kind, urn).is_none() {
                let refusal = unsupported_schema(urn, kind);
                if self.names_other_type(urn) {
                    return Err(refusal);
                }
                self.unregistered.push(Unregistered {
                    schema: Some(urn.to_owned()),
                    name: String::new(),
                    example: Value::Null,
                    refusal,
                });
            }
        }
        if has_core {
            Ok(())
        } else {
            Err(ScimError::invalid_syntax(format!(
                "'schemas' must include \"{}\"",
                kind.core_urn()
            )))
        }
    }

    /// Whether `urn` is a schema of the other resource type: a mistake,
    /// not an extension nobody registered.
    fn names_other_type(&self, urn: &str) -> bool {
        let other = match self.kind {
            ResourceKind::User => ResourceKind::Group,
            ResourceKind::Group => ResourceKind::User,
        };
        self.registry.named(other, urn).is_some()
    }

    /// The top-level members of a body (or of a core-schema object in it).
    fn attributes(
        &mut self,
        object: &Map<String, Value>,
        out: &mut Attributes,
    ) -> Result<(), ScimError> {
        let kind = self.kind;
        for (key, value) in object {
            if ["schemas", "id", "meta"]
                .iter()
                .any(|k| key.eq_ignore_ascii_case(k))
            {
                // `id` and `meta` are readOnly (RFC 7643 §3.1): ignored on input.
                continue;
            }
            if key.eq_ignore_ascii_case("externalId") {
                match value {
                    Value::Null => {}
                    Value::String(s) => {
                        limits::check_key_length(s, "externalId")?;
                        out.insert("externalId".into(), Value::String(s.clone()));
                    }
                    _ => return Err(ScimError::invalid_value("externalId must be a string")),
                }
                continue;
            }
            if key.contains(':') {
                self.under_urn(key, value, out)?;
                continue;
            }
            let core = self.registry.core(kind);
            if let Some(ext) = self.registry.sole_complex_extension(kind, key) {
                // `manager` without the enterprise URN (Entra ID): where
                // it belongs, beside what the body sends under the URN.
                let mut inner = Map::new();
                inner.insert(key.clone(), value.clone());
                let checked = self.extension(ext, &Value::Object(inner))?;
                if !checked.is_empty() {
                    let slot = out
                        .entry(ext.id.clone())
                        .or_insert_with(|| Value::Object(Map::new()));
                    if let Value::Object(o) = slot {
                        o.extend(checked);
                    }
                }
                continue;
            }
            let Some(attribute) = core.attribute(key) else {
                let refusal = ScimError::invalid_syntax(format!(
                    "unknown attribute '{key}' for resource type {}",
                    kind.name()
                ));
                self.keep(None, key, value, refusal, out);
                continue;
            };
            let place = Place {
                schema: None,
                attribute: &attribute.name,
                path: &attribute.name,
            };
            if let Some(v) = self.value(attribute, value, place)? {
                out.insert(attribute.name.clone(), v);
            }
        }
        Ok(())
    }

    /// A member named by a schema URN: an extension's object, attributes of
    /// the core schema grouped under its URN, or an extension nobody
    /// registered (kept as sent).
    fn under_urn(
        &mut self,
        urn: &str,
        value: &Value,
        out: &mut Attributes,
    ) -> Result<(), ScimError> {
        if let Some(extension) = self.registry.extension(self.kind, urn) {
            let ext = self.extension(extension, value)?;
            if !ext.is_empty() {
                // Merged: an alias and the RFC URN may both be sent.
                match out.get_mut(&extension.id) {
                    Some(Value::Object(present)) => present.extend(ext),
                    _ => {
                        out.insert(extension.id.clone(), Value::Object(ext));
                    }
                }
            }
            return Ok(());
        }
        if self.registry.is_core(self.kind, urn) {
            let Value::Object(inner) = value else {
                return Err(ScimError::invalid_syntax(format!(
                    "'{urn}' must be a JSON object"
                )));
            };
            return self.attributes(inner, out);
        }
        let refusal = unsupported_schema(urn, self.kind);
        if self.names_other_type(urn) {
            return Err(refusal);
        }
        if value.is_null() {
            return Ok(());
        }
        let stored = self
            .registry
            .kept_schema(self.kind, urn)
            .unwrap_or(urn)
            .to_owned();
        match value {
            Value::Object(inner) => {
                for (name, v) in inner {
                    if !name.eq_ignore_ascii_case("schemas") {
                        self.note(Some(&stored), name, v, refusal.clone());
                    }
                }
            }
            other => self.note(Some(&stored), "", other, refusal),
        }
        out.insert(stored, value.clone());
        Ok(())
    }

    fn extension(&mut self, extension: &Schema, value: &Value) -> Result<Attributes, ScimError> {
        let object = match value {
            Value::Null => return Ok(Map::new()),
            Value::Object(o) => o,
            _ => {
                return Err(ScimError::invalid_syntax(format!(
                    "'{}' must be a JSON object",
                    extension.id
                )))
            }
        };
        let mut out = Map::new();
        for (key, value) in object {
            // Some clients repeat `schemas` inside the extension object.
            if key.eq_ignore_ascii_case("schemas") {
                continue;
            }
            let Some(attribute) = extension.attribute(key) else {
                let refusal = ScimError::invalid_syntax(format!(
                    "unknown attribute '{key}' in {}",
                    extension.id
                ));
                self.keep(Some(&extension.id), key, value, refusal, &mut out);
                continue;
            };
            let place = Place {
                schema: Some(&extension.id),
                attribute: &attribute.name,
                path: &attribute.name,
            };
            if let Some(v) = self.value(attribute, value, place)? {
                out.insert(attribute.name.clone(), v);
            }
        }
        Ok(out)
    }

    /// Keeps a member no schema defines in `out`, under the spelling the
    /// registry already knows for it (names are case-insensitive).
    fn keep(
        &mut self,
        schema: Option<&str>,
        name: &str,
        value: &Value,
        refusal: ScimError,
        out: &mut Attributes,
    ) {
        if value.is_null() {
            return;
        }
        let stored = self
            .registry
            .kept_entry(self.kind, schema, name)
            .map_or(name, |k| k.name.as_str())
            .to_owned();
        self.note(schema, &stored, value, refusal);
        out.insert(stored, value.clone());
    }

    fn note(&mut self, schema: Option<&str>, name: &str, value: &Value, refusal: ScimError) {
        self.unregistered.push(Unregistered {
            schema: schema.map(str::to_owned),
            name: name.to_owned(),
            example: value.clone(),
            refusal,
        });
    }
}

fn unsupported_schema(urn: &str, kind: ResourceKind) -> ScimError {
    ScimError::invalid_value(format!(
        "schema \"{urn}\" is not supported for resource type {}",
        kind.name()
    ))
}

fn check_required(schema: &Schema, attributes: &Attributes) -> Result<(), ScimError> {
    for attribute in &schema.attributes {
        if attribute.required
            && attribute.mutability != Mutability::ReadOnly
            && !attributes.contains_key(&attribute.name)
        {
            return Err(ScimError::invalid_value(format!(
                "required attribute '{}' is missing",
                attribute.name
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
