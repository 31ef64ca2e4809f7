//! Throughput of `claimwire::extract::extract` over the PolNeAR train bodies.
//!
//!     cargo bench --no-default-features --bench extract
//!
//! Reads `../shared/eval/polnear_train.jsonl` relative to the crate root; skips when absent.

use std::time::Instant;

fn main() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/eval/polnear_train.jsonl");
    let Ok(text) = std::fs::read_to_string(&path) else {
        println!("extract bench: {} not found, skipping", path.display());
        return;
    };
    let bodies: Vec<String> = text
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v.get("body").and_then(|b| b.as_str()).map(str::to_string))
        .collect();
    let bytes: usize = bodies.iter().map(String::len).sum();
    let date = chrono::NaiveDate::from_ymd_opt(2016, 3, 4);
    // warm-up (lazy lexicons and regexes)
    for b in bodies.iter().take(20) {
        std::hint::black_box(claimwire::extract::extract(b, date));
    }
    let rounds = 5;
    let start = Instant::now();
    let mut claims = 0usize;
    for _ in 0..rounds {
        for b in &bodies {
            claims +=
                std::hint::black_box(claimwire::extract::extract(std::hint::black_box(b), date))
                    .len();
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let mb = (bytes * rounds) as f64 / 1e6;
    println!(
        "extract: {} articles x {rounds} rounds, {:.1} MB in {:.3} s: {:.1} MB/s, {:.0} articles/s, {} claims/round",
        bodies.len(),
        mb,
        secs,
        mb / secs,
        (bodies.len() * rounds) as f64 / secs,
        claims / rounds
    );
    // one large article (~1 MB) to check for superlinear behaviour
    let big: String = bodies
        .iter()
        .take(400)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join("\n\n");
    let mut cut = big.len().min(1_000_000);
    while !big.is_char_boundary(cut) {
        cut -= 1;
    }
    let big = &big[..cut];
    let t = Instant::now();
    let n = claimwire::extract::extract(big, date).len();
    let s = t.elapsed().as_secs_f64();
    println!(
        "extract: one {:.2} MB article in {:.3} s ({:.1} MB/s, {n} claims)",
        big.len() as f64 / 1e6,
        s,
        big.len() as f64 / 1e6 / s
    );
}
