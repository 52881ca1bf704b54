use super::*;
use crate::scim::filter::{AttrPath, CompValue, CompareOp, Filter};
use crate::scim::schema::SchemaRegistry;

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

fn registry() -> SchemaRegistry {
    SchemaRegistry::load().unwrap()
}

fn sql(filter: &Filter, kind: ResourceKind, backend: Backend) -> (String, Vec<String>) {
    compile(filter, &registry(), kind, backend)
        .unwrap()
        .describe()
}

fn parsed(text: &str, kind: ResourceKind, backend: Backend) -> (String, Vec<String>) {
    sql(&crate::scim::filter::parse(text).unwrap(), kind, backend)
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
         "(users.user_name_key IS NOT NULL AND users.user_name_key = ?)", vec!["é"]),
        (cmp("externalId", None, Eq, s("AbC")), u, Backend::Sqlite,
         "(users.external_id IS NOT NULL AND users.external_id = ?)", vec!["AbC"]),
        (cmp("displayName", None, Eq, s("Babs")), u, Backend::Sqlite,
         "(lower(users.display_name) IS NOT NULL AND lower(users.display_name) = lower(?))", vec!["Babs"]),
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
        // PostgreSQL compares a user's lastModified where it is indexed
        // (user_modified_at, migration 000025); a group's has its own index.
        (cmp("meta", Some("lastModified"), Gt, s("2011-05-13T04:42:34Z")), u, Backend::Postgres,
         "EXISTS (SELECT 1 FROM user_modified_at um WHERE um.user_id = users.id AND um.directory_id = users.directory_id AND (um.updated_at > ?))",
         vec!["1305261754000000"]),
        (cmp("meta", Some("lastModified"), Ne, s("2011-05-13T04:42:34Z")), u, Backend::Postgres,
         "EXISTS (SELECT 1 FROM user_modified_at um WHERE um.user_id = users.id AND um.directory_id = users.directory_id AND (NOT (um.updated_at = ?)))",
         vec!["1305261754000000"]),
        (cmp("meta", Some("lastModified"), Le, s("2011-05-13T04:42:34Z")), g, Backend::Postgres,
         "(\"groups\".updated_at <= ?)", vec!["1305261754000000"]),
        (Filter::Present(path("meta", Some("lastModified"))), u, Backend::Postgres,
         "(1 = 1)", vec![]),
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
         "((users.active = ?) AND ((users.user_name_key IS NOT NULL AND users.user_name_key >= ? AND users.user_name_key < ? AND substr(users.user_name_key, 1, length(?)) = ?) OR (NOT (users.display_name IS NOT NULL AND users.display_name <> ''))))",
         vec!["true", "a", "b", "a", "a"]),
        // sw on a folded key is also a range of its index on SQLite only
        // (PostgreSQL orders text by the database's collation).
        (cmp("userName", None, Sw, s("Jo")), u, Backend::Postgres,
         "(users.user_name_key IS NOT NULL AND substr(users.user_name_key, 1, length(?)) = ?)", vec!["jo", "jo"]),
        (cmp("displayName", None, Sw, s("Ops")), g, Backend::Sqlite,
         "(\"groups\".display_name_key IS NOT NULL AND \"groups\".display_name_key >= ? AND \"groups\".display_name_key < ? AND substr(\"groups\".display_name_key, 1, length(?)) = ?)",
         vec!["ops", "opt", "ops", "ops"]),
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
        let err = compile(&filter, &registry(), kind, Backend::Sqlite).unwrap_err();
        assert_eq!(err.status, 400, "{filter:?}");
        assert_eq!(
            err.scim_type,
            Some(crate::scim::ScimType::InvalidFilter),
            "{filter:?}"
        );
    }
}

