//! End-to-end benchmark through a local tansu broker (in-memory storage):
//!
//! 1. the ceiling: the broker's raw produce→consume rate of 4 kB messages over 4 partitions
//!    (a batching producer and a consumer running at the same time);
//! 2. claimwire: synthetic articles fed at full speed into the articles topic while
//!    `claimwire run` (this profile's binary) consumes them; articles/s from the first send to
//!    the last article acknowledged downstream, produce→record latency per article (send to
//!    arrival of its last claim record), and CPU per article (getrusage of the child).
//!
//! `cargo bench --bench e2e` (BENCH_ARTICLES=N to change the article count). Needs the tansu
//! binary (see scripts/broker.sh).

#[path = "../tests/kafka_common/mod.rs"]
mod kafka_common;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use kafka_common::articles::article;
use kafka_common::{Broker, Claimwire, Names};
use rdkafka::config::ClientConfig;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::{Headers, Message};
use rdkafka::producer::{BaseProducer, BaseRecord, Producer};
use rdkafka::{Offset, TopicPartitionList};

const PARTITIONS: i32 = 4;
const CEILING_MESSAGES: usize = 20_000;
const CEILING_BYTES: usize = 4096;

fn batching_producer(broker: &Broker) -> BaseProducer {
    ClientConfig::new()
        .set("bootstrap.servers", &broker.addr)
        .set("enable.idempotence", "true")
        .set("linger.ms", "5")
        .set("batch.num.messages", "1000")
        .set("queue.buffering.max.messages", "200000")
        .create()
        .unwrap()
}

fn send(producer: &BaseProducer, topic: &str, key: &[u8], payload: &[u8]) {
    let mut record = BaseRecord::<[u8], [u8]>::to(topic)
        .key(key)
        .payload(payload);
    loop {
        match producer.send(record) {
            Ok(()) => return,
            Err((_, r)) => {
                record = r;
                producer.poll(Duration::from_millis(1));
            }
        }
    }
}

fn create_topic(broker: &Broker, topic: &str) {
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_claimwire"))
        .args(["produce", "--brokers", &broker.addr, "--topic", topic])
        .args(["--partitions", &PARTITIONS.to_string(), "/dev/null"])
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
}

fn reader(broker: &Broker, topic: &str) -> BaseConsumer {
    let c: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", &broker.addr)
        .set("group.id", "bench-reader")
        .set("enable.auto.commit", "false")
        .set("fetch.wait.max.ms", "5")
        .create()
        .unwrap();
    let mut tpl = TopicPartitionList::new();
    for p in 0..PARTITIONS {
        tpl.add_partition_offset(topic, p, Offset::Beginning)
            .unwrap();
    }
    c.assign(&tpl).unwrap();
    c
}

/// Messages per second the broker moves from a producer to a consumer.
fn ceiling(broker: &Broker) -> f64 {
    let topic = "bench-ceiling";
    create_topic(broker, topic);
    let consumer = reader(broker, topic);
    // `produce /dev/null` put one empty story in; skip it.
    let payload = vec![b'x'; CEILING_BYTES];
    let started = Instant::now();
    let producer = batching_producer(broker);
    let feeder = std::thread::spawn(move || {
        for i in 0..CEILING_MESSAGES {
            send(
                &producer,
                "bench-ceiling",
                format!("k{i}").as_bytes(),
                &payload,
            );
        }
        producer.flush(Duration::from_secs(120)).unwrap();
    });
    let mut got = 0;
    let deadline = Instant::now() + Duration::from_secs(300);
    while got < CEILING_MESSAGES {
        assert!(Instant::now() < deadline, "ceiling: got {got}");
        if let Some(m) = consumer.poll(Duration::from_millis(100)) {
            if m.unwrap()
                .payload()
                .is_some_and(|p| p.len() == CEILING_BYTES)
            {
                got += 1;
            }
        }
    }
    let elapsed = started.elapsed();
    feeder.join().unwrap();
    CEILING_MESSAGES as f64 / elapsed.as_secs_f64()
}

