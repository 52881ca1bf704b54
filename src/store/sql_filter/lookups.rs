//! Filters the store answers with a plan of their own instead of the
//! compiled condition (which always says the same): a `userName` lookup,
//! a group's members, an entitlement's holders, the (in)active users,
//! the users with an email address (or at a domain); and those whose
//! total the store keeps instead of counting (a value many users share,
//! the time users were last modified).
//! Each is recognised here from the parsed filter; the store decides
//! whether its plan applies.

use crate::scim::filter::{AttrPath, CompValue, CompareOp, Filter};
use crate::scim::fold::fold;
use crate::scim::schema::ResourceKind;
use crate::scim::ENTERPRISE_USER_URN;
use crate::store::value_counts::{KeptAttribute, ModifiedTest};

use crate::store::sql_fragment::SqlCondition;

/// The folded `userName` of a users filter that is exactly
/// `userName eq "…"`, the lookup an IdP makes before every create and for
/// every user of a sync. The key is unique per directory, so the store
/// answers it with one fixed-shape query instead of the compiled filter
/// (`store::users::list`); the compiled condition says the same.
pub(super) fn user_name_lookup(filter: &Filter, kind: ResourceKind) -> Option<String> {
    let (path, text) = eq_string(filter)?;
    let user_name = core_attr(path, kind, "userName") && path.sub_attr.is_none();
    // Folded as the writes fold it, and as `compare_text` folds the operand.
    (kind == ResourceKind::User && user_name).then(|| fold(text))
}

/// The group of a users filter that is exactly `groups[value eq "…"]` or
/// `groups.value eq "…"`: an auditor's "who is in this group". The store
/// reads it from the group's members in creation order
/// (`store::group_filter`) instead of the compiled filter, which tests
/// every member; the compiled condition says the same. Group ids compare
/// case-exactly, as `groups.value` does.
pub(super) fn group_lookup(filter: &Filter, kind: ResourceKind) -> Option<String> {
    (kind == ResourceKind::User)
        .then(|| value_eq(filter, kind, "groups"))
        .flatten()
}

/// An entitlement a users filter asks for the holders of, and whatever
/// else the filter asks of them: `entitlements[value eq "<product>:<role>"]`
/// (or `entitlements.value eq`), alone or `and`-ed with any other filter
/// (an auditor's `… and active eq true`). See `store::holder_filter`.
#[derive(Debug, Clone)]
pub struct HoldersOf {
    /// The entitlement's value as written (it compares case-insensitively).
    pub value: String,
    /// The rest of the filter, compiled; `None` when there is none.
    pub rest: Option<SqlCondition>,
}

/// The entitlement of `filter` and the rest of it, not yet compiled. A
/// rest every holder meets (`active eq true`: holding access takes an
/// active account) is none: the holders' total is then counted ahead.
pub(super) fn holder_lookup(
    filter: &Filter,
    kind: ResourceKind,
) -> Option<(String, Option<&Filter>)> {
    if kind != ResourceKind::User {
        return None;
    }
    if let Some(value) = value_eq(filter, kind, "entitlements") {
        return Some((value, None));
    }
    let Filter::And(left, right) = filter else {
        return None;
    };
    [(left, right), (right, left)]
        .into_iter()
        .find_map(|(one, other)| {
            value_eq(one, kind, "entitlements")
                .map(|v| (v, (!active_eq_true(other, kind)).then_some(other.as_ref())))
        })
}

/// The path and text of a filter that is exactly `<path> eq "<text>"`.
fn eq_string(filter: &Filter) -> Option<(&AttrPath, &str)> {
    match filter {
        Filter::Compare {
            path,
            op: CompareOp::Eq,
            value: CompValue::Str(text),
        } => Some((path, text)),
        _ => None,
    }
}

/// `active eq true`, exactly.
fn active_eq_true(filter: &Filter, kind: ResourceKind) -> bool {
    active_lookup(filter, kind) == Some(true)
}