#[test]
fn json_attributes_value_paths_and_memberships() {
    let u = ResourceKind::User;
    let g = ResourceKind::Group;
    let (sq, pg) = (Backend::Sqlite, Backend::Postgres);
    let ent = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    let cases: Vec<(&str, ResourceKind, Backend, &str, Vec<&str>)> = vec![
        ("title eq \"Boss\"", u, sq,
         "(lower(json_extract(users.attributes, '$.\"title\"')) IS NOT NULL AND lower(json_extract(users.attributes, '$.\"title\"')) = lower(?))",
         vec!["Boss"]),
        ("title eq \"Boss\"", u, pg,
         "(lower((users.attributes::jsonb #>> '{\"title\"}'::text[])) IS NOT NULL AND lower((users.attributes::jsonb #>> '{\"title\"}'::text[])) = lower(?))",
         vec!["Boss"]),
        ("name.familyName sw \"J\"", u, sq,
         "(lower(json_extract(users.attributes, '$.\"name\".\"familyName\"')) IS NOT NULL AND substr(lower(json_extract(users.attributes, '$.\"name\".\"familyName\"')), 1, length(lower(?))) = lower(?))",
         vec!["J", "J"]),
        // PostgreSQL reads the attributes it keeps in columns of their own
        // (migration 000015) there, every other one from the JSON.
        ("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq \"Ops\"", u, pg,
         "(lower(users.department) IS NOT NULL AND lower(users.department) = lower(?))",
         vec!["Ops"]),
        ("name.familyName sw \"Jen\"", u, pg,
         "(lower(users.family_name) IS NOT NULL AND substr(lower(users.family_name), 1, length(lower(?))) = lower(?))",
         vec!["Jen", "Jen"]),
        ("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq \"m1\"", u, pg,
         "(lower(users.manager_value) IS NOT NULL AND lower(users.manager_value) = lower(?))",
         vec!["m1"]),
        ("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter eq \"Ops\"", u, pg,
         "(lower((users.attributes::jsonb #>> '{\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\",\"costCenter\"}'::text[])) IS NOT NULL AND lower((users.attributes::jsonb #>> '{\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\",\"costCenter\"}'::text[])) = lower(?))",
         vec!["Ops"]),
        ("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq \"Ops\"", u, sq,
         "(lower(json_extract(users.attributes, '$.\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\".\"department\"')) IS NOT NULL AND lower(json_extract(users.attributes, '$.\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\".\"department\"')) = lower(?))",
         vec!["Ops"]),
        ("name pr", u, sq, "(json_type(users.attributes, ?) IS NOT NULL)", vec!["$.\"name\""]),
        // emails.value eq is an index lookup in user_emails, folded like the key.
        ("emails.value eq \"A@X.org\"", u, sq,
         "users.id IN (SELECT ue.user_id FROM user_emails ue WHERE ue.value_key = ?)", vec!["a@x.org"]),
        ("emails eq \"a@x.org\"", u, pg,
         "users.id IN (SELECT ue.user_id FROM user_emails ue WHERE ue.value_key = ?)", vec!["a@x.org"]),
        ("emails[value eq \"a@x.org\"]", u, sq,
         "users.id IN (SELECT ue.user_id FROM user_emails ue WHERE ue.value_key = ?)", vec!["a@x.org"]),
        // emails.value ew is a range of the reversed keys: the suffix folded,
        // reversed, and bounded by char::MAX.
        ("emails.value ew \"@X.Example\"", u, sq,
         "users.id IN (SELECT ue.user_id FROM user_emails ue WHERE ue.value_reversed >= ? AND ue.value_reversed < ?)",
         vec!["elpmaxe.x@", "elpmaxe.x@\u{10FFFF}"]),
        ("emails ew \"@x.example\"", u, pg,
         "users.id IN (SELECT ue.user_id FROM user_emails ue WHERE ue.value_reversed >= ? AND ue.value_reversed < ?)",
         vec!["elpmaxe.x@", "elpmaxe.x@\u{10FFFF}"]),
        // An element's address and type are both kept in user_emails
        // (folded): the lookup is the whole answer, in either order.
        ("emails[type eq \"Work\" and value ew \"@X.example\"]", u, sq,
         "users.id IN (SELECT ue.user_id FROM user_emails ue WHERE ue.value_reversed >= ? AND ue.value_reversed < ? AND ue.type_key = ?)",
         vec!["elpmaxe.x@", "elpmaxe.x@\u{10FFFF}", "work"]),
        ("emails[value ew \"@x.example\" and type eq \"work\"]", u, pg,
         "users.id IN (SELECT ue.user_id FROM user_emails ue WHERE ue.value_reversed >= ? AND ue.value_reversed < ? AND ue.type_key = ?)",
         vec!["elpmaxe.x@", "elpmaxe.x@\u{10FFFF}", "work"]),
        ("emails[type eq \"ΗΟΜΕ\" and value eq \"A@X.org\"]", u, sq,
         "users.id IN (SELECT ue.user_id FROM user_emails ue WHERE ue.value_key = ? AND ue.type_key = ?)",
         vec!["a@x.org", "ηομε"]),
        ("emails[value ew \"@x.example\"]", u, sq,
         "users.id IN (SELECT ue.user_id FROM user_emails ue WHERE ue.value_reversed >= ? AND ue.value_reversed < ?)",
         vec!["elpmaxe.x@", "elpmaxe.x@\u{10FFFF}"]),
        // An empty type is "no type" in user_emails, not a type "" (and
        // a type test that is not `eq` is none of its business): the JSON
        // decides, after the index narrows.
        ("emails[type eq \"\" and value ew \"@x.example\"]", u, sq,
         "(users.id IN (SELECT ue.user_id FROM user_emails ue WHERE ue.value_reversed >= ? AND ue.value_reversed < ?) AND EXISTS (SELECT 1 FROM json_each(users.attributes, ?) AS e WHERE ((lower(json_extract(e.value, ?)) IS NOT NULL AND lower(json_extract(e.value, ?)) = lower(?)) AND (lower(json_extract(e.value, ?)) IS NOT NULL AND substr(lower(json_extract(e.value, ?)), length(lower(json_extract(e.value, ?))) - length(lower(?)) + 1) = lower(?)))))",
         vec!["elpmaxe.x@", "elpmaxe.x@\u{10FFFF}", "$.\"emails\"", "$.\"type\"", "$.\"type\"", "", "$.\"value\"", "$.\"value\"", "$.\"value\"", "@x.example", "@x.example"]),
        ("emails[type sw \"w\" and value eq \"a@x.org\"]", u, sq,
         "(users.id IN (SELECT ue.user_id FROM user_emails ue WHERE ue.value_key = ?) AND EXISTS (SELECT 1 FROM json_each(users.attributes, ?) AS e WHERE ((lower(json_extract(e.value, ?)) IS NOT NULL AND substr(lower(json_extract(e.value, ?)), 1, length(lower(?))) = lower(?)) AND (lower(json_extract(e.value, ?)) IS NOT NULL AND lower(json_extract(e.value, ?)) = lower(?)))))",
         vec!["a@x.org", "$.\"emails\"", "$.\"type\"", "$.\"type\"", "w", "w", "$.\"value\"", "$.\"value\"", "a@x.org"]),
        // Other operators on emails.value read the JSON.
        ("emails.value sw \"a\"", u, sq,
         "EXISTS (SELECT 1 FROM json_each(users.attributes, ?) AS e WHERE (lower(json_extract(e.value, ?)) IS NOT NULL AND substr(lower(json_extract(e.value, ?)), 1, length(lower(?))) = lower(?)))",
         vec!["$.\"emails\"", "$.\"value\"", "$.\"value\"", "a", "a"]),
        // `emails[type eq "work"].value eq …` is read as the value filter
        // `emails[type eq "work" and value eq …]`: one element's type and
        // address, both kept in user_emails.
        ("emails[type eq \"work\"].value eq \"A@X.org\"", u, sq,
         "users.id IN (SELECT ue.user_id FROM user_emails ue WHERE ue.value_key = ? AND ue.type_key = ?)",
         vec!["a@x.org", "work"]),
        ("emails.type eq \"work\"", u, sq,
         "EXISTS (SELECT 1 FROM json_each(users.attributes, ?) AS e WHERE (lower(json_extract(e.value, ?)) IS NOT NULL AND lower(json_extract(e.value, ?)) = lower(?)))",
         vec!["$.\"emails\"", "$.\"type\"", "$.\"type\"", "work"]),
        ("emails[type eq \"work\" and primary eq true]", u, pg,
         "EXISTS (SELECT 1 FROM jsonb_array_elements(users.attributes::jsonb #> ?::text[]) AS e(v) WHERE ((lower((e.v #>> ?::text[])) IS NOT NULL AND lower((e.v #>> ?::text[])) = lower(?)) AND ((e.v #>> ?::text[]) IS NOT NULL AND ((e.v #>> ?::text[]))::boolean = ?)))",
         vec!["{\"emails\"}", "{\"type\"}", "{\"type\"}", "work", "{\"primary\"}", "{\"primary\"}", "true"]),
        ("emails pr", u, sq, "EXISTS (SELECT 1 FROM json_each(users.attributes, ?) AS e WHERE (1 = 1))", vec!["$.\"emails\""]),
        ("groups.value eq \"g1\"", u, sq,
         "users.id IN (SELECT m.member_id FROM memberships m JOIN \"groups\" g ON g.id = m.group_id WHERE g.directory_id <> 'local' AND (m.group_id IS NOT NULL AND m.group_id = ?))",
         vec!["g1"]),
        ("groups[display eq \"Eng\"]", u, sq,
         "users.id IN (SELECT m.member_id FROM memberships m JOIN \"groups\" g ON g.id = m.group_id WHERE g.directory_id <> 'local' AND (lower(g.display_name) IS NOT NULL AND lower(g.display_name) = lower(?)))",
         vec!["Eng"]),
        ("members[value eq \"u1\"]", g, sq,
         "EXISTS (SELECT 1 FROM memberships m WHERE m.group_id = \"groups\".id AND (m.member_id IS NOT NULL AND m.member_id = ?))",
         vec!["u1"]),
        ("entitlements[value eq \"wiki:user\"]", u, sq,
         "users.id IN (SELECT e.user_id FROM group_mappings gmx CROSS JOIN user_entitlements e WHERE e.group_id = gmx.group_id AND (lower(e.value) IS NOT NULL AND lower(e.value) = lower(?)))",
         vec!["wiki:user"]),
        ("entitlements.type eq \"wiki\"", u, sq,
         "users.id IN (SELECT e.user_id FROM group_mappings gmx CROSS JOIN user_entitlements e WHERE e.group_id = gmx.group_id AND (lower(e.product) IS NOT NULL AND lower(e.product) = lower(?)))",
         vec!["wiki"]),
        ("urn:gatehouse:scim:schemas:extension:access:1.0:User:grants[group eq \"g1\" and synced eq true]", u, sq,
         "users.id IN (SELECT e.user_id FROM group_mappings gmx CROSS JOIN user_entitlements e WHERE e.group_id = gmx.group_id AND ((e.group_id IS NOT NULL AND e.group_id = ?) AND ((e.group_directory <> 'local') = ?)))",
         vec!["g1", "true"]),
        ("entitlements pr", u, sq,
         "users.id IN (SELECT e.user_id FROM group_mappings gmx CROSS JOIN user_entitlements e WHERE e.group_id = gmx.group_id AND (1 = 1))",
         vec![]),
        // PostgreSQL starts from the mappings by itself, and plans the
        // view apart from the outer query (OFFSET 0): planning was the cost.
        ("urn:gatehouse:scim:schemas:extension:access:1.0:User:grants[synced eq false]", u, pg,
         "users.id IN (SELECT e.user_id FROM user_entitlements e WHERE ((e.group_directory <> 'local') = ?) OFFSET 0)",
         vec!["false"]),
        ("meta.resourceType eq \"User\"", u, sq, "(1 = 1)", vec![]),
        ("meta.resourceType eq \"User\"", g, sq, "(1 = 0)", vec![]),
        ("schemas eq \"urn:ietf:params:scim:schemas:core:2.0:User\"", u, sq, "(1 = 1)", vec![]),
        (&*Box::leak(format!("schemas eq \"{ent}\"").into_boxed_str()), u, sq,
         "(json_type(users.attributes, ?) IS NOT NULL)", vec![&*Box::leak(format!("$.\"{ent}\"").into_boxed_str())]),
    ];
    for (filter, kind, backend, text, binds) in cases {
        let (got_text, got_binds) = parsed(filter, kind, backend);
        assert_eq!(got_text, text, "{filter}");
        assert_eq!(got_binds, binds, "{filter}");
    }
}

