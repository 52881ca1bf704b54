//! The schemas in force: the built-in ones, the extensions admins register
//! (stored, indexed, audited), and the attributes directories sent that no
//! schema defines (kept, and filterable once seen). Every request works on
//! one snapshot ([`LiveSchemas::current`]); a registration, or another
//! instance's (seen at the next reload), makes a new one.

use std::sync::{Arc, RwLock};

use serde::Serialize;
use serde_json::{json, Value};

use super::audit::{self, Change};
use super::{AccessError, WriteContext};
use crate::scim::schema::custom::{self, CustomSchema};
use crate::scim::schema::{AttrType, KeptAttribute, ResourceKind, SchemaRegistry};
use crate::store::custom_schemas::{self, IndexedAttribute};
use crate::store::models::CustomSchemaRow;
use crate::store::sql_filter::json::JsonBase;
use crate::store::{sync_health, DbConn, StoreResult};

/// Most attributes of one registered schema that get an index of their
/// own: each index costs every write of the resource type a little.
pub const MAX_INDEXED: usize = 20;

/// The schema registry in force, replaced whole when it changes.
pub struct LiveSchemas {
    /// The built-in schemas, which never change.
    base: SchemaRegistry,
    current: RwLock<Arc<SchemaRegistry>>,
}

impl LiveSchemas {
    /// Starts from the built-in schemas alone (`reload` adds the rest).
    pub fn new(base: SchemaRegistry) -> LiveSchemas {
        let current = RwLock::new(Arc::new(base.clone()));
        LiveSchemas { base, current }
    }