/// The value of a users filter that is exactly `active eq true` or
/// `active eq false` (leavers, for an auditor): the store reads its
/// total from the directory's kept counts (`store::user_counts`); the
/// compiled condition pages it.
pub(super) fn active_lookup(filter: &Filter, kind: ResourceKind) -> Option<bool> {
    match filter {
        Filter::Compare {
            path,
            op: CompareOp::Eq,
            value: CompValue::Bool(active),
        } if kind == ResourceKind::User
            && core_attr(path, kind, "active")
            && path.sub_attr.is_none() =>
        {
            Some(*active)
        }
        _ => None,
    }
}

/// The attribute and operand of a users filter that is exactly
/// `name.familyName eq "…"` or `<enterprise URN>:department eq "…"`
/// (values many users share): the store reads its total from the kept
/// counts per value (`store::value_counts`), which fold the operand as
/// the compiled condition does; the condition pages it.
pub(super) fn kept_value_lookup(
    filter: &Filter,
    kind: ResourceKind,
) -> Option<(KeptAttribute, String)> {
    let (path, text) = eq_string(filter)?;
    if kind != ResourceKind::User {
        return None;
    }
    let sub = path.sub_attr.as_deref();
    let family_name =
        core_attr(path, kind, "name") && sub.is_some_and(|s| s.eq_ignore_ascii_case("familyName"));
    let department = path
        .urn
        .as_deref()
        .is_some_and(|urn| urn.eq_ignore_ascii_case(ENTERPRISE_USER_URN))
        && path.attr.eq_ignore_ascii_case("department")
        && sub.is_none();
    let attribute = match (family_name, department) {
        (true, _) => KeptAttribute::FamilyName,
        (_, true) => KeptAttribute::Department,
        _ => return None,
    };
    Some((attribute, text.to_owned()))
}

/// The test of a users filter that is exactly `meta.lastModified gt|ge|lt|le
/// "<time>"` (an auditor's "changed in the last hour"), with the time read
/// as the compiled condition reads it: the store reads its total from the
/// kept minutes (`store::value_counts::modified`); the condition pages it.
/// A time before 1970 is left to the count.
pub(super) fn modified_lookup(filter: &Filter, kind: ResourceKind) -> Option<ModifiedTest> {
    let Filter::Compare {
        path,
        op,
        value: CompValue::Str(text),
    } = filter
    else {
        return None;
    };
    let last_modified = core_attr(path, kind, "meta")
        && path
            .sub_attr
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case("lastModified"));
    if kind != ResourceKind::User || !last_modified {
        return None;
    }
    let micros = chrono::DateTime::parse_from_rfc3339(text)
        .ok()?
        .timestamp_micros();
    if micros < 0 {
        return None;
    }
    Some(match op {
        CompareOp::Gt => ModifiedTest::After(micros),
        CompareOp::Ge => ModifiedTest::From(micros),
        CompareOp::Lt => ModifiedTest::Before(micros),
        CompareOp::Le => ModifiedTest::Until(micros),
        _ => return None,
    })
}

/// `attr.value eq "…"` or `attr[value eq "…"]` on a multi-valued core
/// attribute `attr`: the value.
fn value_eq(filter: &Filter, kind: ResourceKind, attr: &str) -> Option<String> {
    let value_of = |path: &AttrPath, sub: Option<&str>, op: &CompareOp, value: &CompValue| match (
        sub, op, value,
    ) {
        (Some(sub), CompareOp::Eq, CompValue::Str(v)) if sub.eq_ignore_ascii_case("value") => {
            core_attr(path, kind, attr).then(|| v.clone())
        }
        _ => None,
    };
    match filter {
        // attr.value eq "…"
        Filter::Compare { path, op, value } => value_of(path, path.sub_attr.as_deref(), op, value),
        // attr[value eq "…"]
        Filter::ValuePath { path, filter } if path.sub_attr.is_none() => match filter.as_ref() {
            Filter::Compare {
                path: inner,
                op,
                value,
            } if inner.urn.is_none() && inner.sub_attr.is_none() => {
                value_of(path, Some(&inner.attr), op, value)
            }
            _ => None,
        },
        _ => None,
    }
}

/// Whether `path` names the core attribute `attr` of `kind` (with or
/// without the core schema's URN).
fn core_attr(path: &AttrPath, kind: ResourceKind, attr: &str) -> bool {
    path.urn
        .as_deref()
        .is_none_or(|urn| urn.eq_ignore_ascii_case(kind.core_urn()))
        && path.attr.eq_ignore_ascii_case(attr)
}