#[test]
fn filters_the_schema_does_not_allow_are_invalid_filter() {
    let cases = [
        ("password eq \"x\"", ResourceKind::User),
        ("name eq \"x\"", ResourceKind::User),
        ("title.x eq \"x\"", ResourceKind::User),
        ("emails.nope eq \"x\"", ResourceKind::User),
        ("emails[nope eq \"x\"]", ResourceKind::User),
        ("emails[value.x eq \"x\"]", ResourceKind::User),
        ("title[value eq \"x\"]", ResourceKind::User),
        ("members.display eq \"x\"", ResourceKind::Group),
        ("urn:example:custom:shoe eq \"x\"", ResourceKind::User),
        (
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq 1",
            ResourceKind::User,
        ),
        ("meta.version eq \"x\"", ResourceKind::User),
        ("active co \"t\"", ResourceKind::User),
    ];
    for (text, kind) in cases {
        let filter = crate::scim::filter::parse(text).unwrap();
        let err = compile(&filter, &registry(), kind, Backend::Sqlite).unwrap_err();
        assert_eq!(
            err.scim_type,
            Some(crate::scim::ScimType::InvalidFilter),
            "{text}: {}",
            err.detail
        );
    }
}

#[test]
fn sort_orders() {
    let u = ResourceKind::User;
    let cases: Vec<(Option<&str>, bool, Backend, &str)> = vec![
        (None, false, Backend::Sqlite, "users.created_at, users.id"),
        (Some("userName"), false, Backend::Sqlite, "(users.user_name_key IS NULL), users.user_name_key ASC, users.created_at, users.id"),
        (Some("userName"), true, Backend::Postgres,
         "(users.user_name_key COLLATE \"C\" IS NULL), users.user_name_key COLLATE \"C\" DESC, users.created_at, users.id"),
        (Some("meta.lastModified"), true, Backend::Sqlite, "(users.updated_at IS NULL), users.updated_at DESC, users.created_at, users.id"),
        (Some("meta.lastModified"), false, Backend::Postgres, "(users.updated_at IS NULL), users.updated_at ASC, users.created_at, users.id"),
        (Some("name.familyName"), false, Backend::Sqlite,
         "(lower(json_extract(users.attributes, '$.\"name\".\"familyName\"')) IS NULL), lower(json_extract(users.attributes, '$.\"name\".\"familyName\"')) ASC, users.created_at, users.id"),
    ];
    for (sort_by, descending, backend, text) in cases {
        let (got, _) = order_by(sort_by, descending, &registry(), u, backend)
            .unwrap()
            .describe();
        assert_eq!(got, text, "{sort_by:?}");
    }
    let (emails, binds) = order_by(Some("emails"), false, &registry(), u, Backend::Sqlite)
        .unwrap()
        .describe();
    assert!(
        emails.contains("ORDER BY coalesce(json_extract(e.value, ?), 0) DESC, e.key LIMIT 1"),
        "{emails}"
    );
    assert_eq!(binds[..3], ["$.\"value\"", "$.\"emails\"", "$.\"primary\""]);
    for bad in ["nope", "name", "emails[type eq \"work\"]", "groups", "1x"] {
        let err = order_by(Some(bad), false, &registry(), u, Backend::Sqlite).unwrap_err();
        assert_eq!(err.status, 400, "{bad}");
    }
}

