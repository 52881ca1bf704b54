//! SCIM filters (RFC 7644 §3.4.2.2): the AST, and `parse`, the one entry
//! point, which rejects trailing input and nesting deeper than `MAX_DEPTH`.

mod ast;
mod failure;
mod parse;
mod tokens;

pub use ast::*;

/// Parses a complete filter.
pub use parse::filter as parse;

pub(crate) use parse::{attr_path_prefix, value_filter_in_brackets};

#[cfg(test)]
mod tests;
