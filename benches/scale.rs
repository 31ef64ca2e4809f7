//! Scale-out benchmark through a local tansu broker (in-memory storage): the two-stage
//! topology (`--role extract` + `--role track`) with one and with two track instances on this
//! machine, and the cost of restoring a track instance's state from the changelog.
//!
//! 1. For 1 and 2 track instances: one extract instance and the track instances (each its
//!    own state directory) start on fresh topics; the realistic wire mix of `benches/e2e.rs`
//!    is fed flat out; articles/s from the first article sent to the last claim record read
//!    downstream, and CPU per article of all claimwire processes.
//! 2. Restore: after the one-instance run, that instance stops and a new one with an empty
//!    state directory joins the group; a few more articles make it take up every partition,
//!    which it restores from the changelog first. Seconds per 100k restored claims, from the
//!    instance's own log (`elapsed_ms` of "Partition restored from the changelog.").
//!
//! `cargo bench --bench scale` (BENCH_ARTICLES=N to change the article count). Needs the
//! tansu binary (see scripts/broker.sh).

#[path = "../tests/kafka_common/mod.rs"]
mod kafka_common;

use std::collections::HashSet;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use kafka_common::articles::wire_article;
use kafka_common::clients::{batching_producer, feed_all, reader_from_start};
use kafka_common::{Broker, Claimwire, Names};
use rdkafka::message::Message;

const PARTITIONS: i32 = 4;

fn cpu_children() -> Duration {
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

/// One run's topics.
struct Run {
    names: Names,
    internal: String,
    changelog: String,
}

impl Run {
    fn new(name: &str) -> Run {
        Run {
            names: Names::new(name),
            internal: format!("{name}-internal"),
            changelog: format!("{name}-changelog"),
        }
    }

    /// `claimwire run --role ROLE` in `workdir`.
    fn start(&self, broker: &Broker, workdir: &Path, role: &str) -> Claimwire {
        Claimwire::start(
            broker,
            &self.names,
            workdir,
            &[
                ("RUST_LOG", "info,claimwire=info,rdkafka=warn"),
                ("CLAIMWIRE_LOG_JSON", "true"),
                ("CLAIMWIRE_SERVICE_ROLE", role),
                ("CLAIMWIRE_KAFKA_INTERNAL_TOPIC", &self.internal),
                ("CLAIMWIRE_KAFKA_CHANGELOG_TOPIC", &self.changelog),
                ("CLAIMWIRE_KAFKA_TOPIC_PARTITIONS", &PARTITIONS.to_string()),
                ("CLAIMWIRE_SERVICE_BATCH_LINGER_MS", "5"),
                ("CLAIMWIRE_KAFKA_CONSUMER_FETCH_WAIT_MAX_MS", "10"),
                ("CLAIMWIRE_KAFKA_CONSUMER_SESSION_TIMEOUT_MS", "6000"),
            ],
        )
    }
}

/// Counts distinct claim records on `topic` until `stop`.
fn count_records(
    broker: &Broker,
    topic: &str,
) -> (
    Arc<AtomicUsize>,
    Arc<AtomicBool>,
    std::thread::JoinHandle<()>,
) {
    let count = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let consumer = reader_from_start(broker, topic, PARTITIONS);
    let handle = {
        let (count, stop) = (count.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut seen = HashSet::new();
            while !stop.load(Ordering::Relaxed) {
                if let Some(Ok(m)) = consumer.poll(Duration::from_millis(20)) {
                    let record: serde_json::Value =
                        serde_json::from_slice(m.payload().unwrap_or_default()).unwrap();
                    if seen.insert(record["claim_id"].as_str().unwrap_or_default().to_owned()) {
                        count.store(seen.len(), Ordering::Relaxed);
                    }
                }
            }
        })
    };
    (count, stop, handle)
}

fn feed(broker: &Broker, topic: &str, articles: &[(String, Vec<u8>)]) {
    feed_all(&batching_producer(broker), topic, articles);
}

