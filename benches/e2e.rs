//! End-to-end benchmark through a local tansu broker (in-memory storage):
//!
//! 1. the ceiling: the broker's raw produce→consume rate of 4 kB messages over 4 partitions
//!    (a batching producer and a consumer running at the same time);
//! 2. claimwire: synthetic articles fed at full speed into the articles topic while
//!    `claimwire run` (this profile's binary) consumes them; articles/s from the first send to
//!    the last article acknowledged downstream, produce→record latency per article (send to
//!    arrival of its last claim record), and CPU per article (getrusage of the child).
//!
//! The relay (the ceiling at this mix) and claimwire run in turns, BENCH_ROUNDS times (5):
//! the table shows the round whose ratio is the median, and the ratio of every round.
//!
//! `cargo bench --bench e2e` (BENCH_ARTICLES=N to change the article count;
//! BENCH_CLAIMWIRE_BIN=PATH to run another build of claimwire, e.g. `scripts/build-pgo.sh`'s
//! target/pgo/release/claimwire; BENCH_INPUT=FILE to feed the articles of a JSON Lines file,
//! e.g. a sample of one's own wire, instead of the generated mix). Needs the tansu binary
//! (see scripts/broker.sh).

#[path = "../tests/kafka_common/mod.rs"]
mod kafka_common;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use kafka_common::articles::wire_article;
use kafka_common::clients::{batching_producer, reader_from_start, send_waiting};
use kafka_common::{Broker, Claimwire, Names};
use rdkafka::config::ClientConfig;
use rdkafka::consumer::BaseConsumer;
use rdkafka::message::{Headers, Message};
use rdkafka::producer::{BaseProducer, BaseRecord, Producer};

const PARTITIONS: i32 = 4;
const CEILING_MESSAGES: usize = 20_000;
const CEILING_BYTES: usize = 4096;

fn send(producer: &BaseProducer, topic: &str, key: &[u8], payload: &[u8]) {
    send_waiting(producer, BaseRecord::to(topic).key(key).payload(payload));
}

fn create_topic(broker: &Broker, topic: &str) {
    let status = std::process::Command::new(kafka_common::claimwire_bin())
        .args(["produce", "--brokers", &broker.addr, "--topic", topic])
        .args(["--partitions", &PARTITIONS.to_string(), "/dev/null"])
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
}

/// Where feeders send their first message, before any clock starts.
const WARM_UP_TOPIC: &str = "bench-warm-up";

/// A batching producer, connected and ready to send to `topic`: its first message is
/// delivered (to a topic of its own) and `topic`'s metadata fetched before it is handed out.
/// A fresh producer's first message takes about half a second to be delivered against
/// tansu (connection, metadata, idempotent producer id), which no measurement here is
/// about: counted in, it was a third of the relay's run and flattered every ratio to it.
fn ready_feeder(broker: &Broker, topic: &str) -> BaseProducer {
    let producer = batching_producer(broker);
    send(&producer, WARM_UP_TOPIC, b"warm-up", b"");
    producer.flush(Duration::from_secs(30)).unwrap();
    producer
        .client()
        .fetch_metadata(Some(topic), Duration::from_secs(10))
        .unwrap();
    producer
}

fn reader(broker: &Broker, topic: &str) -> BaseConsumer {
    reader_from_start(broker, topic, PARTITIONS)
}

