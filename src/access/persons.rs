//! Persons: one human, however many accounts. Accounts sharing a verified
//! email belong to one person: each directory's user (an *identity*) and
//! each local account (signup, request, invitation, guest, customer).
//!
//! The IdP decides. A person who has had an identity is *managed*, and
//! holds access from any source only while one of their identities is
//! active (`live`); when the last is deactivated or deleted, every role and
//! license of the person stops in the same transaction, and comes back when
//! an identity is active again. Licenses count persons, not accounts.

use serde_json::{json, Value};

use super::audit::{self, Change};
use super::emails::looks_like_email;
use super::error::AccessError;
use super::{WriteContext, LOCAL_DIRECTORY};
use crate::scim::fold::fold;
use crate::store::models::{PersonRow, UserRow};
use crate::store::{persons, users, DbConn, StoreError, StoreResult};

/// The email an account links by, folded: for a local account its address
/// (if verified); for an identity, the IdP's primary email, else a work
/// email, else a `userName` that is an address. `None`: it links nothing.
pub fn link_email(row: &UserRow) -> Option<String> {
    if !row.email_verified {
        return None;
    }
    let from_user_name = || looks_like_email(&row.user_name).then(|| row.user_name_key.clone());
    if row.directory_id == LOCAL_DIRECTORY {
        return from_user_name();
    }
    let attributes: Value = serde_json::from_str(&row.attributes).unwrap_or(Value::Null);
    let emails = attributes
        .get("emails")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let value = |e: &Value| {
        e.get("value")
            .and_then(Value::as_str)
            .filter(|v| looks_like_email(v))
            .map(fold)
    };
    let primary = emails
        .iter()
        .find(|e| e.get("primary") == Some(&Value::Bool(true)))
        .and_then(value);
    let work = || {
        emails
            .iter()
            .find(|e| e.get("type").and_then(Value::as_str) == Some("work"))
            .and_then(value)
    };
    primary.or_else(work).or_else(from_user_name)
}

/// The existing person an account belongs to by its email: the person of
/// that email, or, for an account whose email links nothing, its own
/// person of no email. `None`: a new person is needed. A caller checks
/// license caps with it before `link_to` it.
pub fn person_for(conn: &mut DbConn, row: &UserRow) -> StoreResult<Option<PersonRow>> {
    match link_email(row) {
        Some(key) => Ok(persons::find_by_email(conn, &key)?),
        None => person_of_no_email(conn, row),
    }
}

/// `person_for` of an account whose email links nothing: its own person,
/// if that person has no email either.
fn person_of_no_email(conn: &mut DbConn, row: &UserRow) -> StoreResult<Option<PersonRow>> {
    match &row.person_id {
        Some(id) => Ok(Some(persons::find(conn, id)?).filter(|p| p.email_key.is_none())),
        None => Ok(None),
    }
}

/// Whether an update of an account (`before` -> `after`) leaves its tie
/// to its person as it was, so that linking it again would find the same
/// person in the same state: it is linked, its verified email that links
/// it is the same, and it is as active as before (whether its person is
/// live, and whether the write gives back licenses, turn on that alone).
pub fn tie_unchanged(before: &UserRow, after: &UserRow) -> bool {
    before.person_id.is_some()
        && before.person_id == after.person_id
        && before.active == after.active
        && link_email(before) == link_email(after)
}

/// Chooses the person of an account about to be inserted. When none of
/// its email exists yet (the common case), a new one is made now and its
/// id put in the row, which is then complete once inserted; otherwise the
/// existing person is returned, to be joined with `link_to` after the
/// insert (which checks license caps and audits the link).
///
/// With an email, the person is added unless the email has one already,
/// and read only then: one statement in the common case, where reading
/// first and then adding took two.
pub fn prepare(
    conn: &mut DbConn,
    ctx: &WriteContext,
    row: &mut UserRow,
) -> Result<Option<PersonRow>, AccessError> {
    let Some(key) = link_email(row) else {
        return match person_of_no_email(conn, row)? {
            Some(existing) => Ok(Some(existing)),
            None => {
                row.person_id = Some(new_person(conn, ctx, None, row)?.id);
                Ok(None)
            }
        };
    };
    let person = person_row(ctx, Some(key.clone()), row);
    if persons::insert_new(conn, &person)? {
        row.person_id = Some(person.id);
        return Ok(None);
    }
    match persons::find_by_email(conn, &key)? {
        Some(existing) => Ok(Some(existing)),
        // Taken by a person removed since: run again.
        None => Err(StoreError::Stale.into()),
    }
}