/// Only statement shapes from a bounded set are cached per connection: one
/// comparison, sort orders, cursor seeks. Anything a client can grow
/// without bound is prepared afresh.
#[test]
fn only_bounded_shapes_are_cacheable() {
    let u = ResourceKind::User;
    let g = ResourceKind::Group;
    let cases: Vec<(&str, ResourceKind, bool)> = vec![
        ("userName eq \"bjensen\"", u, true),
        ("externalId eq \"x\"", u, true),
        ("emails.value eq \"a@example.com\"", u, true),
        ("displayName eq \"Ops\"", g, true),
        ("title pr", u, true),
        ("meta.lastModified gt \"2026-01-01T00:00:00Z\"", u, true),
        ("userName eq \"a\" or userName eq \"b\"", u, false),
        ("userName eq \"a\" and active eq true", u, false),
        ("not (userName eq \"a\")", u, false),
        (
            "emails[type eq \"work\" and value eq \"a@example.com\"]",
            u,
            false,
        ),
        ("members[value eq \"x\"]", g, false),
    ];
    for (text, kind, cacheable) in cases {
        let filter = crate::scim::filter::parse(text).unwrap();
        for backend in [Backend::Sqlite, Backend::Postgres] {
            let condition = compile(&filter, &registry(), kind, backend).unwrap();
            assert_eq!(condition.is_cacheable(), cacheable, "{text} on {backend:?}");
        }
    }
    let r = registry();
    for backend in [Backend::Sqlite, Backend::Postgres] {
        assert!(order_by(None, false, &r, u, backend)
            .unwrap()
            .is_cacheable());
        assert!(order_by(Some("userName"), true, &r, u, backend)
            .unwrap()
            .is_cacheable());
    }
    assert!(creation_order(g, true).is_cacheable());
    assert!(seek(u, 1, "id", true).is_cacheable());
    // Cursor positions compare row values, which index range scans serve.
    for (kind, after, text) in [
        (u, true, "(users.created_at, users.id) > (?, ?)"),
        (g, false, "(\"groups\".created_at, \"groups\".id) < (?, ?)"),
    ] {
        let (got, binds) = seek(kind, 7, "x", after).describe();
        assert_eq!(
            (got.as_str(), binds),
            (text, vec!["7".to_owned(), "x".to_owned()])
        );
    }
    // Appending an unmarked fragment unmarks the whole.
    let grown = SqlCondition::new()
        .cacheable()
        .append(SqlCondition::new().sql("1 = 1"));
    assert!(!grown.is_cacheable());
}

