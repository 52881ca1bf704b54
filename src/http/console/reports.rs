//! Reports: access by product (CSV download), non-synced access, leavers,
//! and licenses with a chart of their use over the last 30 days.

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use super::error::ConsoleError;
use super::page::{attachment, render, when, Chrome};
use super::session::Signed;
use crate::access::license_history::{self, UseOverTime};
use crate::access::person_views::{self, Leaver};
use crate::access::reports::{self, LicenseLine, NonSyncedLine};
use crate::access::AccessError;
use crate::http::admin::export::{self, Format};
use crate::http::admin::reports::{ACCESS_COLUMNS, NON_SYNCED_COLUMNS};
use crate::http::state::AppState;

/// How far back the licenses chart looks.
const CHART_DAYS: i64 = 30;
const DAY: i64 = 24 * 60 * 60 * 1_000_000;
/// Lines of a report shown on the page; the downloads hold them all.
const SHOWN: usize = 100;

/// One product's chart, drawn as an SVG polyline (no script, no inline style).
pub struct Chart {
    pub product: String,
    pub cap: Option<i64>,
    /// `x,y x,y …` in the chart's 600×160 box.
    pub points: String,
    /// The samples as dots (a single sample draws no line).
    pub dots: Vec<(i64, i64)>,
    /// The cap's height in the box, when there is a cap.
    pub cap_y: Option<i64>,
    pub top: i64,
    pub from: String,
    pub to: String,
    pub now: i64,
}

const WIDTH: i64 = 600;
const HEIGHT: i64 = 160;

fn chart(series: UseOverTime, now: i64, current: i64) -> Chart {
    let from = now - CHART_DAYS * DAY;
    let mut points = series.points;
    points.push((now, current));
    let top = points
        .iter()
        .map(|(_, u)| *u)
        .chain(series.cap)
        .max()
        .unwrap_or(0)
        .max(1);
    let x = |t: i64| (t - from).clamp(0, now - from) * WIDTH / (now - from).max(1);
    let y = |u: i64| HEIGHT - u * HEIGHT / top;
    Chart {
        dots: points.iter().map(|(t, u)| (x(*t), y(*u))).collect(),
        points: points
            .iter()
            .map(|(t, u)| format!("{},{}", x(*t), y(*u)))
            .collect::<Vec<_>>()
            .join(" "),
        cap_y: series.cap.map(y),
        cap: series.cap,
        top,
        from: when(from),
        to: when(now),
        now: current,
        product: series.product,
    }
}

#[derive(Template)]
#[template(path = "reports.html")]
struct ReportsPage {
    chrome: Chrome,
    licenses: Vec<LicenseLine>,
    charts: Vec<Chart>,
}

#[derive(Template)]
#[template(path = "non_synced.html")]
struct NonSyncedPage {
    chrome: Chrome,
    lines: Vec<NonSyncedLine>,
    total: usize,
}

#[derive(Template)]
#[template(path = "leavers.html")]
struct LeaversPage {
    chrome: Chrome,
    leavers: Vec<Leaver>,
    total: usize,
}

/// `GET /console/reports`.
pub async fn page(
    state: web::Data<AppState>,
    signed: Signed,
) -> Result<HttpResponse, ConsoleError> {
    let now = state.clock.now_micros();
    let page = state
        .store
        .read(move |conn| {
            let licenses = reports::licenses(conn)?;
            let mut history = license_history::since(conn, now - CHART_DAYS * DAY)?;
            let charts = licenses
                .iter()
                .map(|l| {
                    let at = history.iter().position(|s| s.product == l.licenses.product);
                    let series = match at {
                        Some(i) => history.swap_remove(i),
                        None => UseOverTime {
                            product: l.licenses.product.clone(),
                            cap: l.licenses.cap,
                            points: Vec::new(),
                        },
                    };
                    let series = UseOverTime {
                        cap: l.licenses.cap,
                        ..series
                    };
                    chart(series, now, l.licenses.used)
                })
                .collect();
            Ok::<_, AccessError>((licenses, charts))
        })
        .await?;
    let (licenses, charts) = page;
    render(&ReportsPage {
        chrome: signed.chrome("Reports", "reports"),
        licenses,
        charts,
    })
}

/// `GET /console/reports/non-synced`: licensed access no synced group
/// explains (the first `SHOWN`; the CSV holds all).
pub async fn non_synced(
    state: web::Data<AppState>,
    signed: Signed,
) -> Result<HttpResponse, ConsoleError> {
    let mut lines = state
        .store
        .read(move |conn| reports::non_synced(conn, None, None))
        .await?;
    let total = lines.len();
    lines.truncate(SHOWN);
    render(&NonSyncedPage {
        chrome: signed.chrome("Non-synced access", "reports"),
        lines,
        total,
    })
}

/// `GET /console/reports/leavers`: persons whose every identity left,
/// still holding access.
pub async fn leavers(
    state: web::Data<AppState>,
    signed: Signed,
) -> Result<HttpResponse, ConsoleError> {
    let mut leavers = state.store.read(person_views::leavers).await?;
    let total = leavers.len();
    leavers.truncate(SHOWN);
    render(&LeaversPage {
        chrome: signed.chrome("Leavers", "reports"),
        leavers,
        total,
    })
}

/// `GET /console/reports/access.csv[?product=KEY]`: who has which product
/// and through which group, every line.
pub async fn access_csv(
    state: web::Data<AppState>,
    req: HttpRequest,
    _: Signed,
) -> Result<HttpResponse, ConsoleError> {
    let product = crate::http::rest::query(&req)?
        .remove("product")
        .filter(|p| !p.is_empty());
    let name = match &product {
        Some(p) => format!("access-{p}.csv"),
        None => "access.csv".to_owned(),
    };
    let lines = state
        .store
        .read(move |conn| reports::access(conn, product.as_deref(), None))
        .await?;
    Ok(attachment(
        export::page(&lines, ACCESS_COLUMNS, None, Format::Csv)?,
        &name,
    ))
}

/// `GET /console/reports/non-synced.csv`.
pub async fn non_synced_csv(
    state: web::Data<AppState>,
    _: Signed,
) -> Result<HttpResponse, ConsoleError> {
    let lines = state
        .store
        .read(move |conn| reports::non_synced(conn, None, None))
        .await?;
    Ok(attachment(
        export::page(&lines, NON_SYNCED_COLUMNS, None, Format::Csv)?,
        "non-synced-access.csv",
    ))
}
