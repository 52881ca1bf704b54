//! Names and paths as PATCH writes them, and the errors about them.

use serde_json::{Map, Value};

use crate::scim::error::{ScimError, ScimType};
use crate::scim::filter::AttrPath;
use crate::scim::path::PatchPath;

pub(super) fn invalid_path(detail: String) -> ScimError {
    ScimError::bad_request(ScimType::InvalidPath, detail)
}

pub(super) fn mutability(detail: String) -> ScimError {
    ScimError::bad_request(ScimType::Mutability, detail)
}

/// The key `name` is stored under in `map`: an existing key equal to it
/// ignoring case, else `name` itself (attribute names are case-insensitive).
pub(super) fn stored_key(map: &Map<String, Value>, name: &str) -> String {
    map.keys()
        .find(|k| k.eq_ignore_ascii_case(name))
        .cloned()
        .unwrap_or_else(|| name.to_owned())
}

pub(super) fn ext_path(urn: &str, name: &str) -> PatchPath {
    let (attr, sub) = match name.split_once('.') {
        Some((a, s)) => (a.to_owned(), Some(s.to_owned())),
        None => (name.to_owned(), None),
    };
    PatchPath {
        attr: AttrPath {
            urn: Some(urn.to_owned()),
            attr,
            sub_attr: sub,
        },
        filter: None,
        sub_attr_after_filter: None,
    }
}

pub(super) fn sub_path(name: &str) -> AttrPath {
    AttrPath {
        urn: None,
        attr: name.to_owned(),
        sub_attr: None,
    }
}

pub(super) fn path_text(path: &PatchPath) -> String {
    let mut text = path.attr.to_string();
    if let Some(f) = &path.filter {
        text = format!("{}[{f}]", path.attr);
    }
    if let Some(s) = &path.sub_attr_after_filter {
        text = format!("{text}.{s}");
    }
    text
}