/// Waits until `count` reaches `expect` (or panics with the instances' logs).
fn wait_for(count: &AtomicUsize, expect: usize, instances: &[&Claimwire]) {
    let deadline = Instant::now() + Duration::from_secs(600);
    while count.load(Ordering::Relaxed) < expect {
        if Instant::now() > deadline {
            for cw in instances {
                eprintln!("{}", cw.log_text());
            }
            panic!(
                "only {} of {expect} records arrived",
                count.load(Ordering::Relaxed)
            );
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

struct Throughput {
    rate: f64,
    cpu_per_article: Duration,
}

/// Articles/s through one extract and `trackers` track instances; the run's directories and
/// processes are returned for the restore measurement.
fn two_stage(
    broker: &Broker,
    run: &Run,
    articles: &[(String, Vec<u8>)],
    expect: usize,
    trackers: usize,
) -> (Throughput, Vec<(tempfile::TempDir, Claimwire)>) {
    let cpu_before = cpu_children();
    let mut instances = Vec::new();
    let dir = tempfile::tempdir().unwrap();
    let extract = run.start(broker, dir.path(), "extract");
    instances.push((dir, extract));
    for _ in 0..trackers {
        let dir = tempfile::tempdir().unwrap();
        let track = run.start(broker, dir.path(), "track");
        instances.push((dir, track));
    }
    let (count, stop, reader) = count_records(broker, &run.names.output);
    let started = Instant::now();
    feed(broker, &run.names.input, articles);
    let refs: Vec<&Claimwire> = instances.iter().map(|(_, c)| c).collect();
    wait_for(&count, expect, &refs);
    let elapsed = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    reader.join().unwrap();
    for (_, cw) in &mut instances {
        assert!(cw.terminate().success(), "{}", cw.log_text());
    }
    let cpu = cpu_children().saturating_sub(cpu_before);
    (
        Throughput {
            rate: articles.len() as f64 / elapsed.as_secs_f64(),
            cpu_per_article: cpu / articles.len() as u32,
        },
        instances,
    )
}

/// Sum of `elapsed_ms` and `claims` over the "Partition restored" lines of a JSON log.
fn restored(log: &str) -> (u64, u64, usize) {
    let (mut ms, mut claims, mut partitions) = (0, 0, 0);
    for line in log.lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let fields = &v["fields"];
        if fields["message"] == "Partition restored from the changelog." {
            ms += fields["elapsed_ms"].as_u64().unwrap_or(0);
            claims += fields["claims"].as_u64().unwrap_or(0);
            partitions += 1;
        }
    }
    (ms, claims, partitions)
}

fn main() {
    let quick = !std::env::args().any(|a| a == "--bench");
    let n: usize = std::env::var("BENCH_ARTICLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if quick { 200 } else { 5_000 });
    let articles: Vec<(String, Vec<u8>)> = (0..n).map(|i| wire_article(7, i)).collect();
    let json: Vec<Vec<u8>> = articles.iter().map(|(_, j)| j.clone()).collect();
    let expect: usize = kafka_common::offline(&json)
        .0
        .iter()
        .map(|(_, r)| r.len())
        .sum();
    let broker = Broker::start();

    let one = Run::new("scale-1");
    let (t1, instances) = two_stage(&broker, &one, &articles, expect, 1);
    let two = Run::new("scale-2");
    let (t2, _) = two_stage(&broker, &two, &articles, expect, 2);

    // Restore: the one-instance run's tracker is gone; a fresh one takes its partitions.
    drop(instances);
    let dir = tempfile::tempdir().unwrap();
    let mut heir = one.start(&broker, dir.path(), "track");
    // A little more news, on every partition, so that every partition is checked.
    let more: Vec<(String, Vec<u8>)> = (n..n + 64).map(|i| wire_article(7, i)).collect();
    let (count, stop, reader) = count_records(&broker, &one.names.output);
    let extract_dir = tempfile::tempdir().unwrap();
    let mut extract = one.start(&broker, extract_dir.path(), "extract");
    feed(&broker, &one.names.input, &more);
    let more_json: Vec<Vec<u8>> = articles
        .iter()
        .chain(&more)
        .map(|(_, j)| j.clone())
        .collect();
    let expect_all: usize = kafka_common::offline(&more_json)
        .0
        .iter()
        .map(|(_, r)| r.len())
        .sum();
    wait_for(&count, expect_all, &[&heir, &extract]);
    stop.store(true, Ordering::Relaxed);
    reader.join().unwrap();
    assert!(heir.terminate().success());
    assert!(extract.terminate().success());
    let (ms, claims, partitions) = restored(&heir.log_text());

    let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
    println!();
    println!(
        "claimwire scale-out benchmark (tansu memory://, {PARTITIONS} partitions per topic, {cores} cores)"
    );
    println!(
        "wire mix: {n} articles, {expect} claim records ({:.1} per article)",
        expect as f64 / n as f64
    );
    println!("{:-<78}", "");
    println!(
        "{:<44} {:>12} {:>18}",
        "topology", "articles/s", "CPU per article"
    );
    println!("{:-<78}", "");
    for (name, t) in [
        ("extract x1 + track x1", &t1),
        ("extract x1 + track x2", &t2),
    ] {
        println!(
            "{:<44} {:>12.0} {:>15.0} us",
            name,
            t.rate,
            t.cpu_per_article.as_secs_f64() * 1e6
        );
    }
    println!(
        "{:<44} {:>11.2}x",
        "two track instances vs one",
        t2.rate / t1.rate
    );
    println!("{:-<78}", "");
    if claims > 0 {
        println!(
            "restore: {claims} claims over {partitions} partitions in {:.2} s = {:.2} s per 100k claims",
            ms as f64 / 1e3,
            ms as f64 / 1e3 / claims as f64 * 1e5
        );
    } else {
        println!("restore: nothing was restored ({partitions} partitions)");
    }
    println!("{:-<78}", "");
}