#[test]
fn only_an_exact_user_name_match_is_a_key_lookup() {
    use crate::scim::filter::parse;
    let cases = [
        (
            "userName eq \"BJensen@Example.com\"",
            ResourceKind::User,
            Some("bjensen@example.com"),
        ),
        ("USERNAME EQ \"x\"", ResourceKind::User, Some("x")),
        (
            "urn:ietf:params:scim:schemas:core:2.0:User:userName eq \"Ä\"",
            ResourceKind::User,
            Some("ä"),
        ),
        ("userName eq \"x\"", ResourceKind::Group, None),
        ("userName ne \"x\"", ResourceKind::User, None),
        ("userName sw \"x\"", ResourceKind::User, None),
        ("userName eq null", ResourceKind::User, None),
        (
            "userName eq \"x\" and active eq true",
            ResourceKind::User,
            None,
        ),
        ("not (userName eq \"x\")", ResourceKind::User, None),
        ("externalId eq \"x\"", ResourceKind::User, None),
        ("emails[value eq \"x\"]", ResourceKind::User, None),
        ("userName pr", ResourceKind::User, None),
        (
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:userName eq \"x\"",
            ResourceKind::User,
            None,
        ),
    ];
    for (text, kind, expected) in cases {
        let filter = parse(text).unwrap();
        assert_eq!(
            user_name_lookup(&filter, kind).as_deref(),
            expected,
            "{text} on {kind:?}"
        );
    }
}

#[test]
fn only_an_exact_group_match_is_a_members_lookup() {
    use crate::scim::filter::parse;
    let user = ResourceKind::User;
    let cases = [
        ("groups[value eq \"G-1\"]", user, Some("G-1")),
        ("groups.value eq \"G-1\"", user, Some("G-1")),
        ("GROUPS[VALUE EQ \"g\"]", user, Some("g")),
        ("Groups.Value eq \"g\"", user, Some("g")),
        (
            "urn:ietf:params:scim:schemas:core:2.0:User:groups.value eq \"g\"",
            user,
            Some("g"),
        ),
        (
            "urn:ietf:params:scim:schemas:core:2.0:User:groups[value eq \"g\"]",
            user,
            Some("g"),
        ),
        ("groups[value eq \"g\"]", ResourceKind::Group, None),
        ("groups[value ne \"g\"]", user, None),
        ("groups[value sw \"g\"]", user, None),
        ("groups[value eq null]", user, None),
        ("groups[display eq \"g\"]", user, None),
        ("groups[type eq \"direct\"]", user, None),
        ("groups.display eq \"g\"", user, None),
        ("groups[value eq \"g\" and display eq \"x\"]", user, None),
        ("groups[value eq \"g\" or value eq \"h\"]", user, None),
        ("groups[value eq \"g\"] and active eq true", user, None),
        ("not (groups.value eq \"g\")", user, None),
        ("groups pr", user, None),
        ("members[value eq \"g\"]", user, None),
        ("emails[value eq \"g\"]", user, None),
        (
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:groups.value eq \"g\"",
            user,
            None,
        ),
    ];
    for (text, kind, expected) in cases {
        let filter = parse(text).unwrap();
        assert_eq!(
            group_lookup(&filter, kind).as_deref(),
            expected,
            "{text} on {kind:?}"
        );
    }
}