fn cpu_children() -> Duration {
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

fn percentile(sorted: &[Duration], p: f64) -> Option<Duration> {
    if sorted.is_empty() {
        return None;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    Some(sorted[i])
}

struct E2e {
    articles: usize,
    bytes: usize,
    rate: f64,
    p50: Option<Duration>,
    p99: Option<Duration>,
    with_claims: usize,
    records: usize,
    cpu_per_article: Duration,
}

/// Feeds `n` articles (flat out, or at `pace` articles/s) through a fresh claimwire.
fn end_to_end(broker: &Broker, name: &str, n: usize, pace: Option<f64>) -> E2e {
    let names = Names::new(name);
    let work = tempfile::tempdir().unwrap();
    let articles: Vec<(String, Vec<u8>)> = (0..n).map(|i| article(42, i)).collect();
    let bytes: usize = articles.iter().map(|(_, j)| j.len()).sum();
    let cpu_before = cpu_children();
    let mut cw = Claimwire::start(
        broker,
        &names,
        work.path(),
        &[
            ("RUST_LOG", "warn"),
            ("CLAIMWIRE_SERVICE_BATCH_LINGER_MS", "5"),
            // tansu answers an empty fetch only after the full wait, even when data arrives
            // meanwhile (Kafka answers at once): keep the wait short, as the readers do.
            ("CLAIMWIRE_KAFKA_CONSUMER_FETCH_WAIT_MAX_MS", "10"),
        ],
    );

    // The reader of claim records: arrival time of each article's last record.
    let arrivals: Arc<Mutex<HashMap<String, (Instant, usize)>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let out_reader = {
        let consumer = reader(broker, &names.output);
        let arrivals = arrivals.clone();
        let stop = stop.clone();
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                if let Some(Ok(m)) = consumer.poll(Duration::from_millis(20)) {
                    let now = Instant::now();
                    let id = m
                        .headers()
                        .and_then(|h| h.iter().find(|h| h.key == "claimwire-article-id"))
                        .and_then(|h| h.value)
                        .map(|v| String::from_utf8_lossy(v).into_owned())
                        .unwrap_or_default();
                    let mut a = arrivals.lock().unwrap();
                    let e = a.entry(id).or_insert((now, 0));
                    e.0 = now;
                    e.1 += 1;
                }
            }
        })
    };

    let producer = batching_producer(broker);
    let mut sent_at: HashMap<String, Instant> = HashMap::with_capacity(n);
    let started = Instant::now();
    for (i, (id, json)) in articles.iter().enumerate() {
        if let Some(rate) = pace {
            let due = started + Duration::from_secs_f64(i as f64 / rate);
            if let Some(wait) = due.checked_duration_since(Instant::now()) {
                producer.flush(Duration::from_secs(10)).unwrap();
                std::thread::sleep(wait);
            }
        }
        sent_at.insert(id.clone(), Instant::now());
        send(&producer, &names.input, id.as_bytes(), json);
        producer.poll(Duration::ZERO);
    }
    producer.flush(Duration::from_secs(120)).unwrap();
    // Done when every article has been read and acknowledged downstream.
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        let consumed = cw.metric("claimwire_consumed_total").unwrap_or(0.0) as usize;
        let in_flight = cw.metric("claimwire_in_flight").unwrap_or(1.0) as usize;
        if consumed >= n && in_flight == 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "e2e: {consumed} of {n} consumed; offset gaps: {:?}",
            cw.metric("claimwire_offset_gaps_total")
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    let elapsed = started.elapsed();
    let produced = cw.metric("claimwire_produced_total").unwrap_or(0.0) as usize;
    // Let the reader catch up with the last records, then stop claimwire.
    let deadline = Instant::now() + Duration::from_secs(30);
    while arrivals
        .lock()
        .unwrap()
        .values()
        .map(|v| v.1)
        .sum::<usize>()
        < produced
        && Instant::now() < deadline
    {
        std::thread::sleep(Duration::from_millis(10));
    }
    stop.store(true, Ordering::Relaxed);
    out_reader.join().unwrap();
    assert!(cw.terminate().success(), "{}", cw.log_text());
    let cpu = cpu_children().saturating_sub(cpu_before);

    let arrivals = arrivals.lock().unwrap();
    let mut latencies: Vec<Duration> = arrivals
        .iter()
        .filter_map(|(id, (at, _))| Some(at.saturating_duration_since(*sent_at.get(id)?)))
        .collect();
    latencies.sort();
    E2e {
        articles: n,
        bytes,
        rate: n as f64 / elapsed.as_secs_f64(),
        p50: percentile(&latencies, 0.50),
        p99: percentile(&latencies, 0.99),
        with_claims: latencies.len(),
        records: produced,
        cpu_per_article: cpu / n as u32,
    }
}

