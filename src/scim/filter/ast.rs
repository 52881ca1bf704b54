//! The filter AST (RFC 7644 §3.4.2.2) and its canonical text form.
//!
//! `Display` prints a filter that parses back to an equal AST: every `and`,
//! `or` and `not` is parenthesised, strings are JSON-escaped.

use std::fmt;

/// An attribute path: optional schema URN, attribute name, optional sub-attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttrPath {
    pub urn: Option<String>,
    pub attr: String,
    pub sub_attr: Option<String>,
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    Eq,
    Ne,
    Co,
    Sw,
    Ew,
    Gt,
    Ge,
    Lt,
    Le,
}

/// A comparison literal. dateTime values arrive as `Str`; the schema
/// decides how to compare them.
#[derive(Debug, Clone, PartialEq)]
pub enum CompValue {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    Str(String),
}

/// A parsed filter.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    Compare {
        path: AttrPath,
        op: CompareOp,
        value: CompValue,
    },
    Present(AttrPath),
    And(Box<Filter>, Box<Filter>),
    Or(Box<Filter>, Box<Filter>),
    Not(Box<Filter>),
    /// `emails[type eq "work"]`: `path` names the multi-valued attribute
    /// (no sub-attribute); `filter` applies to each of its values, with
    /// paths relative to the value (e.g. attr `type`).
    ValuePath {
        path: AttrPath,
        filter: Box<Filter>,
    },
}

impl CompareOp {
    /// The operator as written in a filter.
    pub fn as_str(self) -> &'static str {
        match self {
            CompareOp::Eq => "eq",
            CompareOp::Ne => "ne",
            CompareOp::Co => "co",
            CompareOp::Sw => "sw",
            CompareOp::Ew => "ew",
            CompareOp::Gt => "gt",
            CompareOp::Ge => "ge",
            CompareOp::Lt => "lt",
            CompareOp::Le => "le",
        }
    }
}

impl fmt::Display for CompareOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for AttrPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(urn) = &self.urn {
            write!(f, "{urn}:")?;
        }
        f.write_str(&self.attr)?;
        if let Some(sub) = &self.sub_attr {
            write!(f, ".{sub}")?;
        }
        Ok(())
    }
}

impl fmt::Display for CompValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CompValue::Null => f.write_str("null"),
            CompValue::Bool(b) => write!(f, "{b}"),
            CompValue::Number(n) => write!(f, "{n}"),
            CompValue::Str(s) => {
                let quoted = serde_json::Value::String(s.clone()).to_string();
                f.write_str(&quoted)
            }
        }
    }
}

/// Prints a filter that parses back to the same tree, with only the
/// parentheses that tree needs: `and` binds tighter than `or` and both
/// group to the left, so `a and b and c` prints as written. (Parentheses
/// around every operator made a flat chain of 65 `and`s print 64 levels
/// deep, past `MAX_DEPTH`: the fuzzer found it no longer parsed.)
impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let operand = |f: &mut fmt::Formatter<'_>, x: &Filter, grouped: bool| {
            if grouped {
                write!(f, "({x})")
            } else {
                write!(f, "{x}")
            }
        };
        match self {
            Filter::Compare { path, op, value } => write!(f, "{path} {op} {value}"),
            Filter::Present(path) => write!(f, "{path} pr"),
            Filter::And(a, b) => {
                operand(f, a, matches!(**a, Filter::Or(..)))?;
                f.write_str(" and ")?;
                operand(f, b, matches!(**b, Filter::Or(..) | Filter::And(..)))
            }
            Filter::Or(a, b) => {
                operand(f, a, false)?;
                f.write_str(" or ")?;
                operand(f, b, matches!(**b, Filter::Or(..)))
            }
            Filter::Not(inner) => write!(f, "not ({inner})"),
            Filter::ValuePath { path, filter } => write!(f, "{path}[{filter}]"),
        }
    }
}