#[test]
fn an_entitlement_alone_or_anded_is_a_holders_lookup() {
    use crate::scim::filter::parse;
    let user = ResourceKind::User;
    // The entitlement found, and the rest of the filter if any.
    type Found<'a> = Option<(&'a str, Option<&'a str>)>;
    let cases: Vec<(&str, ResourceKind, Found)> = vec![
        ("entitlements[value eq \"p:user\"]", user, Some(("p:user", None))),
        ("entitlements.value eq \"P:User\"", user, Some(("P:User", None))),
        ("ENTITLEMENTS[VALUE EQ \"p:user\"]", user, Some(("p:user", None))),
        (
            "urn:ietf:params:scim:schemas:core:2.0:User:entitlements.value eq \"p:user\"",
            user,
            Some(("p:user", None)),
        ),
        // Every holder is active: nothing more is asked of them.
        (
            "entitlements[value eq \"p:user\"] and active eq true",
            user,
            Some(("p:user", None)),
        ),
        (
            "active eq TRUE and entitlements.value eq \"p:user\"",
            user,
            Some(("p:user", None)),
        ),
        (
            "entitlements[value eq \"p:user\"] and active eq false",
            user,
            Some(("p:user", Some("active eq false"))),
        ),
        (
            "entitlements[value eq \"p:user\"] and active ne true",
            user,
            Some(("p:user", Some("active ne true"))),
        ),
        (
            "entitlements[value eq \"p:user\"] and (active eq true)",
            user,
            Some(("p:user", None)),
        ),
        (
            "entitlements[value eq \"p:user\"] and userType eq \"Employee\"",
            user,
            Some(("p:user", Some("userType eq \"Employee\""))),
        ),
        (
            "entitlements[value eq \"p:user\"] and (userName eq \"a\" or active eq false)",
            user,
            Some(("p:user", Some("userName eq \"a\" or active eq false"))),
        ),
        // Not one entitlement's holders: the compiled filter.
        ("entitlements[value eq \"p:user\"] or active eq true", user, None),
        ("entitlements[value eq \"p:user\" or value eq \"q:user\"]", user, None),
        ("entitlements[type eq \"p\"]", user, None),
        ("entitlements.value sw \"p:\"", user, None),
        ("not (entitlements.value eq \"p:user\")", user, None),
        ("entitlements pr", user, None),
        ("roles[value eq \"p:user\"]", user, None),
        ("entitlements[value eq \"p:user\"]", ResourceKind::Group, None),
        (
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:entitlements.value eq \"p\"",
            user,
            None,
        ),
    ];
    for (text, kind, expected) in cases {
        let filter = parse(text).unwrap();
        let found = holder_lookup(&filter, kind);
        let expected =
            expected.map(|(value, rest)| (value.to_owned(), rest.map(|r| parse(r).unwrap())));
        assert_eq!(
            found.map(|(value, rest)| (value, rest.cloned())),
            expected,
            "{text} on {kind:?}"
        );
    }
}

#[test]
fn exactly_active_eq_a_boolean_is_an_active_lookup() {
    use crate::scim::filter::parse;
    let user = ResourceKind::User;
    let cases: Vec<(&str, ResourceKind, Option<bool>)> = vec![
        ("active eq false", user, Some(false)),
        ("active eq true", user, Some(true)),
        ("ACTIVE eq FALSE", user, Some(false)),
        ("(active eq false)", user, Some(false)),
        (
            "urn:ietf:params:scim:schemas:core:2.0:User:active eq false",
            user,
            Some(false),
        ),
        // Anything else is counted.
        ("active ne false", user, None),
        ("active eq \"false\"", user, None),
        ("active pr", user, None),
        ("not (active eq false)", user, None),
        ("active eq false and userName sw \"a\"", user, None),
        ("active eq false or active eq true", user, None),
        ("emails[active eq false]", user, None),
        (
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:active eq false",
            user,
            None,
        ),
        ("active eq false", ResourceKind::Group, None),
    ];
    for (text, kind, expected) in cases {
        let filter = parse(text).unwrap();
        assert_eq!(active_lookup(&filter, kind), expected, "{text} on {kind:?}");
    }
}

#[test]
fn exactly_a_shared_value_eq_a_string_is_a_kept_value_lookup() {
    use crate::scim::filter::parse;
    use crate::store::value_counts::KeptAttribute::{Department, FamilyName};
    let user = ResourceKind::User;
    let dept = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department";
    type Expected<'a> = Option<(KeptAttribute, &'a str)>;
    let cases: Vec<(String, ResourceKind, Expected)> = vec![
        ("name.familyName eq \"Smith\"".into(), user, Some((FamilyName, "Smith"))),
        ("NAME.FAMILYNAME eq \"smith\"".into(), user, Some((FamilyName, "smith"))),
        ("(name.familyName eq \"Smith\")".into(), user, Some((FamilyName, "Smith"))),
        (
            "urn:ietf:params:scim:schemas:core:2.0:User:name.familyName eq \"Smith\"".into(),
            user,
            Some((FamilyName, "Smith")),
        ),
        (format!("{dept} eq \"Finance \""), user, Some((Department, "Finance "))),
        (format!("{} eq \"Finance\"", dept.to_uppercase()), user, Some((Department, "Finance"))),
        // Anything else is counted.
        ("department eq \"Finance\"".into(), user, None),
        (format!("{dept} ne \"Finance\""), user, None),
        (format!("{dept} co \"Finance\""), user, None),
        (format!("{dept} eq null"), user, None),
        (format!("{dept} eq 5"), user, None),
        (format!("not ({dept} eq \"Finance\")"), user, None),
        (format!("{dept} eq \"Finance\" and active eq true"), user, None),
        ("name.givenName eq \"Smith\"".into(), user, None),
        ("name eq \"Smith\"".into(), user, None),
        ("name[familyName eq \"Smith\"]".into(), user, None),
        (
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:name.familyName eq \"Smith\"".into(),
            user,
            None,
        ),
        ("name.familyName eq \"Smith\"".into(), ResourceKind::Group, None),
    ];
    for (text, kind, expected) in cases {
        let filter = parse(&text).unwrap();
        let found = kept_value_lookup(&filter, kind);
        let found = found.as_ref().map(|(a, v)| (*a, v.as_str()));
        assert_eq!(found, expected, "{text} on {kind:?}");
    }
}

