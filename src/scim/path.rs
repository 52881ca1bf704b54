//! PATCH paths (RFC 7644 §3.5.2): `PATH = attrPath / valuePath [subAttr]`,
//! e.g. `members`, `name.givenName`, `emails[type eq "work"].value`.

use super::filter::{attr_path_prefix, value_filter_in_brackets, AttrPath, Filter, FilterError};

/// A parsed PATCH path.
#[derive(Debug, Clone, PartialEq)]
pub struct PatchPath {
    /// The attribute (with its URN, and `sub_attr` for `name.givenName`).
    pub attr: AttrPath,
    /// The `[…]` value filter, if any.
    pub filter: Option<Filter>,
    /// The sub-attribute after a value filter: `emails[…].value`.
    pub sub_attr_after_filter: Option<String>,
}

/// Parses a PATCH `path`.
pub fn parse_path(input: &str) -> Result<PatchPath, FilterError> {
    let trimmed = input.trim();
    let offset = input.len() - input.trim_start().len();
    let shift = |e: FilterError| FilterError {
        position: e.position + offset,
        message: e.message,
    };
    if trimmed.is_empty() {
        return Err(FilterError {
            position: 0,
            message: "the path is empty".into(),
        });
    }
    let (rest, attr) = attr_path_prefix(trimmed).map_err(shift)?;
    let consumed = trimmed.len() - rest.len();
    if rest.is_empty() {
        return Ok(PatchPath {
            attr,
            filter: None,
            sub_attr_after_filter: None,
        });
    }
    if !rest.starts_with('[') || attr.sub_attr.is_some() {
        return Err(FilterError {
            position: offset + consumed,
            message: "unexpected input after the attribute path".into(),
        });
    }
    let (after, filter) = value_filter_in_brackets(rest).map_err(|e| FilterError {
        position: e.position + offset + consumed,
        message: e.message,
    })?;
    let at = offset + trimmed.len() - after.len();
    let sub_attr_after_filter = match after.strip_prefix('.') {
        None if after.is_empty() => None,
        Some(name) if is_attr_name(name) => Some(name.to_owned()),
        _ => {
            return Err(FilterError {
                position: at,
                message: "expected '.' and a sub-attribute name after the value filter".into(),
            })
        }
    };
    Ok(PatchPath {
        attr,
        filter: Some(filter),
        sub_attr_after_filter,
    })
}

fn is_attr_name(name: &str) -> bool {
    name == "$ref"
        || (name.starts_with(|c: char| c.is_ascii_alphabetic())
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scim::filter::{CompValue, CompareOp};

    fn ap(urn: Option<&str>, attr: &str, sub: Option<&str>) -> AttrPath {
        AttrPath {
            urn: urn.map(Into::into),
            attr: attr.into(),
            sub_attr: sub.map(Into::into),
        }
    }

    const ENT: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

    #[test]
    fn valid_paths() {
        let eq = |attr: &str, v: &str| Filter::Compare {
            path: ap(None, attr, None),
            op: CompareOp::Eq,
            value: CompValue::Str(v.into()),
        };
        let cases: Vec<(&str, PatchPath)> = vec![
            (
                "members",
                PatchPath {
                    attr: ap(None, "members", None),
                    filter: None,
                    sub_attr_after_filter: None,
                },
            ),
            (
                "name.familyName",
                PatchPath {
                    attr: ap(None, "name", Some("familyName")),
                    filter: None,
                    sub_attr_after_filter: None,
                },
            ),
            (
                "members[value eq \"2819c223-7f76-453a-919d-413861904646\"]",
                PatchPath {
                    attr: ap(None, "members", None),
                    filter: Some(eq("value", "2819c223-7f76-453a-919d-413861904646")),
                    sub_attr_after_filter: None,
                },
            ),
            (
                "emails[type eq \"work\"].value",
                PatchPath {
                    attr: ap(None, "emails", None),
                    filter: Some(eq("type", "work")),
                    sub_attr_after_filter: Some("value".into()),
                },
            ),
            (
                "addresses[type eq \"work\"].locality",
                PatchPath {
                    attr: ap(None, "addresses", None),
                    filter: Some(eq("type", "work")),
                    sub_attr_after_filter: Some("locality".into()),
                },
            ),
            (
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber",
                PatchPath {
                    attr: ap(Some(ENT), "employeeNumber", None),
                    filter: None,
                    sub_attr_after_filter: None,
                },
            ),
            (
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value",
                PatchPath {
                    attr: ap(Some(ENT), "manager", Some("value")),
                    filter: None,
                    sub_attr_after_filter: None,
                },
            ),
            (
                "urn:ietf:params:scim:schemas:core:2.0:User:name.givenName",
                PatchPath {
                    attr: ap(
                        Some("urn:ietf:params:scim:schemas:core:2.0:User"),
                        "name",
                        Some("givenName"),
                    ),
                    filter: None,
                    sub_attr_after_filter: None,
                },
            ),
            (
                " members[value eq \"a\" or value eq \"b\"] ",
                PatchPath {
                    attr: ap(None, "members", None),
                    filter: Some(Filter::Or(
                        Box::new(eq("value", "a")),
                        Box::new(eq("value", "b")),
                    )),
                    sub_attr_after_filter: None,
                },
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(parse_path(input), Ok(expected), "{input}");
        }
    }

    #[test]
    fn invalid_paths_point_at_the_problem() {
        let cases = [
            ("", 0),
            ("   ", 0),
            ("1members", 0),
            ("name.given.x", 10),
            ("members[value eq \"a\"", 20),
            ("members[value eq \"a\"]x", 21),
            ("members[value eq \"a\"].", 21),
            ("members[]", 8),
            ("members[value eq \"a\"].1x", 21),
            ("name.givenName[value eq \"a\"]", 14),
            ("emails[value[type eq \"a\"]]", 12),
            ("urn:ietf:params:scim:schemas:core:2.0:User:", 43),
        ];
        for (input, position) in cases {
            let err = parse_path(input).unwrap_err();
            assert_eq!(err.position, position, "{input}: {}", err.message);
        }
    }
}