impl Filter {
    /// `a eq "x" or a eq "y" or …`: an `or` of string equalities on one
    /// attribute (paths compared case-insensitively, as SCIM names are),
    /// as the path and the strings. A database answers that as one index
    /// lookup of the set (`IN (…)`), where the same `or`s one by one make
    /// it walk every candidate row once per operand. `None` for anything
    /// else, a single equality included.
    pub fn equality_set(&self) -> Option<(&AttrPath, Vec<&str>)> {
        fn collect<'f>(filter: &'f Filter, out: &mut Vec<(&'f AttrPath, &'f str)>) -> bool {
            match filter {
                Filter::Or(a, b) => collect(a, out) && collect(b, out),
                Filter::Compare {
                    path,
                    op: CompareOp::Eq,
                    value: CompValue::Str(text),
                } => {
                    out.push((path, text));
                    true
                }
                _ => false,
            }
        }
        if !matches!(self, Filter::Or(..)) {
            return None;
        }
        let mut found = Vec::new();
        if !collect(self, &mut found) {
            return None;
        }
        let (first, _) = found.first()?;
        let first = *first;
        let same = |p: &AttrPath| {
            let eq = |a: &Option<String>, b: &Option<String>| match (a, b) {
                (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
                (None, None) => true,
                _ => false,
            };
            eq(&p.urn, &first.urn)
                && p.attr.eq_ignore_ascii_case(&first.attr)
                && eq(&p.sub_attr, &first.sub_attr)
        };
        if !found.iter().all(|(p, _)| same(p)) {
            return None;
        }
        Some((first, found.into_iter().map(|(_, text)| text).collect()))
    }
}

/// Deepest nesting of parentheses, `not` and value paths accepted; bounds
/// the parser's recursion so no input can exhaust the stack.
pub const MAX_DEPTH: usize = 64;

/// Most `and`/`or` operators in one filter. A chain of them nests as
/// deeply as it is long, in the parser and in SQL: SQLite refuses an
/// expression deeper than 1,000 (a 989-operator filter failed there), so
/// the limit leaves room below it for what each comparison adds. An `or`
/// of equalities on one attribute, the one long form clients really send,
/// compiles to a flat `IN (…)` and costs no depth.
pub const MAX_OPERATORS: usize = 500;

/// The longest filter accepted, in bytes: room for 500 operators on long
/// values (an auditor's `or` of addresses), and a bound on what one
/// request makes the parser and the database read.
pub const MAX_FILTER_BYTES: usize = 64 * 1024;

/// Why a filter did not parse, and where (a byte offset into the input).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} at position {position}")]
pub struct FilterError {
    pub position: usize,
    pub message: String,
}

#[cfg(test)]
mod tests {
    #[test]
    fn equality_sets() {
        type Set<'a> = Option<(&'a str, Vec<&'a str>)>;
        let cases: Vec<(&str, Set)> = vec![
            ("a eq \"x\" or a eq \"y\"", Some(("a", vec!["x", "y"]))),
            (
                "(a eq \"x\" or A eq \"y\") or a eq \"z\"",
                Some(("a", vec!["x", "y", "z"])),
            ),
            (
                "emails.value eq \"x\" or emails.VALUE eq \"y\"",
                Some(("emails.value", vec!["x", "y"])),
            ),
            ("a eq \"x\"", None),
            ("a eq \"x\" or b eq \"y\"", None),
            ("a eq \"x\" or a.b eq \"y\"", None),
            ("a eq \"x\" or a ne \"y\"", None),
            ("a eq \"x\" or a eq 1", None),
            ("a eq \"x\" and a eq \"y\"", None),
            ("a eq \"x\" or (a eq \"y\" and a eq \"z\")", None),
            ("urn:x:a eq \"x\" or a eq \"y\"", None),
        ];
        for (text, want) in cases {
            let filter = crate::scim::filter::parse(text).unwrap();
            let got = filter
                .equality_set()
                .map(|(path, values)| (path.to_string(), values));
            let want = want.map(|(p, v)| (p.to_owned(), v));
            assert_eq!(got, want, "{text}");
        }
    }
}
