//! A user's memberships as a user resource shows them: each with its
//! group and the role the group's mapping grants.

/// One membership of a user, with its group and, when the group is
/// mapped, one role the mapping grants: a row per role granted (a group
/// mapped to `admin` gives `admin` and `user`), one row without a role
/// for an unmapped group. What a user resource shows besides its own
/// attributes is made of these (`access::effective::composed`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MembershipGrant {
    pub member_id: String,
    pub group_id: String,
    pub group_display: String,
    pub group_directory: String,
    pub grant: Option<MappedRole>,
    /// On a row that grants a role: whether the person the member is
    /// linked to is `live` (`None`: linked to none). Read only there: it
    /// matters only to access.
    pub person_live: Option<bool>,
}

/// A role a group's mapping grants on a product.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappedRole {
    pub product: String,
    pub product_name: String,
    pub role: String,
}

impl MappedRole {
    /// The role a row's mapping columns (product, its name, the role
    /// implied; each NULL where the group's mapping or its product or
    /// implication is missing) grant, if they grant one.
    pub fn of_columns(
        product: Option<String>,
        product_name: Option<String>,
        role: Option<String>,
    ) -> Option<MappedRole> {
        match (product, product_name, role) {
            (Some(product), Some(product_name), Some(role)) => Some(MappedRole {
                product,
                product_name,
                role,
            }),
            _ => None,
        }
    }
}