/// Messages per second the broker moves from a producer to a consumer.
fn ceiling(broker: &Broker) -> f64 {
    let topic = "bench-ceiling";
    create_topic(broker, topic);
    let consumer = reader(broker, topic);
    // `produce /dev/null` put one empty story in; skip it.
    let payload = vec![b'x'; CEILING_BYTES];
    let producer = ready_feeder(broker, topic);
    let started = Instant::now();
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

/// User + system CPU so far of `who`: `RUSAGE_CHILDREN` (claimwire, once waited for) or
/// `RUSAGE_SELF` (the bench's own clients: feeder, readers, relay).
fn cpu_used(who: libc::c_int) -> Duration {
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(who, &mut usage) };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

/// CPU per article of the broker and of this process over one run.
#[derive(Clone, Copy, Default)]
struct Costs {
    broker: Option<Duration>,
    bench: Duration,
}

/// Starts measuring [`Costs`]; the returned closure ends the measurement over `n` articles.
fn costs(broker: &Broker) -> impl FnOnce(&Broker, usize) -> Costs {
    let (b0, s0) = (broker.cpu(), cpu_used(libc::RUSAGE_SELF));
    move |broker, n| Costs {
        broker: b0
            .zip(broker.cpu())
            .map(|(b0, b1)| b1.saturating_sub(b0) / n as u32),
        bench: cpu_used(libc::RUSAGE_SELF).saturating_sub(s0) / n as u32,
    }
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
    /// What the run cost the broker and the bench's clients.
    costs: Costs,
    /// Share of the run claimwire's prepare (extraction) and process (judgement, store)
    /// steps were busy: one near 1 bounds the throughput.
    busy: (f64, f64),
}

/// Per article id: arrival of its last record so far, and its records so far.
type Arrivals = Arc<Mutex<HashMap<String, (Instant, usize)>>>;

/// The downstream reader of claim records (both claimwire and the relay have one, so both
/// pay for it): the arrival time of each article's last record, until `stop`.
fn record_reader(
    broker: &Broker,
    topic: &str,
) -> (Arrivals, Arc<AtomicBool>, std::thread::JoinHandle<()>) {
    let arrivals: Arrivals = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let consumer = reader(broker, topic);
    let handle = {
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
    (arrivals, stop, handle)
}

/// Feeds these articles (flat out, or at `pace` articles/s) through a fresh claimwire,
/// started with `env` on top of the benchmark's settings.
fn end_to_end(
    broker: &Broker,
    name: &str,
    articles: &[(String, Vec<u8>)],
    pace: Option<f64>,
    env: &[(&str, &str)],
) -> E2e {
    let n = articles.len();
    let names = Names::new(name);
    let work = tempfile::tempdir().unwrap();
    let bytes: usize = articles.iter().map(|(_, j)| j.len()).sum();
    let cpu_before = cpu_used(libc::RUSAGE_CHILDREN);
    let mut settings = vec![
        ("RUST_LOG", "warn"),
        ("CLAIMWIRE_SERVICE_BATCH_LINGER_MS", "5"),
        // tansu answers an empty fetch only after the full wait, even when data arrives
        // meanwhile (Kafka answers at once): keep the wait short, as the readers do.
        ("CLAIMWIRE_KAFKA_CONSUMER_FETCH_WAIT_MAX_MS", "10"),
    ];
    settings.extend_from_slice(env);
    let mut cw = Claimwire::start(broker, &names, work.path(), &settings);

    let (arrivals, stop, out_reader) = record_reader(broker, &names.output);

    let producer = ready_feeder(broker, &names.input);
    let mut sent_at: HashMap<String, Instant> = HashMap::with_capacity(n);
    // The broker's and the bench's costs over the same span as in the relay's run: from the
    // first article sent until the reader has the last record (not claimwire's start-up,
    // topic creation and group join, nor its shutdown).
    let measure = costs(broker);
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
    // Done when every article has been read and acknowledged downstream. Polled with one
    // scrape every 10 ms: a scrape costs claimwire about 0.26 ms of CPU, and the two scrapes
    // every 5 ms this loop made before took a tenth of a core from the process measured (the
    // relay it is compared with is polled by nobody). The end is then known within 10 ms.
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        let polled = cw.metrics(&["claimwire_consumed_total", "claimwire_in_flight"]);
        let consumed = polled[0].unwrap_or(0.0) as usize;
        let in_flight = polled[1].unwrap_or(1.0) as usize;
        if consumed >= n && in_flight == 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "e2e: {consumed} of {n} consumed; offset gaps: {:?}",
            cw.metric("claimwire_offset_gaps_total")
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let elapsed = started.elapsed();
    let last = cw.metrics(&[
        "claimwire_produced_total",
        "claimwire_stage_busy_seconds_total{step=\"prepare\"}",
        "claimwire_stage_busy_seconds_total{step=\"process\"}",
    ]);
    let produced = last[0].unwrap_or(0.0) as usize;
    let busy = |s: Option<f64>| s.unwrap_or(0.0) / elapsed.as_secs_f64();
    let busy = (busy(last[1]), busy(last[2]));
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
    let costs = measure(broker, n);
    assert!(cw.terminate().success(), "{}", cw.log_text());
    let cpu = cpu_used(libc::RUSAGE_CHILDREN).saturating_sub(cpu_before);

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
        costs,
        busy,
    }
}

/// Per article id, the messages claimwire produces for it (key, payload), from an offline
/// pass over the same articles.
type Outputs = HashMap<String, Vec<(Option<Vec<u8>>, Vec<u8>)>>;

/// The first `n` articles of a JSON Lines file (the articles topic's schema), keyed by their
/// `id` as `claimwire produce` keys them. Only the fields claimwire reads are kept, so that a
/// file with more in it (an evaluation set's annotations) feeds what a wire would.
fn file_articles(path: &str, n: usize) -> Vec<(String, Vec<u8>)> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .take(n)
        .map(|line| {
            let v: serde_json::Value = serde_json::from_str(line).expect("a JSON article");
            let mut kept = serde_json::Map::new();
            for field in [
                "id",
                "body",
                "text",
                "title",
                "url",
                "published_at",
                "source",
                "language",
            ] {
                if let Some(x) = v.get(field) {
                    kept.insert(field.to_owned(), x.clone());
                }
            }
            let id = v["id"].as_str().expect("an article id").to_owned();
            (id, serde_json::to_vec(&kept).unwrap())
        })
        .collect()
}

