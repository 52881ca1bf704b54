//! A resource laid out for a response — its members in order, what is
//! stored as its stored JSON text (or as values, for a resource just
//! written) and what is derived as typed parts — and the view
//! a projection keeps of it. A page of full users was a JSON object per
//! user and per group, entitlement and grant in it, each key hashed on
//! insert, then written out; now the page is written from the members.

use std::borrow::Cow;
use std::sync::{Arc, PoisonError, RwLock, Weak};

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::derived::{Derived, DerivedData, DerivedRef};
use super::stored::parsed;
use crate::scim::projection::{Projected, Projection};
use crate::scim::schema::{ResourceKind, SchemaRegistry};

/// One member of a rendered resource.
#[derive(Debug)]
pub(super) enum Part {
    Value(Value),
    /// A stored value, as its JSON text (`stored`).
    Raw(Box<RawValue>),
    Derived(Derived),
}

/// A resource laid out for a response (`ScimResource::render`).
#[derive(Debug)]
pub struct Rendered<'b> {
    members: Vec<(Cow<'static, str>, Part)>,
    derived: DerivedData,
    base_url: &'b str,
}

impl<'b> Rendered<'b> {
    pub(super) fn new(derived: DerivedData, base_url: &'b str) -> Rendered<'b> {
        Rendered {
            members: Vec::with_capacity(16),
            derived,
            base_url,
        }
    }

    pub(super) fn has(&self, key: &str) -> bool {
        self.members.iter().any(|(k, _)| k == key)
    }

    /// Sets a member as a JSON object's insert does: in its place when the
    /// resource has it already, else last.
    pub(super) fn set(&mut self, key: impl Into<Cow<'static, str>>, part: Part) {
        let key = key.into();
        match self.members.iter_mut().find(|(k, _)| *k == key) {
            Some((_, old)) => *old = part,
            None => self.members.push((key, part)),
        }
    }

    pub(super) fn set_value(&mut self, key: impl Into<Cow<'static, str>>, value: impl Into<Value>) {
        self.set(key, Part::Value(value.into()));
    }

    /// Adds a member the resource has not got: the identifying members
    /// laid out first, stored members placed once. Cheaper than `set`,
    /// which looks for the key among the members first.
    pub(super) fn push(&mut self, key: impl Into<Cow<'static, str>>, part: Part) {
        let key = key.into();
        debug_assert!(!self.has(&key), "{key} pushed twice");
        self.members.push((key, part));
    }

    pub(super) fn push_value(
        &mut self,
        key: impl Into<Cow<'static, str>>,
        value: impl Into<Value>,
    ) {
        self.push(key, Part::Value(value.into()));
    }

    /// The resource as one JSON value.
    pub fn into_value(self) -> Value {
        let Rendered {
            members,
            derived,
            base_url,
        } = self;
        let mut out = Map::new();
        for (key, part) in members {
            let value = match part {
                Part::Value(v) => v,
                Part::Raw(raw) => parsed(&raw),
                Part::Derived(part) => DerivedRef {
                    part,
                    data: &derived,
                    base_url,
                }
                .to_value(),
            };
            out.insert(key.into_owned(), value);
        }
        Value::Object(out)
    }
}

/// How a projection treats a derived part, the same for every resource.
#[derive(Debug, Clone, Copy)]
enum Keep {
    Whole,
    Dropped,
    /// Some sub-attributes: the part is made a value and projected.
    Some,
}

/// Views of a page's rendered resources under one projection. How the
/// projection treats each derived part is worked out once, on a sample of
/// the part (every entry of a part has the same members), not per resource.
pub struct Viewer<'p> {
    projection: &'p Projection,
    registry: &'p SchemaRegistry,
    kind: ResourceKind,
    keep: [Option<Keep>; Derived::ALL.len()],
    /// The snapshot `registry` is, when what `keep` works out is the same
    /// for every page read with it (`Viewer::of_snapshot`).
    snapshot: Option<&'p Arc<SchemaRegistry>>,
}

