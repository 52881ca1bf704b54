//! License use over time: a sample of every product's use, taken hourly
//! while a server runs, for the licenses chart. Counts themselves stay
//! exact in `licensing`; these are only its history.

use super::licensing;
use super::AccessError;
use crate::store::models::LicenseSampleRow;
use crate::store::{console, DbConn};

/// How often use is sampled.
pub const SAMPLE_EVERY: i64 = 60 * 60 * 1_000_000;

/// Whether a sample is due at `now`: the last one (by any server on this
/// database) is `SAMPLE_EVERY` old, or there is none.
pub fn is_due(conn: &mut DbConn, now: i64) -> Result<bool, AccessError> {
    Ok(console::last_sample_at(conn)?.is_none_or(|last| now - last >= SAMPLE_EVERY))
}

/// Every product's use at `now`, counted: a read, so the count doesn't
/// hold the writer while it runs.
pub fn measure(conn: &mut DbConn, now: i64) -> Result<Vec<LicenseSampleRow>, AccessError> {
    Ok(licensing::all(conn)?
        .into_iter()
        .map(|u| LicenseSampleRow {
            product_key: u.product,
            taken_at: now,
            used: u.used,
            cap: u.cap,
        })
        .collect())
}

/// Stores a measured sample.
pub fn record(conn: &mut DbConn, rows: &[LicenseSampleRow]) -> Result<(), AccessError> {
    Ok(console::insert_samples(conn, rows)?)
}

/// One product's use over time, oldest first: `(taken_at, used)`.
#[derive(Debug, Clone)]
pub struct UseOverTime {
    pub product: String,
    pub cap: Option<i64>,
    pub points: Vec<(i64, i64)>,
}

/// Every product's samples since `since`.
pub fn since(conn: &mut DbConn, since: i64) -> Result<Vec<UseOverTime>, AccessError> {
    let mut out: Vec<UseOverTime> = Vec::new();
    for row in console::samples_since(conn, since)? {
        match out.last_mut() {
            Some(series) if series.product == row.product_key => {
                series.cap = row.cap;
                series.points.push((row.taken_at, row.used));
            }
            _ => out.push(UseOverTime {
                product: row.product_key,
                cap: row.cap,
                points: vec![(row.taken_at, row.used)],
            }),
        }
    }
    Ok(out)
}