fn ms(d: Option<Duration>) -> String {
    d.map_or("n/a".into(), |d| format!("{:.1} ms", d.as_secs_f64() * 1e3))
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` passes nothing useful: run anyway
    // but small.
    let quick = !std::env::args().any(|a| a == "--bench");
    let n: usize = std::env::var("BENCH_ARTICLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if quick { 200 } else { 10_000 });
    if let Ok(path) = std::env::var("BENCH_DUMP") {
        // The same articles as JSON Lines, to compare with `claimwire process`.
        let mut out = Vec::new();
        for i in 0..n {
            out.extend_from_slice(&article(42, i).1);
            out.push(b'\n');
        }
        std::fs::write(&path, out).unwrap();
        eprintln!("wrote {n} articles to {path}");
        return;
    }
    let broker = Broker::start();
    let ceiling = ceiling(&broker);
    let e2e = end_to_end(&broker, "bench", n, None);
    // Latency without a backlog: a fresh instance fed at half the measured throughput.
    let paced_rate = e2e.rate / 2.0;
    let paced_n = ((paced_rate * 10.0) as usize).clamp(50, n);
    let paced = end_to_end(&broker, "bench-paced", paced_n, Some(paced_rate));
    println!();
    println!(
        "claimwire e2e benchmark (tansu memory://, {PARTITIONS} partitions, lexical-only judge)"
    );
    println!("{:-<78}", "");
    println!("{:<44} {:>16} {:>14}", "measure", "value", "vs ceiling");
    println!("{:-<78}", "");
    println!(
        "{:<44} {:>12.0} /s {:>14}",
        format!(
            "broker ceiling ({} kB msgs, produce->consume)",
            CEILING_BYTES / 1024
        ),
        ceiling,
        "100%"
    );
    println!(
        "{:<44} {:>12.0} /s {:>13.0}%",
        format!(
            "claimwire articles (n={}, avg {} B)",
            e2e.articles,
            e2e.bytes / e2e.articles
        ),
        e2e.rate,
        100.0 * e2e.rate / ceiling
    );
    println!("{:<44} {:>16}", "claim records produced", e2e.records);
    println!(
        "{:<44} {:>16}",
        format!(
            "flat out: latency p50 ({} art. with claims)",
            e2e.with_claims
        ),
        ms(e2e.p50)
    );
    println!(
        "{:<44} {:>16}",
        "flat out: latency p99 (backlog)",
        ms(e2e.p99)
    );
    println!(
        "{:<44} {:>16}",
        format!(
            "paced {:.0}/s: latency p50 ({} art.)",
            paced_rate, paced.with_claims
        ),
        ms(paced.p50)
    );
    println!("{:<44} {:>16}", "paced: latency p99", ms(paced.p99));
    println!(
        "{:<44} {:>13.0} us",
        "CPU per article (claimwire user+sys)",
        e2e.cpu_per_article.as_secs_f64() * 1e6
    );
    println!("{:-<78}", "");
}
