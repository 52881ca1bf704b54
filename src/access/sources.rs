//! Where a membership came from, stored with it: how the non-synced report
//! tells access an IdP gave from access granted any other way.

/// The road a membership came by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A directory pushed it over SCIM: the only synced source.
    Scim,
    /// An admin (or a user-access admin) added the member.
    Admin,
    /// An approved access request.
    AccessRequest,
    /// An accepted invitation.
    Invitation,
    /// A signup through an approved domain.
    ApprovedDomain,
    /// A guest put in a space.
    GuestInvite,
    /// Automatic access for new users.
    AutoAccess,
    /// Someone who joined through an invite link.
    InviteLink,
}

impl Source {
    /// The stored name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Source::Scim => "scim",
            Source::Admin => "admin",
            Source::AccessRequest => "access_request",
            Source::Invitation => "invitation",
            Source::ApprovedDomain => "approved_domain",
            Source::GuestInvite => "guest_invite",
            Source::AutoAccess => "auto_access",
            Source::InviteLink => "invite_link",
        }
    }
}
