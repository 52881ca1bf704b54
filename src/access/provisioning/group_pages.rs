//! A group read a page of members at a time, for `GET /Groups/{id}`: a
//! group of 200,000 members is sent as it is read instead of being built
//! in memory (2.9 MB for 20,000 members, and 8 readers at once of a 200k
//! group once grew the server by 730 MB).
//!
//! Each page is a read of its own, so a reader is held for one page, not
//! for as long as the client takes to receive the group. The pages must
//! still be of one group: every page checks that the group's version is
//! the one its first page was read at, and a read whose group changed
//! midway fails rather than mix two states of the group (the client sees
//! the response cut off, and reads again).

use super::group_members::member_ref;
use super::{found, Groups, Provisioned};
use crate::scim::resource::{GroupResource, MemberRef};
use crate::scim::schema::ResourceKind;
use crate::scim::ScimError;
use crate::store::{groups, memberships, DbConn};

/// Members per page. Smaller pages hold less per reader at once: with
/// eight clients reading a 200,000-member group on PostgreSQL, 500 a page
/// grew the server by 16 MB (2,000 a page: by over 60 MB), and a single
/// read still took 0.7 s for the 29 MB of the group.
pub const MEMBERS_PER_PAGE: i64 = 500;

/// One page of a group's members.
#[derive(Debug)]
pub struct MembersPage {
    pub members: Vec<MemberRef>,
    /// The member to read the next page after; `None` on the last page.
    pub next: Option<String>,
}

/// The group (without members) and the first page of its members.
pub fn first_page(
    conn: &mut DbConn,
    directory: Option<&str>,
    id: &str,
) -> Result<(GroupResource, MembersPage), ScimError> {
    let group = Groups::get(conn, directory, id, false)?;
    let page = page(conn, id, None)?;
    Ok((group, page))
}

/// The page of members after `after`, if the group is still at `version`;
/// a group changed or deleted since its first page is an error (409).
pub fn next_page(
    conn: &mut DbConn,
    id: &str,
    version: i64,
    after: &str,
) -> Result<MembersPage, ScimError> {
    if found(groups::version_of(conn, id), ResourceKind::Group, id)? != version {
        return Err(ScimError::new(
            409,
            format!("group {id} changed while it was being read; read it again"),
        ));
    }
    page(conn, id, Some(after))
}

fn page(conn: &mut DbConn, id: &str, after: Option<&str>) -> Result<MembersPage, ScimError> {
    let (members, next) = memberships::members_page(conn, id, after, MEMBERS_PER_PAGE)?;
    Ok(MembersPage {
        members: members.into_iter().map(member_ref).collect(),
        next,
    })
}
