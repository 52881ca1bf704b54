//! The one diesel schema for both backends (kept by hand to match `migrations/`).

diesel::table! {
    directories (id) {
        id -> Text,
        name -> Text,
        created_at -> BigInt,
        strict_schema -> Bool,
        last_push_at -> Nullable<BigInt>,
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
        portal_only -> Bool,
        suspended -> Bool,
        person_id -> Nullable<Text>,
        email_verified -> Bool,
        group_ids -> Text,
    }
}

diesel::table! {
    persons (id) {
        id -> Text,
        email_key -> Nullable<Text>,
        managed -> Bool,
        live -> Bool,
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
        reason -> Nullable<Text>,
        member_created_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    group_user_counts (group_id) {
        group_id -> Text,
        users -> BigInt,
        holders -> BigInt,
        customer_holders -> BigInt,
    }
}

diesel::table! {
    user_emails (user_id, value_key, type_key) {
        user_id -> Text,
        value_key -> Text,
        type_key -> Text,
        value_reversed -> Nullable<Text>,
        directory_id -> Text,
        user_created_at -> BigInt,
        domain_key -> Text,
        first_at_domain -> Bool,
        first_at_domain_of_type -> Bool,
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
        actor_person -> Nullable<Text>,
        actor_role -> Nullable<Text>,
        actor_scope -> Nullable<Text>,
    }
}

diesel::table! {
    admin_tokens (id) {
        id -> Text,
        name -> Text,
        token_hash -> Text,
        created_at -> BigInt,
        revoked_at -> Nullable<BigInt>,
        role -> Text,
        site_id -> Nullable<Text>,
        product_key -> Nullable<Text>,
        expires_at -> Nullable<BigInt>,
        last_used_at -> Nullable<BigInt>,
        owner -> Nullable<Text>,
    }
}

diesel::table! {
    admin_roles (id) {
        id -> Text,
        role -> Text,
        site_id -> Nullable<Text>,
        product_key -> Nullable<Text>,
        email_key -> Nullable<Text>,
        group_name -> Nullable<Text>,
        group_name_key -> Nullable<Text>,
        directory_id -> Nullable<Text>,
        created_at -> BigInt,
        created_by -> Text,
    }
}

diesel::table! {
    oidc_logins (state_hash) {
        state_hash -> Text,
        nonce -> Text,
        pkce_verifier -> Text,
        created_at -> BigInt,
        used_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    sites (id) {
        id -> Text,
        name -> Text,
        name_key -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    products (product_key) {
        product_key -> Text,
        site_id -> Text,
        name -> Text,
        service_desk -> Bool,
        license_cap -> Nullable<BigInt>,
        anonymous_access -> Bool,
        default_group_id -> Text,
        created_at -> BigInt,
        updated_at -> BigInt,
        invite_mode -> Text,
        bare_key -> Text,
    }
}

diesel::table! {
    /// Which roles a mapped role grants (`admin` grants `user` too).
    role_implications (role, grants) {
        role -> Text,
        grants -> Text,
    }
}

diesel::table! {
    group_mappings (id) {
        id -> Text,
        product_key -> Text,
        role -> Text,
        group_id -> Nullable<Text>,
        group_name -> Text,
        group_name_key -> Text,
        directory_id -> Nullable<Text>,
        created_at -> BigInt,
        created_by -> Text,
    }
}

diesel::table! {
    /// A view (see the access-model migration): effective access, derived.
    user_entitlements (user_id, value, group_id) {
        user_id -> Text,
        person_id -> Text,
        product -> Text,
        product_name -> Text,
        role -> Text,
        value -> Text,
        group_id -> Text,
        group_display -> Text,
        group_directory -> Text,
        granted_at -> BigInt,
    }
}

diesel::table! {
    policies (scope) {
        scope -> Text,
        body -> Text,
        updated_at -> BigInt,
    }
}

diesel::table! {
    product_tokens (id) {
        id -> Text,
        name -> Text,
        token_hash -> Text,
        created_at -> BigInt,
        revoked_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    access_requests (id) {
        id -> Text,
        product_key -> Text,
        requester_id -> Nullable<Text>,
        requester_email -> Nullable<Text>,
        subject_id -> Nullable<Text>,
        subject_email -> Nullable<Text>,
        email_verified -> Bool,
        origin -> Text,
        status -> Text,
        message -> Nullable<Text>,
        created_at -> BigInt,
        decided_at -> Nullable<BigInt>,
        decided_by -> Nullable<Text>,
    }
}

diesel::table! {
    invitations (id) {
        id -> Text,
        product_key -> Text,
        role -> Text,
        email -> Text,
        invited_by -> Nullable<Text>,
        status -> Text,
        user_id -> Nullable<Text>,
        created_at -> BigInt,
        accepted_at -> Nullable<BigInt>,
        expires_at -> BigInt,
        closed_at -> Nullable<BigInt>,
        closed_reason -> Nullable<Text>,
    }
}

diesel::table! {
    invite_links (id) {
        id -> Text,
        token_hash -> Text,
        product_key -> Text,
        role -> Text,
        created_by -> Text,
        created_at -> BigInt,
        expires_at -> BigInt,
        revoked_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    guests (id) {
        id -> Text,
        user_id -> Text,
        site_id -> Text,
        status -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    guest_spaces (guest_id) {
        guest_id -> Text,
        space -> Text,
        product_key -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    custom_schemas (urn) {
        urn -> Text,
        resource_type -> Text,
        document -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    unregistered_attributes (directory_id, resource_type, schema_urn, name) {
        directory_id -> Text,
        resource_type -> Text,
        schema_urn -> Text,
        name -> Text,
        seen -> BigInt,
        example -> Text,
        first_seen -> BigInt,
        last_seen -> BigInt,
    }
}

diesel::table! {
    sync_issues (id) {
        id -> BigInt,
        directory_id -> Text,
        occurred_at -> BigInt,
        kind -> Text,
        method -> Text,
        path -> Text,
        status -> Integer,
        scim_type -> Nullable<Text>,
        detail -> Text,
        request_id -> Nullable<Text>,
        group_id -> Nullable<Text>,
        member_id -> Nullable<Text>,
    }
}

diesel::table! {
    store_tasks (name) {
        name -> Text,
    }
}

diesel::table! {
    sync_requests (directory_id, hour, status) {
        directory_id -> Text,
        hour -> BigInt,
        status -> Integer,
        requests -> BigInt,
    }
}

diesel::table! {
    console_links (id) {
        id -> Text,
        secret_hash -> Text,
        created_at -> BigInt,
        expires_at -> BigInt,
        used_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    console_sessions (id) {
        id -> Text,
        secret_hash -> Text,
        actor_kind -> Text,
        actor_id -> Text,
        csrf_token -> Text,
        created_at -> BigInt,
        last_seen_at -> BigInt,
        expires_at -> BigInt,
        ended_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    license_samples (product_key, taken_at) {
        product_key -> Text,
        taken_at -> BigInt,
        used -> BigInt,
        cap -> Nullable<BigInt>,
    }
}

diesel::table! {
    licenses (product_key, person_id) {
        product_key -> Text,
        person_id -> Text,
    }
}

diesel::table! {
    license_counts (seq) {
        seq -> BigInt,
        product_key -> Text,
        used -> BigInt,
    }
}

diesel::table! {
    license_dirty (person_id) {
        person_id -> Text,
    }
}

diesel::table! {
    /// PostgreSQL only (migration 000025): each user's `updated_at`, kept
    /// aside so a touched user's own row changes no index.
    user_modified_at (user_id) {
        user_id -> Text,
        directory_id -> Text,
        updated_at -> BigInt,
    }
}

diesel::table! {
    user_value_counts (seq) {
        seq -> BigInt,
        directory_id -> Text,
        attribute -> Text,
        value_key -> Text,
        users -> BigInt,
        folded -> Bool,
    }
}

diesel::table! {
    user_counts (seq) {
        seq -> BigInt,
        directory_id -> Text,
        users -> BigInt,
        changes -> BigInt,
        inactive -> BigInt,
    }
}

diesel::joinable!(directory_tokens -> directories (directory_id));
diesel::joinable!(users -> directories (directory_id));
diesel::joinable!(groups -> directories (directory_id));
diesel::joinable!(memberships -> groups (group_id));
diesel::joinable!(user_emails -> users (user_id));
diesel::joinable!(products -> sites (site_id));
diesel::joinable!(group_mappings -> products (product_key));
diesel::joinable!(guest_spaces -> guests (guest_id));
diesel::joinable!(guests -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    directories,
    directory_tokens,
    users,
    groups,
    memberships,
    user_emails,
    audit_events,
    admin_tokens,
    admin_roles,
    oidc_logins,
    sites,
    products,
    group_mappings,
    role_implications,
    user_entitlements,
    persons,
    policies,
    product_tokens,
    access_requests,
    invitations,
    invite_links,
    guests,
    guest_spaces,
    custom_schemas,
    unregistered_attributes,
    sync_issues,
    store_tasks,
    sync_requests,
    console_links,
    console_sessions,
    license_samples,
    user_counts,
    user_value_counts,
    user_modified_at,
    licenses,
    license_counts,
    license_dirty,
);
