use super::*;
use crate::scim::filter::{AttrPath, CompValue, CompareOp, Filter};

fn path(attr: &str, sub: Option<&str>) -> AttrPath {
    AttrPath {
        urn: None,
        attr: attr.into(),
        sub_attr: sub.map(Into::into),
    }
}

fn cmp(attr: &str, sub: Option<&str>, op: CompareOp, value: CompValue) -> Filter {
    Filter::Compare {
        path: path(attr, sub),
        op,
        value,
    }
}

fn s(v: &str) -> CompValue {
    CompValue::Str(v.into())
}

fn sql(filter: &Filter, kind: ResourceKind, backend: Backend) -> (String, Vec<String>) {
    compile(filter, kind, backend).unwrap().describe()
}

#[test]
fn compiles_to_bound_sql() {
    use CompareOp::*;
    let u = ResourceKind::User;
    let g = ResourceKind::Group;
    let cases: Vec<(Filter, ResourceKind, Backend, &str, Vec<&str>)> = vec![
        // userName is caseExact=false: the folded key column, operand folded in Rust.
        (cmp("userName", None, Eq, s("BJensen")), u, Backend::Sqlite,
         "(users.user_name_key IS NOT NULL AND users.user_name_key = ?)", vec!["bjensen"]),
        (cmp("USERNAME", None, Eq, s("É")), u, Backend::Postgres,
         "(users.user_name_key IS NOT NULL AND users.user_name_key COLLATE \"C\" = ?)", vec!["é"]),
        (cmp("externalId", None, Eq, s("AbC")), u, Backend::Sqlite,
         "(users.external_id IS NOT NULL AND users.external_id = ?)", vec!["AbC"]),
        (cmp("displayName", None, Eq, s("Babs")), u, Backend::Sqlite,
         "(users.display_name IS NOT NULL AND lower(users.display_name) = lower(?))", vec!["Babs"]),
        (cmp("displayName", None, Eq, s("Ops")), g, Backend::Sqlite,
         "(\"groups\".display_name_key IS NOT NULL AND \"groups\".display_name_key = ?)", vec!["ops"]),
        (cmp("userName", None, Co, s("Jen")), u, Backend::Sqlite,
         "(users.user_name_key IS NOT NULL AND instr(users.user_name_key, ?) > 0)", vec!["jen"]),
        (cmp("userName", None, Co, s("jen")), u, Backend::Postgres,
         "(users.user_name_key IS NOT NULL AND strpos(users.user_name_key, ?) > 0)", vec!["jen"]),
        (cmp("externalId", None, Sw, s("ab")), u, Backend::Sqlite,
         "(users.external_id IS NOT NULL AND substr(users.external_id, 1, length(?)) = ?)", vec!["ab", "ab"]),
        (cmp("externalId", None, Ew, s("yz")), u, Backend::Sqlite,
         "(users.external_id IS NOT NULL AND substr(users.external_id, length(users.external_id) - length(?) + 1) = ?)",
         vec!["yz", "yz"]),
        (cmp("externalId", None, Gt, s("m")), u, Backend::Postgres,
         "(users.external_id IS NOT NULL AND users.external_id COLLATE \"C\" > ?)", vec!["m"]),
        (cmp("active", None, Eq, CompValue::Bool(true)), u, Backend::Sqlite, "(users.active = ?)", vec!["true"]),
        // Entra sends booleans as strings, in filters too.
        (cmp("active", None, Eq, s("False")), u, Backend::Sqlite, "(users.active = ?)", vec!["false"]),
        (cmp("active", None, Ne, CompValue::Bool(true)), u, Backend::Sqlite, "(NOT (users.active = ?))", vec!["true"]),
        (cmp("meta", Some("lastModified"), Gt, s("2011-05-13T04:42:34Z")), u, Backend::Sqlite,
         "(users.updated_at > ?)", vec!["1305261754000000"]),
        (cmp("meta", Some("created"), Le, s("2011-05-13T06:42:34+02:00")), g, Backend::Postgres,
         "(\"groups\".created_at <= ?)", vec!["1305261754000000"]),
        // ne also matches resources without the attribute.
        (cmp("externalId", None, Ne, s("x")), u, Backend::Sqlite,
         "(NOT (users.external_id IS NOT NULL AND users.external_id = ?))", vec!["x"]),
        (Filter::Present(path("externalId", None)), u, Backend::Sqlite,
         "(users.external_id IS NOT NULL AND users.external_id <> '')", vec![]),
        (cmp("externalId", None, Eq, CompValue::Null), u, Backend::Sqlite,
         "(NOT (users.external_id IS NOT NULL AND users.external_id <> ''))", vec![]),
        (Filter::And(
            Box::new(cmp("active", None, Eq, CompValue::Bool(true))),
            Box::new(Filter::Or(
                Box::new(cmp("userName", None, Sw, s("A"))),
                Box::new(Filter::Not(Box::new(Filter::Present(path("displayName", None))))),
            )),
        ), u, Backend::Sqlite,
         "((users.active = ?) AND ((users.user_name_key IS NOT NULL AND substr(users.user_name_key, 1, length(?)) = ?) OR (NOT (users.display_name IS NOT NULL AND users.display_name <> ''))))",
         vec!["true", "a", "a"]),
        (Filter::Compare {
            path: AttrPath { urn: Some("urn:ietf:params:scim:schemas:core:2.0:User".into()), attr: "userName".into(), sub_attr: None },
            op: Eq, value: s("x") }, u, Backend::Sqlite,
         "(users.user_name_key IS NOT NULL AND users.user_name_key = ?)", vec!["x"]),
    ];
    for (filter, kind, backend, text, binds) in cases {
        let (got_text, got_binds) = sql(&filter, kind, backend);
        assert_eq!(got_text, text, "{filter:?}");
        assert_eq!(got_binds, binds, "{filter:?}");
    }
}

#[test]
fn refuses_what_it_cannot_compile() {
    use CompareOp::*;
    let u = ResourceKind::User;
    let cases: Vec<(Filter, ResourceKind)> = vec![
        (cmp("shoeSize", None, Eq, s("9")), u),
        (cmp("userName", None, Eq, CompValue::Bool(true)), u),
        (cmp("active", None, Gt, CompValue::Bool(true)), u),
        (cmp("active", None, Eq, CompValue::Number(7.into())), u),
        (cmp("meta", Some("created"), Gt, s("yesterday")), u),
        (cmp("meta", Some("created"), Co, s("2011")), u),
        (cmp("externalId", None, Lt, CompValue::Null), u),
        (cmp("userName", None, Eq, s("x")), ResourceKind::Group),
        (
            Filter::Compare {
                path: AttrPath {
                    urn: Some("urn:ietf:params:scim:schemas:core:2.0:Group".into()),
                    attr: "userName".into(),
                    sub_attr: None,
                },
                op: Eq,
                value: s("x"),
            },
            u,
        ),
    ];
    for (filter, kind) in cases {
        let err = compile(&filter, kind, Backend::Sqlite).unwrap_err();
        assert_eq!(err.status, 400, "{filter:?}");
        assert_eq!(
            err.scim_type,
            Some(crate::scim::ScimType::InvalidFilter),
            "{filter:?}"
        );
    }
}
