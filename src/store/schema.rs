//! The one diesel schema for both backends (kept by hand to match `migrations/`).

diesel::table! {
    directories (id) {
        id -> Text,
        name -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    directory_tokens (id) {
        id -> Text,
        directory_id -> Text,
        name -> Text,
        token_hash -> Text,
        created_at -> BigInt,
        revoked_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        directory_id -> Text,
        user_name -> Text,
        user_name_key -> Text,
        external_id -> Nullable<Text>,
        display_name -> Nullable<Text>,
        active -> Bool,
        attributes -> Text,
        version -> BigInt,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    groups (id) {
        id -> Text,
        directory_id -> Text,
        display_name -> Text,
        display_name_key -> Text,
        external_id -> Nullable<Text>,
        attributes -> Text,
        version -> BigInt,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    memberships (group_id, member_id) {
        group_id -> Text,
        member_id -> Text,
        member_type -> Text,
        source -> Text,
        actor -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    user_emails (user_id, value_key) {
        user_id -> Text,
        value_key -> Text,
    }
}

diesel::table! {
    audit_events (id) {
        id -> BigInt,
        occurred_at -> BigInt,
        request_id -> Nullable<Text>,
        actor_type -> Text,
        actor_id -> Text,
        directory_id -> Nullable<Text>,
        action -> Text,
        target_type -> Text,
        target_id -> Text,
        before -> Nullable<Text>,
        after -> Nullable<Text>,
    }
}

diesel::joinable!(directory_tokens -> directories (directory_id));
diesel::joinable!(users -> directories (directory_id));
diesel::joinable!(groups -> directories (directory_id));
diesel::joinable!(memberships -> groups (group_id));
diesel::joinable!(user_emails -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    directories,
    directory_tokens,
    users,
    groups,
    memberships,
    user_emails,
    audit_events,
);
