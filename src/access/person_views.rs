//! Persons as admins see them: their accounts, the access they hold and
//! where it comes from, finding them by id or email, and the leavers
//! report.

use serde::Serialize;

use super::emails::looks_like_email;
use super::error::AccessError;
use super::LOCAL_DIRECTORY;
use crate::scim::fold::fold;
use crate::store::models::PersonRow;
use crate::store::{persons, users, DbConn, StoreResult};

/// A person as the admin API shows them.
#[derive(Debug, Clone, Serialize)]
pub struct PersonView {
    pub id: String,
    pub email: Option<String>,
    /// Has had an IdP identity: the IdP decides.
    pub managed: bool,
    /// May hold access now.
    pub live: bool,
    pub accounts: Vec<AccountView>,
}

/// One account of a person.
#[derive(Debug, Clone, Serialize)]
pub struct AccountView {
    pub id: String,
    #[serde(rename = "userName")]
    pub user_name: String,
    pub directory: String,
    /// A directory's user (rather than a local account).
    pub identity: bool,
    pub active: bool,
    pub suspended: bool,
    pub portal_only: bool,
    pub email_verified: bool,
}

/// A person with their accounts.
pub fn view(conn: &mut DbConn, person: PersonRow) -> StoreResult<PersonView> {
    let accounts = persons::accounts(conn, &person.id)?
        .into_iter()
        .map(|u| AccountView {
            identity: u.directory_id != LOCAL_DIRECTORY,
            id: u.id,
            user_name: u.user_name,
            directory: u.directory_id,
            active: u.active,
            suspended: u.suspended,
            portal_only: u.portal_only,
            email_verified: u.email_verified,
        })
        .collect();
    Ok(PersonView {
        id: person.id,
        email: person.email_key,
        managed: person.managed,
        live: person.live,
        accounts,
    })
}

/// One role of a person on one product, and every way it reaches them.
#[derive(Debug, Clone, Serialize)]
pub struct PersonEntitlement {
    pub product: String,
    pub role: String,
    pub via: Vec<PersonGrant>,
}

/// A group through which one of a person's accounts holds a role.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PersonGrant {
    pub account: String,
    pub account_directory: String,
    pub group_id: String,
    #[serde(rename = "displayName")]
    pub display_name: String,
    /// Pushed by a directory (rather than made by an admin).
    pub synced: bool,
    /// How the membership came about: scim, admin, access_request, …
    pub source: String,
}

/// A person's effective access, from all of their accounts.
#[derive(Debug, Clone, Serialize)]
pub struct PersonAccess {
    pub person: String,
    pub email: Option<String>,
    pub managed: bool,
    pub live: bool,
    pub entitlements: Vec<PersonEntitlement>,
}

/// The effective access of a person: what each of their accounts holds,
/// merged by product and role, with the account, group and membership
/// source of every grant.
pub fn access(conn: &mut DbConn, id: &str) -> Result<PersonAccess, AccessError> {
    let person = find(conn, id)?
        .ok_or_else(|| AccessError::NotFound(format!("person \"{id}\" not found")))?;
    let accounts = persons::accounts(conn, &person.id)?;
    let directories: std::collections::HashMap<String, String> = accounts
        .iter()
        .map(|a| (a.id.clone(), a.directory_id.clone()))
        .collect();
    let ids: Vec<String> = accounts.into_iter().map(|a| a.id).collect();
    let mut held: Vec<(String, super::effective::Entitlement)> =
        super::effective::of_users(conn, &ids)?
            .into_iter()
            .flat_map(|(account, list)| list.into_iter().map(move |e| (account.clone(), e)))
            .collect();
    held.sort_by(|a, b| (&a.1.product, &a.1.role, &a.0).cmp(&(&b.1.product, &b.1.role, &b.0)));
    let mut out: Vec<PersonEntitlement> = Vec::new();
    for (account, e) in held {
        let mut grants = Vec::new();
        for via in e.via {
            let source = crate::store::memberships::rows_for(
                conn,
                &via.group_id,
                std::slice::from_ref(&account),
            )?
            .into_iter()
            .next()
            .map_or_else(String::new, |m| m.source);
            grants.push(PersonGrant {
                account: account.clone(),
                account_directory: directories.get(&account).cloned().unwrap_or_default(),
                group_id: via.group_id,
                display_name: via.display_name,
                synced: via.synced,
                source,
            });
        }
        match out.last_mut() {
            Some(last) if last.product == e.product && last.role == e.role => {
                last.via.extend(grants)
            }
            _ => out.push(PersonEntitlement {
                product: e.product,
                role: e.role,
                via: grants,
            }),
        }
    }
    Ok(PersonAccess {
        person: person.id,
        email: person.email_key,
        managed: person.managed,
        live: person.live,
        entitlements: out,
    })
}

/// Someone whom no IdP lets in any more who still holds a role.
#[derive(Debug, Clone, Serialize)]
pub struct Leaver {
    pub person: String,
    pub email: Option<String>,
    pub account: String,
    pub product: String,
    pub role: String,
}

/// Persons with no active identity who still hold any role or license:
/// recomputed from the accounts themselves (not from the person's `live`
/// flag, which gates effective access), so an empty report proves the
/// two agree.
pub fn leavers(conn: &mut DbConn) -> Result<Vec<Leaver>, AccessError> {
    Ok(crate::store::reports::leavers(conn)?
        .into_iter()
        .map(|(person, email, account, product, role)| Leaver {
            person,
            email,
            account,
            product,
            role,
        })
        .collect())
}

/// The person with this id (or the person of this account id or email).
pub fn get(conn: &mut DbConn, id: &str) -> Result<PersonView, AccessError> {
    let person = find(conn, id)?
        .ok_or_else(|| AccessError::NotFound(format!("person \"{id}\" not found")))?;
    Ok(view(conn, person)?)
}

/// The person a user id, an account id or an email names.
pub fn find(conn: &mut DbConn, text: &str) -> Result<Option<PersonRow>, AccessError> {
    let text = text.trim();
    if let Ok(user) = users::find(conn, None, text) {
        return Ok(match user.person_id {
            Some(id) => Some(persons::find(conn, &id)?),
            None => None,
        });
    }
    if let Ok(person) = persons::find(conn, text) {
        return Ok(Some(person));
    }
    if !looks_like_email(text) {
        return Ok(None);
    }
    let key = fold(text);
    if let Some(person) = persons::find_by_email(conn, &key)? {
        return Ok(Some(person));
    }
    // An account whose email links nothing (unverified) is still a person.
    match users::find_by_email(conn, &key)? {
        Some(user) => Ok(match user.person_id {
            Some(id) => Some(persons::find(conn, &id)?),
            None => None,
        }),
        None => Ok(None),
    }
}

/// Persons, by email or a page of all.
pub fn list(
    conn: &mut DbConn,
    email: Option<&str>,
    offset: i64,
    limit: i64,
) -> Result<Vec<PersonView>, AccessError> {
    let rows = match email {
        Some(e) => find(conn, e)?.into_iter().collect(),
        None => persons::list(conn, offset, limit)?,
    };
    rows.into_iter()
        .map(|p| view(conn, p).map_err(AccessError::from))
        .collect()
}
