//! SCIM resources as the protocol sees them, and their JSON rendering
//! (RFC 7643 §3.1 common attributes, §4 User and Group).

use serde_json::Value;

use super::schema::{ResourceKind, SchemaRegistry};

/// A resource the SCIM endpoints serve, users and groups alike.
pub trait ScimResource: Send + 'static {
    const KIND: ResourceKind;
    fn id(&self) -> &str;
    fn meta(&self) -> &Meta;
    /// The resource laid out for a response, every attribute it holds in
    /// the order responses show them; its values are moved, not copied.
    fn render<'b>(self, registry: &SchemaRegistry, base_url: &'b str) -> Rendered<'b>;

    /// The SCIM JSON of the resource, with every attribute it holds.
    fn into_json(self, registry: &SchemaRegistry, base_url: &str) -> Value
    where
        Self: Sized,
    {
        self.render(registry, base_url).into_value()
    }

    /// The SCIM JSON of a resource that is kept.
    fn to_json(&self, registry: &SchemaRegistry, base_url: &str) -> Value
    where
        Self: Clone,
    {
        self.clone().into_json(registry, base_url)
    }
}

impl ScimResource for UserResource {
    const KIND: ResourceKind = ResourceKind::User;
    fn id(&self) -> &str {
        &self.id
    }
    fn meta(&self) -> &Meta {
        &self.meta
    }
    fn render<'b>(self, registry: &SchemaRegistry, base_url: &'b str) -> Rendered<'b> {
        render::user(self, registry, base_url)
    }
}

impl ScimResource for GroupResource {
    const KIND: ResourceKind = ResourceKind::Group;
    fn id(&self) -> &str {
        &self.id
    }
    fn meta(&self) -> &Meta {
        &self.meta
    }
    fn render<'b>(self, registry: &SchemaRegistry, base_url: &'b str) -> Rendered<'b> {
        render::group(self, registry, base_url)
    }
}

mod derived;
mod model;
mod render;
mod rendered;
mod stored;

pub use model::{
    etag, format_time, location, EntitlementRef, GrantingGroup, GroupRef, GroupResource, MemberRef,
    Meta, UserResource,
};
pub use rendered::{Rendered, RenderedView, Viewer};
pub use stored::StoredAttributes;

#[cfg(test)]
mod tests;