/// `prepare`'s common case for a create that writes the person with the
/// account (`store::user_creates`): the new person of an account with a
/// link email, its id put in the row. `None` for an account without one
/// (`prepare` decides its person). Should a person hold the email by the
/// time it is written, the create takes `prepare`'s way instead.
pub fn new_person_for_email(ctx: &WriteContext, row: &mut UserRow) -> Option<PersonRow> {
    let person = person_row(ctx, Some(link_email(row)?), row);
    row.person_id = Some(person.id.clone());
    Some(person)
}

/// Attaches an account (already written) to the person its verified email
/// names, making the person if there is none, or moving the account when
/// its email changed; then brings the persons touched up to date (the
/// person's other accounts get a new version when its access changed; the
/// account itself has one from its own write). Joining a person who has
/// other accounts is audited (`person.linked`).
pub fn link(conn: &mut DbConn, ctx: &WriteContext, row: &UserRow) -> Result<(), AccessError> {
    let existing = person_for(conn, row)?;
    link_to(conn, ctx, row, existing)
}

/// `link`, with the person `person_for` found for the account.
pub fn link_to(
    conn: &mut DbConn,
    ctx: &WriteContext,
    row: &UserRow,
    existing: Option<PersonRow>,
) -> Result<(), AccessError> {
    let current = match &row.person_id {
        Some(id) if existing.as_ref().is_some_and(|p| p.id == *id) => existing.clone(),
        Some(id) => Some(persons::find(conn, id)?),
        None => None,
    };
    let Some(target) = existing else {
        // A person of one account: their state is the account's.
        let person = new_person(conn, ctx, link_email(row), row)?;
        persons::set_person(conn, &row.id, &person.id)?;
        if let Some(old) = current {
            refresh(conn, ctx.now, &old.id, Some(&row.id))?;
        }
        return Ok(());
    };
    if current.as_ref().is_some_and(|c| c.id == target.id) {
        // The person as `person_for` just read it: not read again.
        refresh_read(conn, ctx.now, &target, Some(&row.id))?;
        return Ok(());
    }
    let others: Vec<String> = persons::accounts(conn, &target.id)?
        .into_iter()
        .map(|u| u.id)
        .filter(|id| *id != row.id)
        .collect();
    persons::set_person(conn, &row.id, &target.id)?;
    if !others.is_empty() {
        audit::record(
            conn,
            ctx,
            Change {
                action: "person.linked",
                target_type: "Person",
                target_id: &target.id,
                before: current.as_ref().map(|c| json!({"person": c.id})),
                after: Some(json!({
                    "account": row.id,
                    "directory": row.directory_id,
                    "email": target.email_key,
                    "accounts": others,
                })),
            },
        )?;
    }
    refresh(conn, ctx.now, &target.id, Some(&row.id))?;
    if let Some(old) = current {
        refresh(conn, ctx.now, &old.id, Some(&row.id))?;
    }
    Ok(())
}

/// A new person whose only account is `account`.
fn new_person(
    conn: &mut DbConn,
    ctx: &WriteContext,
    email_key: Option<String>,
    account: &UserRow,
) -> Result<PersonRow, AccessError> {
    let row = person_row(ctx, email_key, account);
    match persons::insert(conn, &row).map_err(StoreError::from) {
        // Another transaction made the person of this email first: run
        // again, and join it.
        Err(StoreError::Conflict(_)) => return Err(StoreError::Stale.into()),
        other => other?,
    }
    Ok(row)
}

/// A new person for `account`, by `email_key`: managed when the account
/// came from a directory, live while it is active (or unmanaged).
fn person_row(ctx: &WriteContext, email_key: Option<String>, account: &UserRow) -> PersonRow {
    let managed = account.directory_id != LOCAL_DIRECTORY;
    PersonRow {
        id: super::new_id(ctx.now),
        email_key,
        managed,
        live: !managed || account.active,
        created_at: ctx.now,
        updated_at: ctx.now,
    }
}

/// Recomputes whether a person is managed (has had an identity) and live
/// (not managed, or an identity is active) from their accounts. When
/// `live` changes, every account of the person but `written` (which the
/// caller is writing) gets a new version: their entitlements changed.
/// Returns whether it changed.
pub fn refresh(
    conn: &mut DbConn,
    now: i64,
    person_id: &str,
    written: Option<&str>,
) -> StoreResult<bool> {
    let person = persons::find(conn, person_id)?;
    refresh_read(conn, now, &person, written)
}

