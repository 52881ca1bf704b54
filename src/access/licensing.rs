//! Licensing: an active, unsuspended user holding a licensed role on a
//! product consumes one license of it. The licenses are kept
//! (`store::licenses`): settled from the derived entitlements inside every
//! write, so they are exact at every commit and a count costs the same at
//! ten licenses or a million. Caps are enforced by comparing the counts
//! before and after a change inside its transaction.

use serde::Serialize;

use super::error::{found, AccessError};
use crate::store::{licenses, products, DbConn};

/// License use of one product.
#[derive(Debug, Clone, Serialize)]
pub struct LicenseUse {
    pub product: String,
    pub used: i64,
    pub cap: Option<i64>,
}

/// License use of one product.
pub fn of_product(conn: &mut DbConn, key: &str) -> Result<LicenseUse, AccessError> {
    let product = found(products::find(conn, key), || format!("product \"{key}\""))?;
    Ok(LicenseUse {
        used: licenses::used(conn, key)?,
        product: product.product_key,
        cap: product.license_cap,
    })
}

/// License use of every product.
pub fn all(conn: &mut DbConn) -> Result<Vec<LicenseUse>, AccessError> {
    let used: std::collections::HashMap<String, i64> =
        licenses::used_by_product(conn)?.into_iter().collect();
    Ok(products::list(conn)?
        .into_iter()
        .map(|p| LicenseUse {
            used: used.get(&p.product_key).copied().unwrap_or(0),
            product: p.product_key,
            cap: p.license_cap,
        })
        .collect())
}

/// Licenses of `product` in use, inside a write: what the transaction
/// changed so far settled first.
pub fn used_now(conn: &mut DbConn, product: &str) -> Result<i64, AccessError> {
    Ok(licenses::settled_use(conn, product)?)
}

/// The license use of the capped products a change may touch, taken before
/// it; `check` after the change refuses it if it took any of them past its
/// cap. A change that only lowers use (or leaves a product already over a
/// lowered cap no worse) passes.
#[derive(Debug)]
pub struct CapGuard {
    before: Vec<(String, i64, i64)>,
}

impl CapGuard {
    /// Locks and counts the capped products among `product_keys`.
    pub fn before(conn: &mut DbConn, product_keys: &[String]) -> Result<CapGuard, AccessError> {
        let capped = products::capped_for_update(conn, product_keys)?;
        CapGuard::counted(conn, capped)
    }

    /// `before` for the products `group_id` is mapped to, before members
    /// join it.
    pub fn for_group(conn: &mut DbConn, group_id: &str) -> Result<CapGuard, AccessError> {
        let capped = products::capped_of_group_for_update(conn, group_id)?;
        CapGuard::counted(conn, capped)
    }

    /// Counts the use of `capped` products, whose locks are held.
    fn counted(conn: &mut DbConn, capped: Vec<(String, i64)>) -> Result<CapGuard, AccessError> {
        let mut before = Vec::new();
        for (key, cap) in capped {
            // Counted after its lock is held: a change that held it
            // before has committed its licenses by then.
            let used = licenses::used_settled(conn, &key)?;
            before.push((key, cap, used));
        }
        Ok(CapGuard { before })
    }

    /// Refuses the change if a product now uses more licenses than its cap
    /// and more than before.
    pub fn check(self, conn: &mut DbConn) -> Result<(), AccessError> {
        for (product, cap, used_before) in self.before {
            let used = used_now(conn, &product)?;
            if used > cap && used > used_before {
                return Err(AccessError::LicenseCap {
                    product,
                    cap,
                    needed: used,
                });
            }
        }
        Ok(())
    }
}