/// What a users filter asks of one element of `emails` when that is all
/// it asks: its address equal to, or ending with, a text, and perhaps its
/// type. `user_emails` keeps exactly these of every element (both
/// folded, as `emails.value` and `emails.type` are caseExact=false), so
/// such a filter needs neither the users' JSON nor, for a directory's
/// page, their rows (`store::email_filter`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailMatch {
    pub address: AddressMatch,
    /// The element's `type`, folded; `None` when the filter asks none.
    pub type_key: Option<String>,
}

/// An address, folded, that an element's address is, or ends with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddressMatch {
    Is(String),
    EndsWith(String),
}

impl EmailMatch {
    /// Where the matching addresses start in `user_emails_reversed`: an
    /// address ends with a suffix when its reversal starts with the
    /// suffix reversed (and is an address when the reversals are equal).
    pub fn reversed_from(&self) -> String {
        match &self.address {
            AddressMatch::Is(key) | AddressMatch::EndsWith(key) => key.chars().rev().collect(),
        }
    }

    /// Where the addresses ending with the suffix end in
    /// `user_emails_reversed` (in byte order on both databases): the
    /// reversed suffix followed by `char::MAX`, past every reversal that
    /// starts with it but one whose next character is U+10FFFF itself, a
    /// noncharacter.
    pub fn reversed_to(&self) -> String {
        let mut to = self.reversed_from();
        to.push(char::MAX);
        to
    }
}

/// The email element of a users filter that is exactly `emails.value eq
/// "…"`, `emails.value ew "…"`, or `emails[…]` of what `email_element`
/// reads.
pub(super) fn email_lookup(filter: &Filter, kind: ResourceKind) -> Option<EmailMatch> {
    if kind != ResourceKind::User {
        return None;
    }
    match filter {
        Filter::Compare { path, op, value }
            if core_attr(path, kind, "emails")
                && path
                    .sub_attr
                    .as_deref()
                    .is_some_and(|s| s.eq_ignore_ascii_case("value")) =>
        {
            address_match(*op, value).map(|address| EmailMatch {
                address,
                type_key: None,
            })
        }
        Filter::ValuePath { path, filter }
            if core_attr(path, kind, "emails") && path.sub_attr.is_none() =>
        {
            email_element(filter)
        }
        _ => None,
    }
}

/// The filter inside `emails[…]` when it is exactly `value eq|ew "…"`,
/// alone or `and`-ed with `type eq "…"` (Entra ID's lookup by work email,
/// an auditor's contractors). A type that folds to nothing is left to the
/// compiled filter: `user_emails` writes "" for an element with no type.
pub(super) fn email_element(filter: &Filter) -> Option<EmailMatch> {
    let relative = |f: &Filter, name: &str| -> Option<(CompareOp, CompValue)> {
        match f {
            Filter::Compare { path, op, value }
                if path.urn.is_none()
                    && path.sub_attr.is_none()
                    && path.attr.eq_ignore_ascii_case(name) =>
            {
                Some((*op, value.clone()))
            }
            _ => None,
        }
    };
    let address_of =
        |f: &Filter| relative(f, "value").and_then(|(op, value)| address_match(op, &value));
    if let Some(address) = address_of(filter) {
        return Some(EmailMatch {
            address,
            type_key: None,
        });
    }
    let Filter::And(left, right) = filter else {
        return None;
    };
    [(left, right), (right, left)]
        .into_iter()
        .find_map(|(one, other)| {
            let type_key = match relative(one, "type")? {
                (CompareOp::Eq, CompValue::Str(t)) if !fold(&t).is_empty() => fold(&t),
                _ => return None,
            };
            Some(EmailMatch {
                address: address_of(other)?,
                type_key: Some(type_key),
            })
        })
}

/// An address test the indexed reversals answer: `eq` or `ew` a string.
pub(super) fn address_match(op: CompareOp, value: &CompValue) -> Option<AddressMatch> {
    match (op, value) {
        (CompareOp::Eq, CompValue::Str(text)) => Some(AddressMatch::Is(fold(text))),
        (CompareOp::Ew, CompValue::Str(text)) => Some(AddressMatch::EndsWith(fold(text))),
        _ => None,
    }
}