#[test]
fn exactly_last_modified_against_a_time_is_a_modified_lookup() {
    use crate::scim::filter::parse;
    use crate::store::value_counts::ModifiedTest::{After, Before, From, Until};
    let user = ResourceKind::User;
    // 2026-01-01T00:00:00Z.
    let t = 1_767_225_600_000_000;
    let cases: Vec<(&str, ResourceKind, Option<ModifiedTest>)> = vec![
        ("meta.lastModified gt \"2026-01-01T00:00:00Z\"", user, Some(After(t))),
        ("meta.lastModified ge \"2026-01-01T00:00:00Z\"", user, Some(From(t))),
        ("meta.lastModified lt \"2026-01-01T00:00:00Z\"", user, Some(Before(t))),
        ("meta.lastModified le \"2026-01-01T00:00:00Z\"", user, Some(Until(t))),
        ("META.LASTMODIFIED GT \"2026-01-01T01:00:00+01:00\"", user, Some(After(t))),
        (
            "meta.lastModified gt \"2026-01-01T00:00:00.0000019Z\"",
            user,
            Some(After(t + 1)),
        ),
        (
            "urn:ietf:params:scim:schemas:core:2.0:User:meta.lastModified gt \"2026-01-01T00:00:00Z\"",
            user,
            Some(After(t)),
        ),
        // Anything else is counted.
        ("meta.lastModified eq \"2026-01-01T00:00:00Z\"", user, None),
        ("meta.lastModified gt \"1969-12-31T23:59:59Z\"", user, None),
        ("meta.lastModified gt \"yesterday\"", user, None),
        ("meta.created gt \"2026-01-01T00:00:00Z\"", user, None),
        ("meta.lastModified pr", user, None),
        ("not (meta.lastModified gt \"2026-01-01T00:00:00Z\")", user, None),
        (
            "meta.lastModified gt \"2026-01-01T00:00:00Z\" and active eq true",
            user,
            None,
        ),
        ("meta.lastModified gt \"2026-01-01T00:00:00Z\"", ResourceKind::Group, None),
    ];
    for (text, kind, expected) in cases {
        let filter = parse(text).unwrap();
        assert_eq!(
            modified_lookup(&filter, kind),
            expected,
            "{text} on {kind:?}"
        );
    }
}

#[test]
fn exactly_one_email_element_test_is_an_email_lookup() {
    use crate::scim::filter::parse;
    use AddressMatch::{EndsWith, Is};
    let user = ResourceKind::User;
    let at = |address: AddressMatch, type_key: Option<&str>| {
        Some(EmailMatch {
            address,
            type_key: type_key.map(str::to_owned),
        })
    };
    let contractor = || EndsWith("@contractor.example".to_owned());
    let cases: Vec<(&str, ResourceKind, Option<EmailMatch>)> = vec![
        ("emails.value ew \"@Contractor.EXAMPLE\"", user, at(contractor(), None)),
        ("emails ew \"@contractor.example\"", user, None),
        ("emails[value ew \"@contractor.example\"]", user, at(contractor(), None)),
        (
            "emails[type eq \"WORK\" and value ew \"@contractor.example\"]",
            user,
            at(contractor(), Some("work")),
        ),
        (
            "emails[VALUE ew \"@contractor.example\" and Type eq \"work\"]",
            user,
            at(contractor(), Some("work")),
        ),
        (
            "urn:ietf:params:scim:schemas:core:2.0:User:emails[type eq \"work\" and value eq \"Ann@X.org\"]",
            user,
            at(Is("ann@x.org".to_owned()), Some("work")),
        ),
        ("emails.value eq \"Ann@X.org\"", user, at(Is("ann@x.org".to_owned()), None)),
        // Anything else takes the compiled filter.
        ("emails[type eq \"\" and value ew \"@x\"]", user, None),
        ("emails[type ne \"work\" and value ew \"@x\"]", user, None),
        ("emails[type eq \"work\" or value ew \"@x\"]", user, None),
        ("emails[type eq \"work\" and primary eq true]", user, None),
        ("emails[type eq \"work\"]", user, None),
        ("emails[value sw \"ann\"]", user, None),
        ("emails[value eq 1]", user, None),
        ("emails.value ew \"@x\" and active eq true", user, None),
        ("not (emails.value ew \"@x\")", user, None),
        ("emails.type eq \"work\"", user, None),
        // Read as `emails[value ew "@x" and type eq "work"]`.
        (
            "emails[value ew \"@x\"].type eq \"work\"",
            user,
            at(EndsWith("@x".to_owned()), Some("work")),
        ),
        ("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:emails.value ew \"@x\"", user, None),
        ("emails.value ew \"@x\"", ResourceKind::Group, None),
    ];
    for (text, kind, expected) in cases {
        let filter = parse(text).unwrap();
        assert_eq!(email_lookup(&filter, kind), expected, "{text} on {kind:?}");
    }
}