fn offline_outputs(articles: &[(String, Vec<u8>)]) -> Outputs {
    let json: Vec<Vec<u8>> = articles.iter().map(|(_, j)| j.clone()).collect();
    kafka_common::offline(&json)
        .0
        .into_iter()
        .map(|(id, records)| {
            let messages = records
                .iter()
                .map(|r| {
                    let key = r.speaker.id.as_ref().map(|k| k.as_bytes().to_vec());
                    (key, serde_json::to_vec(r).unwrap())
                })
                .collect();
            (id, messages)
        })
        .collect()
}

/// The ceiling at this article mix: what the broker and the Kafka clients alone cost for
/// claimwire's traffic. A relay consumes the articles and produces, for each, the records
/// claimwire yields for it (count, sizes, keys and headers of an offline pass) with
/// claimwire's producer settings (idempotent, acks=all, linger 5 ms), and does nothing else.
/// Articles/s from the first article sent to the last record acknowledged.
fn relay(
    broker: &Broker,
    round: usize,
    articles: &[(String, Vec<u8>)],
    outputs: Arc<Outputs>,
) -> (f64, Costs) {
    // The relaying thread needs the name for its whole life (a few bytes per round).
    let input: &'static str = format!("bench-relay-articles-{round}").leak();
    let output: &'static str = format!("bench-relay-claims-{round}").leak();
    create_topic(broker, input);
    create_topic(broker, output);
    let n = articles.len();
    let consumer = reader(broker, input);
    let (_, stop, out_reader) = record_reader(broker, output);
    let producer: BaseProducer = ClientConfig::new()
        .set("bootstrap.servers", &broker.addr)
        .set("enable.idempotence", "true")
        .set("acks", "all")
        .set("linger.ms", "5")
        .set("compression.type", "none")
        .create()
        .unwrap();
    let relayer = std::thread::spawn(move || {
        let mut relayed = 0;
        let deadline = Instant::now() + Duration::from_secs(300);
        while relayed < n {
            assert!(Instant::now() < deadline, "relay: {relayed} of {n}");
            let Some(m) = consumer.poll(Duration::from_millis(20)) else {
                continue;
            };
            let m = m.unwrap();
            let Some(messages) = m
                .key()
                .and_then(|k| outputs.get(std::str::from_utf8(k).ok()?))
            else {
                continue; // the empty story `produce /dev/null` put in
            };
            let id = m.key().unwrap();
            for (key, payload) in messages {
                let headers = rdkafka::message::OwnedHeaders::new()
                    .insert(rdkafka::message::Header {
                        key: "claimwire-schema",
                        value: Some(claimwire::record::SCHEMA_VERSION),
                    })
                    .insert(rdkafka::message::Header {
                        key: "claimwire-article-id",
                        value: Some(id),
                    });
                let mut record = BaseRecord::<[u8], [u8]>::to(output)
                    .payload(payload.as_slice())
                    .headers(headers);
                if let Some(key) = key {
                    record = record.key(key.as_slice());
                }
                send_waiting(&producer, record);
            }
            producer.poll(Duration::ZERO);
            relayed += 1;
        }
        producer.flush(Duration::from_secs(120)).unwrap();
        Instant::now()
    });
    let feeder = ready_feeder(broker, input);
    let measure = costs(broker);
    let started = Instant::now();
    for (id, json) in articles {
        send(&feeder, input, id.as_bytes(), json);
        feeder.poll(Duration::ZERO);
    }
    feeder.flush(Duration::from_secs(120)).unwrap();
    let done = relayer.join().unwrap();
    stop.store(true, Ordering::Relaxed);
    out_reader.join().unwrap();
    (
        n as f64 / (done - started).as_secs_f64(),
        measure(broker, n),
    )
}

