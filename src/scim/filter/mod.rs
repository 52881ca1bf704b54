//! SCIM filters (RFC 7644 §3.4.2.2): the AST, and `parse`, the one entry
//! point, which rejects trailing input and nesting deeper than `MAX_DEPTH`.

mod ast;
mod parse;

pub use ast::*;

/// Deepest nesting of parentheses, `not` and value paths accepted; bounds
/// the parser's recursion so no input can exhaust the stack.
pub const MAX_DEPTH: usize = 64;

/// Most `and`/`or` operators in one filter (see `MAX_DEPTH`: a chain of
/// them nests as deeply as it is long).
pub const MAX_OPERATORS: usize = 1000;

/// Why a filter did not parse, and where (a byte offset into the input).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} at position {position}")]
pub struct FilterError {
    pub position: usize,
    pub message: String,
}

/// Parses a complete filter.
pub fn parse(input: &str) -> Result<Filter, FilterError> {
    parse::filter(input)
}

pub(crate) use parse::{attr_path_prefix, value_filter_in_brackets};

#[cfg(test)]
mod tests;