    /// The snapshot a request works on.
    pub fn current(&self) -> Arc<SchemaRegistry> {
        self.current
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    fn replace(&self, registry: SchemaRegistry) {
        *self
            .current
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Arc::new(registry);
    }

    /// Rebuilds the snapshot from the database: registered schemas and the
    /// attributes kept so far (with those kept in memory since the last
    /// sync-health flush, so none goes missing in between).
    pub fn reload(&self, conn: &mut DbConn) -> StoreResult<()> {
        let custom = load_custom(conn)?;
        let stored: Vec<KeptAttribute> = sync_health::kept_names(conn)?
            .into_iter()
            .filter_map(|(kind, urn, name)| {
                Some(KeptAttribute {
                    kind: kind_named(&kind)?,
                    schema: (!urn.is_empty()).then_some(urn),
                    name,
                })
            })
            .collect();
        let mut next = self.base.extended(&custom, &stored);
        let held = self.current();
        let unflushed: Vec<KeptAttribute> = held
            .kept_attributes()
            .iter()
            .filter(|k| !k.schema.as_deref().is_some_and(|u| next.is_custom(u)))
            .cloned()
            .collect();
        next.keep(&unflushed);
        self.replace(next);
        Ok(())
    }

    /// Makes attributes a directory sent filterable at once (they reach
    /// the database with the next sync-health flush).
    pub fn keep(&self, attributes: &[KeptAttribute]) {
        if attributes.is_empty() || self.current().knows_all(attributes) {
            return;
        }
        let mut guard = self
            .current
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut next = (**guard).clone();
        if next.keep(attributes) {
            *guard = Arc::new(next);
        }
    }
}

fn kind_named(name: &str) -> Option<ResourceKind> {
    match name {
        "User" => Some(ResourceKind::User),
        "Group" => Some(ResourceKind::Group),
        _ => None,
    }
}

fn load_custom(conn: &mut DbConn) -> StoreResult<Vec<CustomSchema>> {
    let mut out = Vec::new();
    for row in custom_schemas::list(conn)? {
        let parsed = kind_named(&row.resource_type).and_then(|kind| {
            let doc: Value = serde_json::from_str(&row.document).ok()?;
            custom::parse(&doc, kind).ok()
        });
        match parsed {
            Some(schema) => out.push(schema),
            // Checked when registered; a row that no longer parses is
            // skipped, not fatal to the server.
            None => tracing::error!(urn = %row.urn, "a registered schema could not be read"),
        }
    }
    Ok(out)
}

/// A registered extension as the admin API shows it.
#[derive(Debug, Clone, Serialize)]
pub struct SchemaView {
    pub id: String,
    pub name: String,
    pub resource_type: &'static str,
    /// Attributes whose filters are index lookups (`attr` or `attr.sub`).
    pub indexed: Vec<String>,
    /// The schema document, as `/Schemas` serves it.
    pub document: Value,
}

fn view(schema: &CustomSchema) -> SchemaView {
    SchemaView {
        id: schema.schema.id.clone(),
        name: schema.schema.name.clone(),
        resource_type: schema.kind.name(),
        indexed: indexed_attributes(schema)
            .iter()
            .map(|a| a.keys.get(1..).unwrap_or_default().join("."))
            .collect(),
        document: schema.document.clone(),
    }
}

/// The attributes of a schema that get an index: singular strings and
/// numbers, top-level or inside a singular complex attribute, in the
/// order the document lists them, up to `MAX_INDEXED`. Booleans and
/// dateTimes are not indexed (too few values; compared as times).
pub fn indexed_attributes(schema: &CustomSchema) -> Vec<IndexedAttribute> {
    let base = match schema.kind {
        ResourceKind::User => JsonBase::Users,
        ResourceKind::Group => JsonBase::Groups,
    };
    let leaf = |keys: Vec<String>, kind: AttrType, case_exact: bool| {
        let numeric = matches!(kind, AttrType::Integer | AttrType::Decimal);
        let textual = matches!(
            kind,
            AttrType::String | AttrType::Reference | AttrType::Binary
        );
        (numeric || textual).then_some(IndexedAttribute {
            base,
            keys,
            folded: textual && !case_exact,
            numeric,
        })
    };
    let mut out = Vec::new();
    for a in schema.schema.attributes.iter().filter(|a| !a.multi_valued) {
        let top = vec![schema.schema.id.clone(), a.name.clone()];
        if a.kind == AttrType::Complex {
            for s in a.sub_attributes.iter().filter(|s| !s.multi_valued) {
                let mut keys = top.clone();
                keys.push(s.name.clone());
                out.extend(leaf(keys, s.kind, s.case_exact));
            }
        } else {
            out.extend(leaf(top, a.kind, a.case_exact));
        }
    }
    out.truncate(MAX_INDEXED);
    out
}

/// Registers an extension schema: checks the document, stores it, makes
/// the indexes of its attributes, and audits it, in one transaction.
/// Attributes kept under its URN before are no longer unregistered.
pub fn register(
    conn: &mut DbConn,
    ctx: &WriteContext,
    current: &SchemaRegistry,
    document: &Value,
    resource_type: Option<&str>,
) -> Result<SchemaView, AccessError> {
    let urn = document
        .get("id")
        .and_then(Value::as_str)
        .ok_or_else(|| AccessError::Invalid("a schema document needs an \"id\": its URN".into()))?;
    let kind = custom::resource_kind(urn, resource_type).map_err(invalid)?;
    if current.is_taken(urn) {
        return Err(AccessError::Conflict(format!(
            "schema \"{urn}\" is already defined; remove it first to change it"
        )));
    }
    let schema = custom::parse(document, kind).map_err(invalid)?;
    custom_schemas::insert(
        conn,
        &CustomSchemaRow {
            urn: schema.schema.id.clone(),
            resource_type: kind.name().to_owned(),
            document: schema.document.to_string(),
            created_at: ctx.now,
        },
    )?;
    sync_health::forget_schema(conn, &schema.schema.id)?;
    for attribute in indexed_attributes(&schema) {
        custom_schemas::create_index(conn, &attribute)?;
    }
    audit::record(
        conn,
        ctx,
        Change {
            action: "schema.registered",
            target_type: "Schema",
            target_id: &schema.schema.id,
            before: None,
            after: Some(json!({"resource_type": kind.name(), "document": schema.document})),
        },
    )?;
    Ok(view(&schema))
}

fn invalid(e: crate::scim::ScimError) -> AccessError {
    AccessError::Invalid(e.detail)
}

/// The registered extensions.
pub fn list(conn: &mut DbConn) -> Result<Vec<SchemaView>, AccessError> {
    Ok(load_custom(conn)?.iter().map(view).collect())
}

/// One registered extension.
pub fn get(conn: &mut DbConn, urn: &str) -> Result<SchemaView, AccessError> {
    load_custom(conn)?
        .iter()
        .find(|s| s.schema.id.eq_ignore_ascii_case(urn))
        .map(view)
        .ok_or_else(|| AccessError::NotFound(format!("schema \"{urn}\" is not registered")))
}

/// Removes a registered extension and its indexes. Values stored under it
/// stay on the resources (and are returned); they are filtered again once
/// a schema for them is registered.
pub fn remove(conn: &mut DbConn, ctx: &WriteContext, urn: &str) -> Result<(), AccessError> {
    let schema = load_custom(conn)?
        .into_iter()
        .find(|s| s.schema.id.eq_ignore_ascii_case(urn))
        .ok_or_else(|| AccessError::NotFound(format!("schema \"{urn}\" is not registered")))?;
    custom_schemas::delete(conn, &schema.schema.id)?;
    for attribute in indexed_attributes(&schema) {
        custom_schemas::drop_index(conn, &attribute)?;
    }
    audit::record(
        conn,
        ctx,
        Change {
            action: "schema.removed",
            target_type: "Schema",
            target_id: &schema.schema.id,
            before: Some(json!({"resource_type": schema.kind.name(), "document": schema.document})),
            after: None,
        },
    )?;
    Ok(())
}