/// The sentence-encoder directory, when there is one: `CLAIMWIRE_MODEL_DIR`, else the
/// repository's `models/`.
fn model_dir() -> Option<String> {
    let dir = std::env::var("CLAIMWIRE_MODEL_DIR").unwrap_or_else(|_| {
        format!(
            "{}/{}",
            env!("CARGO_MANIFEST_DIR"),
            claimwire::embed::DEFAULT_MODEL_DIR
        )
    });
    std::path::Path::new(&dir)
        .join("config.json")
        .exists()
        .then_some(dir)
}

fn ms(d: Option<Duration>) -> String {
    d.map_or("n/a".into(), |d| format!("{:.1} ms", d.as_secs_f64() * 1e3))
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` passes nothing useful: run anyway
    // but small.
    let quick = !std::env::args().any(|a| a == "--bench");
    let env_count = |name: &str, default: usize| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let n = env_count("BENCH_ARTICLES", if quick { 200 } else { 10_000 });
    let model_n = env_count("BENCH_MODEL_ARTICLES", if quick { 20 } else { 400 });
    let articles: Vec<(String, Vec<u8>)> = match std::env::var("BENCH_INPUT") {
        Ok(path) => file_articles(&path, n),
        Err(_) => (0..n).map(|i| wire_article(42, i)).collect(),
    };
    // A file may hold fewer than asked for.
    let n = articles.len();
    if let Ok(path) = std::env::var("BENCH_DUMP") {
        // The same articles as JSON Lines, to compare with `claimwire process`.
        let mut out = Vec::new();
        for (_, json) in &articles {
            out.extend_from_slice(json);
            out.push(b'\n');
        }
        std::fs::write(&path, out).unwrap();
        eprintln!("wrote {n} articles to {path}");
        return;
    }
    let outputs = Arc::new(offline_outputs(&articles));
    let broker = Broker::start();
    create_topic(&broker, WARM_UP_TOPIC);
    let ceiling = ceiling(&broker);
    // The relay and claimwire in turns, `rounds` times: the machine's speed drifts by 20-30%
    // within minutes, so each round's ratio is of two runs side by side, and the table shows
    // the round with the median ratio.
    let rounds = env_count("BENCH_ROUNDS", if quick { 1 } else { 5 }).max(1);
    // Which of the two goes first alternates from round to round: the broker keeps every
    // round's topics (in memory), so the second run of a round always meets a fuller broker.
    let mut runs: Vec<((f64, Costs), E2e)> = (0..rounds)
        .map(|round| {
            let claimwire = || end_to_end(&broker, &format!("bench-{round}"), &articles, None, &[]);
            let relayed = || relay(&broker, round, &articles, outputs.clone());
            let relay_first = round % 2 == 0;
            let (relay_rate, e2e) = if relay_first {
                let r = relayed();
                (r, claimwire())
            } else {
                let e = claimwire();
                (relayed(), e)
            };
            let us = |d: Option<Duration>| d.map_or(0, |d| d.as_micros());
            eprintln!(
                "round {round}: relay {:.0} art/s (broker {} us, clients {} us per article), claimwire {:.0} art/s (claimwire {} us, broker {} us, clients {} us), {}",
                relay_rate.0,
                us(relay_rate.1.broker),
                relay_rate.1.bench.as_micros(),
                e2e.rate,
                e2e.cpu_per_article.as_micros(),
                us(e2e.costs.broker),
                e2e.costs.bench.as_micros(),
                if relay_first { "relay first" } else { "claimwire first" }
            );
            (relay_rate, e2e)
        })
        .collect();
    let ratios: Vec<String> = runs
        .iter()
        .map(|((relay, _), e2e)| format!("{:.0}%", 100.0 * e2e.rate / relay))
        .collect();
    runs.sort_by(|a, b| (a.1.rate / a.0 .0).total_cmp(&(b.1.rate / b.0 .0)));
    let ((relay_rate, relay_costs), e2e) = runs.swap_remove(runs.len() / 2);
    // Latency without a backlog: a fresh instance fed at half the measured throughput.
    let paced_rate = e2e.rate / 2.0;
    let paced_n = ((paced_rate * 10.0) as usize).clamp(50, n);
    let paced = end_to_end(
        &broker,
        "bench-paced",
        &articles[..paced_n],
        Some(paced_rate),
        &[],
    );
    let model = model_dir().filter(|_| model_n > 0).map(|dir| {
        let part = &articles[..model_n.min(n)];
        end_to_end(
            &broker,
            "bench-model",
            part,
            None,
            &[("CLAIMWIRE_MODEL_DIR", dir.as_str())],
        )
    });

    let records_per_article = e2e.records as f64 / e2e.articles as f64;
    println!();
    println!("claimwire e2e benchmark (tansu memory://, {PARTITIONS} partitions)");
    println!(
        "article mix: n={}, avg {} B, {:.1} claim records per article",
        e2e.articles,
        e2e.bytes / e2e.articles,
        records_per_article
    );
    println!("{:-<86}", "");
    println!(
        "{:<50} {:>16} {:>8} {:>8}",
        "measure", "value", "vs mix", "vs raw"
    );
    println!("{:-<86}", "");
    let row = |name: String, rate: f64, unit: &str| {
        println!(
            "{:<50} {:>11.0} {:<4} {:>7.0}% {:>7.1}%",
            name,
            rate,
            unit,
            100.0 * rate / relay_rate,
            100.0 * rate / ceiling
        );
    };
    println!(
        "{:<50} {:>11.0} {:<4} {:>8} {:>7.0}%",
        format!(
            "raw ceiling ({} kB msgs, produce->consume)",
            CEILING_BYTES / 1024
        ),
        ceiling,
        "msg/s",
        "",
        100.0
    );
    row(
        "ceiling at this mix (relay: 1 article in, its records out)".into(),
        relay_rate,
        "art/s",
    );
    row("claimwire, lexical judgement".into(), e2e.rate, "art/s");
    if rounds > 1 {
        println!(
            "{:<50} {:>16}",
            format!("  vs mix in each of {rounds} rounds (median above)"),
            ratios.join(" ")
        );
    }
    if let Some(m) = &model {
        row(
            format!("claimwire, sentence encoder (n={})", m.articles),
            m.rate,
            "art/s",
        );
        let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
        let claims = m.records as f64 * m.rate / m.articles as f64;
        println!(
            "{:<50} {:>11.0} {:<4}  ({:.0} claims/s per core on {cores} cores)",
            "  claims judged with the encoder",
            claims,
            "cl/s",
            claims / cores as f64
        );
    } else {
        println!("(no sentence encoder found: run scripts/fetch-model.sh for the model row)");
    }
    println!("{:-<86}", "");
    println!(
        "{:<50} {:>16}",
        format!(
            "lexical, flat out: latency p50 ({} art. with claims)",
            e2e.with_claims
        ),
        ms(e2e.p50)
    );
    println!(
        "{:<50} {:>16}",
        "lexical, flat out: latency p99",
        ms(e2e.p99)
    );
    println!(
        "{:<50} {:>16}",
        format!("lexical, paced {paced_rate:.0}/s: latency p50"),
        ms(paced.p50)
    );
    println!(
        "{:<50} {:>16}",
        "lexical, paced: latency p99",
        ms(paced.p99)
    );
    println!(
        "{:<50} {:>13.0} us",
        "CPU per article, lexical (claimwire user+sys)",
        e2e.cpu_per_article.as_secs_f64() * 1e6
    );
    let us = |d: Option<Duration>| {
        d.map_or("-".to_owned(), |d| {
            format!("{:.0} us", d.as_secs_f64() * 1e6)
        })
    };
    println!(
        "{:<50} {:>16}",
        "CPU per article, broker: relay / claimwire",
        format!("{} / {}", us(relay_costs.broker), us(e2e.costs.broker))
    );
    println!(
        "{:<50} {:>16}",
        "CPU per article, bench clients: relay / claimwire",
        format!(
            "{} / {}",
            us(Some(relay_costs.bench)),
            us(Some(e2e.costs.bench))
        )
    );
    // The same comparison by CPU alone: what the whole relay costs an article against what
    // the whole claimwire run does. Unlike the rates it does not count idle time, which
    // weighs in short runs (a file of a few hundred articles) where fixed latencies (a
    // producer's linger, a consumer's first fetch) are a large part of a run.
    if let (Some(rb), Some(cb)) = (relay_costs.broker, e2e.costs.broker) {
        let relay_all = rb + relay_costs.bench;
        let claimwire_all = e2e.cpu_per_article + cb + e2e.costs.bench;
        println!(
            "{:<50} {:>15.0}%",
            "share of the relay by CPU per article",
            100.0 * relay_all.as_secs_f64() / claimwire_all.as_secs_f64()
        );
    }
    println!(
        "{:<50} {:>16}",
        "claimwire steps busy: prepare / process",
        format!("{:.0}% / {:.0}%", 100.0 * e2e.busy.0, 100.0 * e2e.busy.1)
    );
    if let Some(m) = &model {
        println!(
            "{:<50} {:>13.0} us",
            "CPU per article, sentence encoder",
            m.cpu_per_article.as_secs_f64() * 1e6
        );
        println!(
            "{:<50} {:>16}",
            "sentence encoder, flat out: latency p50",
            ms(m.p50)
        );
    }
    println!("{:-<86}", "");
}
