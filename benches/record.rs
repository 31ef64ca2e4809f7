//! Claim records as JSON: serde_json against the hand-written `claimwire::record::json`, on the
//! real records of the tracking and PolNeAR eval sets, in one run.
//!
//!     cargo bench --no-default-features --bench record
//!
//! Reads `../shared/eval/{tracking_dev_articles,polnear_train}.jsonl` relative to the crate
//! root (skips a missing one), runs the pipeline over them (lexical judgement, a fresh store)
//! and checks that both ways give the same bytes before timing them.

use std::time::Instant;

use claimwire::article::{parse_json, DEFAULT_MAX_BODY_BYTES};
use claimwire::pipeline::Pipeline;
use claimwire::record::{json, ClaimRecord};
use claimwire::speaker::Identities;

const INPUTS: [&str; 2] = ["tracking_dev_articles.jsonl", "polnear_train.jsonl"];
const ROUNDS: usize = 7;
/// Records written together in cache: about four articles' worth.
const WARM: usize = 64;

fn records() -> Vec<ClaimRecord> {
    let eval = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/eval");
    let state = tempfile::tempdir().expect("a temporary directory");
    let mut pipeline =
        Pipeline::open(state.path(), Identities::default()).expect("a fresh pipeline");
    let mut records = Vec::new();
    for name in INPUTS {
        let Ok(text) = std::fs::read_to_string(eval.join(name)) else {
            println!("record bench: {name} not found, skipped");
            continue;
        };
        let articles: Vec<_> = text
            .lines()
            .filter_map(|l| parse_json(l.as_bytes(), DEFAULT_MAX_BODY_BYTES).ok())
            .collect();
        for batch in articles.chunks(64) {
            let out = pipeline.process_batch(batch).expect("processed");
            records.extend(out.into_iter().flatten());
        }
    }
    records
}

/// Seconds for the best of [`ROUNDS`] passes of `write` over every record, each into a
/// cleared buffer as a Kafka payload or an output line is. `cold`: one pass over all of
/// them, so their strings mostly come from memory (~12 MB); otherwise (in cache) every
/// [`WARM`] records are written once untimed first, as when a record is written right after
/// it was built.
fn best(
    records: &[ClaimRecord],
    cold: bool,
    mut write: impl FnMut(&mut Vec<u8>, &ClaimRecord),
) -> f64 {
    let mut buf = Vec::with_capacity(1 << 16);
    let chunk = if cold { records.len() } else { WARM };
    let mut pass = |chunk: &[ClaimRecord]| {
        for r in chunk {
            buf.clear();
            write(&mut buf, std::hint::black_box(r));
            std::hint::black_box(&buf);
        }
    };
    (0..ROUNDS)
        .map(|_| {
            let mut secs = 0.0;
            for c in records.chunks(chunk) {
                if !cold {
                    pass(c);
                }
                let start = Instant::now();
                pass(c);
                secs += start.elapsed().as_secs_f64();
            }
            secs
        })
        .fold(f64::INFINITY, f64::min)
}

fn main() {
    let records = records();
    if records.is_empty() {
        return;
    }
    let mut bytes = 0usize;
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for r in &records {
        a.clear();
        b.clear();
        serde_json::to_writer(&mut a, r).unwrap();
        json::write_record(&mut b, r);
        assert_eq!(a, b, "the writer differs from serde_json on {}", r.claim_id);
        bytes += a.len();
    }
    let n = records.len() as f64;
    println!(
        "record: {} records, {:.0} bytes each on average, best of {ROUNDS} rounds",
        records.len(),
        bytes as f64 / n
    );
    for (cold, name) in [(false, "in cache"), (true, "cold")] {
        let serde = best(&records, cold, |out, r| {
            serde_json::to_writer(out, r).unwrap()
        });
        let ours = best(&records, cold, json::write_record);
        let rate = |secs: f64| {
            format!(
                "{:>8.0} records/s ({:>4.0} MB/s)",
                n / secs,
                bytes as f64 / 1e6 / secs
            )
        };
        println!(
            "record: {name:<8}: serde_json {}, writer {}: {:.2}x",
            rate(serde),
            rate(ours),
            serde / ours
        );
    }
}