#[test]
fn a_prefix_range_ends_at_the_successor_of_the_prefix() {
    use super::compare::successor;
    let cases: Vec<(&str, Option<&str>)> = vec![
        ("", None),
        ("a", Some("b")),
        ("user00", Some("user01")),
        ("é", Some("ê")),
        ("a\u{D7FF}", Some("a\u{E000}")),
        ("a\u{10FFFF}", None),
    ];
    for (prefix, expected) in cases {
        assert_eq!(successor(prefix).as_deref(), expected, "{prefix:?}");
    }
}

/// Callers tell an unknown attribute from other filter errors by its
/// cause (the root `/.search` lets a type lacking it match nothing).
#[test]
fn unknown_attributes_carry_their_cause() {
    use crate::scim::error::Cause;
    let cases = [
        (
            "nosuch eq \"x\"",
            ResourceKind::User,
            Some(Cause::UnknownAttribute),
        ),
        (
            "members.value eq \"x\"",
            ResourceKind::User,
            Some(Cause::UnknownAttribute),
        ),
        (
            "userName eq \"x\"",
            ResourceKind::Group,
            Some(Cause::UnknownAttribute),
        ),
        ("userName gt true", ResourceKind::User, None),
        ("active co \"x\"", ResourceKind::User, None),
    ];
    for (text, kind, cause) in cases {
        let filter = crate::scim::filter::parse(text).unwrap();
        let err = compile(&filter, &registry(), kind, Backend::Sqlite).unwrap_err();
        assert_eq!(err.cause, cause, "{text}: {}", err.detail);
    }
}

#[test]
fn an_or_of_equalities_on_one_attribute_is_one_set_lookup() {
    let u = ResourceKind::User;
    let g = ResourceKind::Group;
    let sqlite = Backend::Sqlite;
    let cases: Vec<(&str, ResourceKind, &str, Vec<&str>)> = vec![
        ("userName eq \"A\" or USERNAME eq \"B\" or userName eq \"c\"", u,
         "(users.user_name_key IS NOT NULL AND users.user_name_key IN (?, ?, ?))", vec!["a", "b", "c"]),
        ("externalId eq \"X\" or externalId eq \"y\"", u,
         "(users.external_id IS NOT NULL AND users.external_id IN (?, ?))", vec!["X", "y"]),
        ("displayName eq \"Ann\" or displayName eq \"Bo\"", u,
         "(lower(users.display_name) IS NOT NULL AND lower(users.display_name) IN (lower(?), lower(?)))", vec!["Ann", "Bo"]),
        ("displayName eq \"Ops\" or displayName eq \"Dev\"", g,
         "(\"groups\".display_name_key IS NOT NULL AND \"groups\".display_name_key IN (?, ?))", vec!["ops", "dev"]),
        // The probe's costly filter: every address one lookup of the index.
        ("emails[value eq \"A@x\" or value eq \"b@x\"]", u,
         "users.id IN (SELECT ue.user_id FROM user_emails ue WHERE ue.value_key IN (?, ?))", vec!["a@x", "b@x"]),
        ("emails.value eq \"A@x\" or emails.value eq \"b@x\"", u,
         "users.id IN (SELECT ue.user_id FROM user_emails ue WHERE ue.value_key IN (?, ?))", vec!["a@x", "b@x"]),
        // Not one attribute, or not all equalities: the `or`s stay.
        ("userName eq \"a\" or externalId eq \"b\"", u,
         "((users.user_name_key IS NOT NULL AND users.user_name_key = ?) OR (users.external_id IS NOT NULL AND users.external_id = ?))",
         vec!["a", "b"]),
        ("userName eq \"a\" or userName sw \"b\"", u,
         "((users.user_name_key IS NOT NULL AND users.user_name_key = ?) OR (users.user_name_key IS NOT NULL AND users.user_name_key >= ? AND users.user_name_key < ? AND substr(users.user_name_key, 1, length(?)) = ?))",
         vec!["a", "b", "c", "b", "b"]),
        // Booleans written as strings compare by their type, one by one.
        ("active eq \"true\" or active eq \"false\"", u,
         "((users.active = ?) OR (users.active = ?))", vec!["true", "false"]),
    ];
    for (text, kind, want, binds) in cases {
        let (got, got_binds) = parsed(text, kind, sqlite);
        assert_eq!(got, want, "{text}");
        assert_eq!(got_binds, binds, "{text}");
    }
}
