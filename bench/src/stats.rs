//! Latency samples and the figures reported for them.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// Samples of one scenario, by operation name.
#[derive(Default)]
pub struct Recorder {
    samples: RefCell<BTreeMap<String, Vec<u64>>>,
    errors: RefCell<BTreeMap<String, u64>>,
    error_examples: RefCell<Vec<String>>,
}

/// A shared recorder.
pub type Shared = Rc<Recorder>;

impl Recorder {
    /// Records one request of `op` that took `took`.
    pub fn sample(&self, op: &str, took: Duration) {
        self.samples
            .borrow_mut()
            .entry(op.to_owned())
            .or_default()
            .push(took.as_micros() as u64);
    }

    /// Records an unexpected answer.
    pub fn error(&self, op: &str, what: String) {
        *self.errors.borrow_mut().entry(op.to_owned()).or_default() += 1;
        let mut examples = self.error_examples.borrow_mut();
        if examples.len() < 5 {
            examples.push(format!("{op}: {what}"));
        }
    }

    /// The figures of everything recorded, for a scenario that ran from `started`.
    pub fn report(&self, name: &str, started: Instant) -> Value {
        let elapsed = started.elapsed().as_secs_f64();
        let samples = self.samples.borrow();
        let errors = self.errors.borrow();
        let mut all: Vec<u64> = samples.values().flatten().copied().collect();
        let total_errors: u64 = errors.values().sum();
        let mut ops = serde_json::Map::new();
        for (op, v) in samples.iter() {
            let mut v = v.clone();
            ops.insert(
                op.clone(),
                figures(&mut v, elapsed, errors.get(op).copied().unwrap_or(0)),
            );
        }
        let mut out = figures(&mut all, elapsed, total_errors);
        out["scenario"] = name.into();
        out["seconds"] = json!((elapsed * 1000.0).round() / 1000.0);
        out["operations"] = Value::Object(ops);
        out["error_examples"] = json!(*self.error_examples.borrow());
        out
    }
}

fn figures(v: &mut [u64], elapsed: f64, errors: u64) -> Value {
    v.sort_unstable();
    let pct = |p: f64| -> f64 {
        if v.is_empty() {
            return 0.0;
        }
        let i = ((p / 100.0) * (v.len() as f64 - 1.0)).round() as usize;
        v[i.min(v.len() - 1)] as f64 / 1000.0
    };
    json!({
        "requests": v.len(),
        "errors": errors,
        "req_per_s": if elapsed > 0.0 { (v.len() as f64 / elapsed).round() } else { 0.0 },
        "p50_ms": pct(50.0),
        "p95_ms": pct(95.0),
        "p99_ms": pct(99.0),
        "max_ms": pct(100.0),
    })
}