/// `refresh` of a person this write has read already.
fn refresh_read(
    conn: &mut DbConn,
    now: i64,
    person: &PersonRow,
    written: Option<&str>,
) -> StoreResult<bool> {
    let person_id = person.id.as_str();
    let accounts = persons::accounts_of(conn, person_id, written)?;
    let managed = person.managed || accounts.identities > 0;
    let live = !managed || accounts.active > 0;
    if managed == person.managed && live == person.live {
        return Ok(false);
    }
    persons::set_state(conn, person_id, managed, live, now)?;
    if live != person.live {
        // The person's other accounts show its liveness: new versions.
        // With none (most persons have one account), no statement: on
        // PostgreSQL an UPDATE matching no row still runs the users'
        // statement triggers, ~80 us of a deactivation's CPU.
        if accounts.others {
            users::touch_person(conn, person_id, written, now)?;
        }
        return Ok(true);
    }
    Ok(false)
}

/// Links up to 1,000 accounts made before persons existed; returns how
/// many (0: none is left). See `link_pending`.
pub fn link_batch(conn: &mut DbConn) -> Result<usize, AccessError> {
    let batch = persons::unlinked(conn, 1000)?;
    for row in &batch {
        let ctx = WriteContext {
            directory_id: row.directory_id.clone(),
            actor: super::Actor::new(super::ActorKind::Cli, "persons-migration"),
            request_id: None,
            now: row.updated_at,
        };
        link(conn, &ctx, row)?;
    }
    Ok(batch.len())
}

/// Folds persons' email keys again from their accounts, once after the
/// case fold changed (migration 000009): only keys with a character
/// outside ASCII can differ. A key another person already holds is left
/// as it was (the two were distinct before) and logged.
pub fn refold_keys(conn: &mut DbConn) -> Result<(), AccessError> {
    if !crate::store::tasks::pending(conn, "refold_persons")? {
        return Ok(());
    }
    for person in persons::with_non_ascii_keys(conn)? {
        let accounts = persons::accounts(conn, &person.id)?;
        let Some(key) = accounts.iter().find_map(link_email) else {
            continue;
        };
        if Some(&key) == person.email_key.as_ref() {
            continue;
        }
        if persons::find_by_email(conn, &key)?.is_some() {
            tracing::warn!(person = %person.id, "email key left unfolded: another person holds its new fold");
            continue;
        }
        persons::set_email_key(conn, &person.id, &key)?;
    }
    crate::store::tasks::done(conn, "refold_persons")?;
    Ok(())
}

/// Links accounts not linked yet (a database made before persons
/// existed), a transaction per 1,000, at most `batches` of them (`None`:
/// all). Returns whether none is left. Until linked, an account counts as
/// a person of its own (the entitlements view), as before persons existed.
pub fn link_pending(
    store: &crate::store::Store,
    batches: Option<usize>,
) -> Result<bool, AccessError> {
    let mut total = 0;
    let mut done = 0;
    loop {
        if batches.is_some_and(|max| done >= max) {
            tracing::info!(accounts = total, "accounts linked to persons; more to come");
            return Ok(false);
        }
        let linked = store.write_now(link_batch)?;
        if linked == 0 {
            if total > 0 {
                tracing::info!(accounts = total, "accounts linked to persons");
            }
            return Ok(true);
        }
        total += linked;
        done += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(directory: &str, user_name: &str, attributes: Value, verified: bool) -> UserRow {
        UserRow {
            user_name_key: fold(user_name),
            email_verified: verified,
            ..UserRow::sample(directory, user_name, attributes.to_string())
        }
    }

    #[test]
    fn accounts_link_by_their_verified_email() {
        let cases: Vec<(UserRow, Option<&str>)> = vec![
            // An identity: primary email first, then work, then an email-like userName.
            (
                row(
                    "d1",
                    "E123",
                    json!({"emails": [
                    {"value": "Home@x.org", "type": "home"},
                    {"value": "Alice@Acme.com", "type": "work", "primary": true}]}),
                    true,
                ),
                Some("alice@acme.com"),
            ),
            (
                row(
                    "d1",
                    "E123",
                    json!({"emails": [
                    {"value": "home@x.org", "type": "home"},
                    {"value": "alice@acme.com", "type": "work"}]}),
                    true,
                ),
                Some("alice@acme.com"),
            ),
            (
                row(
                    "d1",
                    "Bob@Acme.com",
                    json!({"emails": [{"value": "b@home.org", "type": "home"}]}),
                    true,
                ),
                Some("bob@acme.com"),
            ),
            (row("d1", "E124", json!({}), true), None),
            (
                row(
                    "d1",
                    "E125",
                    json!({"emails": [{"value": "not an address", "primary": true}]}),
                    true,
                ),
                None,
            ),
            // A local account: its address, when verified.
            (
                row(LOCAL_DIRECTORY, "Carol@Acme.com", json!({}), true),
                Some("carol@acme.com"),
            ),
            (
                row(LOCAL_DIRECTORY, "carol@acme.com", json!({}), false),
                None,
            ),
        ];
        for (user, want) in cases {
            assert_eq!(link_email(&user).as_deref(), want, "{}", user.attributes);
        }
    }
}