impl<'p> Viewer<'p> {
    pub fn new(
        projection: &'p Projection,
        registry: &'p SchemaRegistry,
        kind: ResourceKind,
    ) -> Viewer<'p> {
        Viewer {
            projection,
            registry,
            kind,
            keep: [None; Derived::ALL.len()],
            snapshot: None,
        }
    }

    /// A viewer of a page read with the schema snapshot `snapshot`. Under
    /// the default projection (no `attributes`, no `excludedAttributes`:
    /// nearly every IdP request) how each derived part is shown depends on
    /// the snapshot alone, so it is worked out for the first page and
    /// remembered for the rest: working it out on the sample parts was ~5%
    /// of the server's CPU in a `userName eq` lookup, whose page is one user.
    pub fn of_snapshot(
        projection: &'p Projection,
        snapshot: &'p Arc<SchemaRegistry>,
        kind: ResourceKind,
    ) -> Viewer<'p> {
        let mut viewer = Viewer::new(projection, snapshot, kind);
        if projection.is_default() {
            viewer.snapshot = Some(snapshot);
            if let Some(keep) = remembered(snapshot, kind) {
                viewer.keep = keep;
            }
        }
        viewer
    }

    /// What of `rendered` the response carries, borrowed from it.
    pub fn view<'v>(&mut self, rendered: &'v Rendered<'_>) -> RenderedView<'v> {
        let mut members = Vec::with_capacity(rendered.members.len());
        for (key, part) in &rendered.members {
            let shown = match part {
                Part::Value(value) => self
                    .projection
                    .view_member(self.registry, self.kind, key, value)
                    .map(Shown::Projected),
                // Written as stored when the projection shows it whole
                // whatever it holds (the common case: no projection);
                // else parsed and cut like any value.
                Part::Raw(raw) => {
                    if self
                        .projection
                        .keeps_stored_whole(self.registry, self.kind, key, raw)
                    {
                        Some(Shown::Raw(raw))
                    } else {
                        let value = parsed(raw);
                        self.projection
                            .view_member(self.registry, self.kind, key, &value)
                            .map(|kept| Shown::Owned(kept.to_value()))
                    }
                }
                Part::Derived(part) => {
                    let part = DerivedRef {
                        part: *part,
                        data: &rendered.derived,
                        base_url: rendered.base_url,
                    };
                    match self.keep(part.part, key) {
                        Keep::Whole => Some(Shown::Derived(part)),
                        Keep::Dropped => None,
                        Keep::Some => {
                            let whole = part.to_value();
                            self.projection
                                .view_member(self.registry, self.kind, key, &whole)
                                .map(|kept| Shown::Owned(kept.to_value()))
                        }
                    }
                }
            };
            if let Some(shown) = shown {
                members.push((key.as_ref(), shown));
            }
        }
        RenderedView { members }
    }

    fn keep(&mut self, part: Derived, key: &str) -> Keep {
        if let Some(keep) = self.keep.get(part.index()).copied().flatten() {
            return keep;
        }
        let sample = DerivedData::sample(self.kind);
        let value = DerivedRef {
            part,
            data: &sample,
            base_url: "",
        }
        .to_value();
        let keep = match self
            .projection
            .view_member(self.registry, self.kind, key, &value)
        {
            None => Keep::Dropped,
            Some(Projected::Whole(_)) => Keep::Whole,
            Some(_) => Keep::Some,
        };
        if let Some(slot) = self.keep.get_mut(part.index()) {
            *slot = Some(keep);
        }
        if let Some(snapshot) = self.snapshot {
            remember(snapshot, self.kind, self.keep);
        }
        keep
    }
}

/// How the default projection shows each derived part, by schema snapshot
/// and resource type (`Viewer::of_snapshot`). A snapshot is known by its
/// allocation: the `Weak` kept here holds that allocation, so no other
/// snapshot can be made at its address while the entry stands, and a
/// snapshot cannot change once shared (`Arc`).
static REMEMBERED: RwLock<Vec<Remembered>> = RwLock::new(Vec::new());

struct Remembered {
    snapshot: Weak<SchemaRegistry>,
    kind: ResourceKind,
    keep: [Option<Keep>; Derived::ALL.len()],
}

impl Remembered {
    fn is_for(&self, snapshot: &Arc<SchemaRegistry>, kind: ResourceKind) -> bool {
        self.kind == kind && std::ptr::eq(self.snapshot.as_ptr(), Arc::as_ptr(snapshot))
    }
}

fn remembered(
    snapshot: &Arc<SchemaRegistry>,
    kind: ResourceKind,
) -> Option<[Option<Keep>; Derived::ALL.len()]> {
    let list = REMEMBERED.read().unwrap_or_else(PoisonError::into_inner);
    list.iter()
        .find(|r| r.is_for(snapshot, kind))
        .map(|r| r.keep)
}

fn remember(
    snapshot: &Arc<SchemaRegistry>,
    kind: ResourceKind,
    keep: [Option<Keep>; Derived::ALL.len()],
) {
    let mut list = REMEMBERED.write().unwrap_or_else(PoisonError::into_inner);
    // Entries of snapshots no request holds any more (a registration made
    // a new one) go, and their allocations with them.
    list.retain(|r| r.snapshot.strong_count() > 0);
    match list.iter_mut().find(|r| r.is_for(snapshot, kind)) {
        // Another page may have worked out other parts meanwhile: both kept.
        Some(entry) => {
            for (slot, found) in entry.keep.iter_mut().zip(keep) {
                *slot = slot.or(found);
            }
        }
        None => list.push(Remembered {
            snapshot: Arc::downgrade(snapshot),
            kind,
            keep,
        }),
    }
}

/// What a response carries of one rendered resource.
#[derive(Debug)]
pub struct RenderedView<'v> {
    members: Vec<(&'v str, Shown<'v>)>,
}

#[derive(Debug)]
enum Shown<'v> {
    Projected(Projected<'v>),
    Derived(DerivedRef<'v>),
    /// A stored value, written as stored.
    Raw(&'v RawValue),
    /// Some sub-attributes of a derived part, or of a stored value.
    Owned(Value),
}

impl Serialize for RenderedView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_map(Some(self.members.len()))?;
        for (key, shown) in &self.members {
            match shown {
                Shown::Projected(v) => out.serialize_entry(key, v)?,
                Shown::Derived(v) => out.serialize_entry(key, v)?,
                Shown::Raw(v) => out.serialize_entry(key, v)?,
                Shown::Owned(v) => out.serialize_entry(key, v)?,
            }
        }
        out.end()
    }
}
