// TEMPORARY placeholder until the parser lands (not committed).
use std::fmt;
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttrPath {
    pub urn: Option<String>,
    pub attr: String,
    pub sub_attr: Option<String>,
}
impl fmt::Display for AttrPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.attr)
    }
}
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
impl fmt::Display for CompareOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self:?}")
    }
}
#[derive(Debug, Clone, PartialEq)]
pub enum CompValue {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    Str(String),
}
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
    ValuePath {
        path: AttrPath,
        filter: Box<Filter>,
    },
}
#[derive(Debug)]
pub struct FilterError {
    pub position: usize,
    pub message: String,
}
impl fmt::Display for FilterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message)
    }
}
pub fn parse(input: &str) -> Result<Filter, FilterError> {
    let parts: Vec<&str> = input.splitn(3, ' ').collect();
    if parts.len() == 3 && parts[1].eq_ignore_ascii_case("eq") {
        return Ok(Filter::Compare {
            path: AttrPath {
                urn: None,
                attr: parts[0].into(),
                sub_attr: None,
            },
            op: CompareOp::Eq,
            value: CompValue::Str(parts[2].trim_matches('"').into()),
        });
    }
    Err(FilterError {
        position: 0,
        message: "x".into(),
    })
}
