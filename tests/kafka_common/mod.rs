//! Helpers of the Kafka integration tests: a tansu broker per test on a free loopback port
//! (killed on drop), claimwire as a child process, and plain rdkafka clients to feed and read
//! topics. Every wait has a deadline.

#![allow(dead_code)]

pub mod articles;
pub mod clients;
pub mod faults;
pub mod generator;
pub mod group;
pub mod members;
pub mod oracle;

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use claimwire::article::parse_json;
use claimwire::pipeline::Pipeline;
use claimwire::record::ClaimRecord;
use claimwire::speaker::Identities;
use rdkafka::config::ClientConfig;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::{Header, Headers, Message, OwnedHeaders};
use rdkafka::producer::{BaseProducer, BaseRecord, Producer};
use rdkafka::{Offset, TopicPartitionList};

pub const WAIT: Duration = Duration::from_secs(60);

/// Where the tansu binary is: `scripts/broker.sh find` ($TANSU_BIN, ../shared/bin/tansu, the
/// cache). Fails the test with instructions when there is none.
pub fn tansu_bin() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new("bash")
        .arg(root.join("scripts/broker.sh"))
        .arg("find")
        .output()
        .expect("running scripts/broker.sh");
    if !out.status.success() {
        panic!(
            "The Kafka tests need the tansu broker and none was found ({}). Set TANSU_BIN to its \
             path, or run `scripts/broker.sh path` once to install it.",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A tansu broker, killed on drop: in-memory storage, or SQLite (survives a restart).
pub struct Broker {
    child: Child,
    pub addr: String,
    port: u16,
    storage: String,
    dir: tempfile::TempDir,
}

fn spawn_tansu(dir: &Path, port: u16, storage: &str) -> Option<Child> {
    let bin = tansu_bin();
    let url = format!("tcp://127.0.0.1:{port}");
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("broker.log"))
        .unwrap();
    let mut child = Command::new(&bin)
        .current_dir(dir)
        .args([
            "broker",
            "--listener-url",
            &url,
            "--advertised-listener-url",
            &url,
        ])
        .args(["--storage-engine", storage])
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .unwrap_or_else(|e| panic!("starting {}: {e}", bin.display()));
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return None; // the port was taken meanwhile
        }
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Some(child);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

impl Broker {
    /// CPU the broker process has used so far (user + system), where `/proc` tells it: the
    /// benchmark reports what each mode costs the broker per article.
    #[allow(dead_code)]
    pub fn cpu(&self) -> Option<Duration> {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).ok()?;
        // Fields after the command name (which may hold spaces) end at the last ')'.
        let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
        let ticks: u64 =
            fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
        // SAFETY: sysconf reads a constant of the system.
        let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as u64;
        Some(Duration::from_micros(ticks * 1_000_000 / hz))
    }

    /// A broker with in-memory storage.
    pub fn start() -> Broker {
        Broker::start_with("memory://tansu/")
    }

    /// A broker whose data survives [`Broker::restart`].
    pub fn start_persistent() -> Broker {
        Broker::start_with("sqlite://tansu.db")
    }

    fn start_with(storage: &str) -> Broker {
        for _ in 0..5 {
            let port = free_port();
            let dir = tempfile::tempdir().unwrap();
            if let Some(child) = spawn_tansu(dir.path(), port, storage) {
                return Broker {
                    child,
                    addr: format!("127.0.0.1:{port}"),
                    port,
                    storage: storage.to_owned(),
                    dir,
                };
            }
        }
        panic!("the tansu broker did not start");
    }

    /// Kills the broker (SIGKILL: an outage, not a shutdown).
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Freezes the broker (SIGSTOP): it keeps its connections and its data but answers
    /// nothing, like a broker in a long pause or cut off by the network, until
    /// [`Broker::thaw`]. Unlike [`Broker::kill`], this works with in-memory storage.
    #[allow(dead_code)]
    pub fn freeze(&self) {
        self.signal(libc::SIGSTOP);
    }

    /// Lets a [frozen](Broker::freeze) broker run again (SIGCONT).
    #[allow(dead_code)]
    pub fn thaw(&self) {
        self.signal(libc::SIGCONT);
    }

    fn signal(&self, signal: libc::c_int) {
        // SAFETY: sends a signal to our own child process, which has not been waited for.
        let sent = unsafe { libc::kill(self.child.id() as libc::pid_t, signal) };
        assert_eq!(sent, 0, "signal {signal} to the broker");
    }

    /// Starts the broker again on the same port and storage.
    pub fn revive(&mut self) {
        for _ in 0..50 {
            if let Some(child) = spawn_tansu(self.dir.path(), self.port, &self.storage) {
                self.child = child;
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("the tansu broker did not restart on port {}", self.port);
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        // A frozen broker dies of SIGKILL as well.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Topic and group names of one test.
#[derive(Clone)]
pub struct Names {
    pub input: String,
    pub output: String,
    pub dlq: String,
    pub group: String,
}

impl Names {
    pub fn new(test: &str) -> Names {
        Names {
            input: format!("{test}-articles"),
            output: format!("{test}-claims"),
            dlq: format!("{test}-dlq"),
            group: format!("{test}-group"),
        }
    }
}

/// The claimwire binary to run: this build's, or the one `BENCH_CLAIMWIRE_BIN` names (to
/// benchmark another build end to end, such as `scripts/build-pgo.sh`'s).
pub fn claimwire_bin() -> PathBuf {
    std::env::var_os("BENCH_CLAIMWIRE_BIN").map_or_else(
        || PathBuf::from(env!("CARGO_BIN_EXE_claimwire")),
        PathBuf::from,
    )
}

/// claimwire run as a child process.
pub struct Claimwire {
    child: Option<Child>,
    pub metrics_port: u16,
    pub log: PathBuf,
}

impl Claimwire {
    /// Starts `claimwire run` in `workdir` (state in `workdir/state`) and waits for /readyz.
    pub fn start(
        broker: &Broker,
        names: &Names,
        workdir: &Path,
        env: &[(&str, &str)],
    ) -> Claimwire {
        let mut cw = Claimwire::spawn(broker, names, workdir, env);
        cw.wait_ready(true);
        cw
    }

    /// Starts `claimwire run` in `workdir` (state in `workdir/state`) without waiting.
    pub fn spawn(
        broker: &Broker,
        names: &Names,
        workdir: &Path,
        env: &[(&str, &str)],
    ) -> Claimwire {
        let metrics_port = free_port();
        let log = workdir.join(format!("claimwire-{metrics_port}.log"));
        let file = std::fs::File::create(&log).unwrap();
        let mut cmd = Command::new(claimwire_bin());
        cmd.current_dir(workdir)
            .env("RUST_LOG", "info,claimwire=debug")
            // Judged lexically, like the offline pipeline the tests compare with (the model
            // directory is relative to the work dir, where there is none).
            .env_remove("CLAIMWIRE_MODEL_DIR")
            .env("CLAIMWIRE_SERVICE_BATCH_LINGER_MS", "2")
            .env("CLAIMWIRE_KAFKA_CONSUMER_AUTO_COMMIT_INTERVAL_MS", "200")
            .env("CLAIMWIRE_SERVICE_SHUTDOWN_TIMEOUT_SECS", "20")
            .args(["run", "--brokers", &broker.addr])
            .args([
                "--input-topic",
                &names.input,
                "--output-topic",
                &names.output,
            ])
            .args(["--dead-letter-topic", &names.dlq, "--group", &names.group])
            .args(["--state", "state", "--metrics-addr"])
            .arg(format!("127.0.0.1:{metrics_port}"))
            .stdout(Stdio::null())
            .stderr(file);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = cmd.spawn().expect("starting claimwire");
        Claimwire {
            child: Some(child),
            metrics_port,
            log,
        }
    }

    /// Waits for /readyz (ready means subscribed), and with `assigned` for an assignment of
    /// at least one partition too.
    pub fn wait_ready(&mut self, assigned: bool) {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some((200, body)) = self.http("/readyz") {
                if !assigned || !body.contains("assigned_partitions: 0") {
                    return;
                }
            }
            if let Ok(Some(status)) = self.child.as_mut().unwrap().try_wait() {
                panic!(
                    "claimwire exited at start with {status}:\n{}",
                    self.log_text()
                );
            }
            assert!(
                Instant::now() < deadline,
                "claimwire never got ready:\n{}",
                self.log_text()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// GET on the metrics endpoint: (status, body).
    pub fn http(&self, path: &str) -> Option<(u16, String)> {
        let mut s = TcpStream::connect(("127.0.0.1", self.metrics_port)).ok()?;
        s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
        write!(s, "GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").ok()?;
        let mut out = String::new();
        s.read_to_string(&mut out).ok()?;
        let code = out.get(9..12)?.parse().ok()?;
        let body = out.split_once("\r\n\r\n")?.1.to_owned();
        Some((code, body))
    }

    /// The value of an unlabelled (or exactly labelled) metric line.
    pub fn metric(&self, series: &str) -> Option<f64> {
        self.metrics(&[series])[0]
    }

    /// Several series from one scrape: a scrape costs claimwire a few hundred microseconds
    /// of CPU, which a benchmark polling for progress must not multiply.
    pub fn metrics(&self, series: &[&str]) -> Vec<Option<f64>> {
        let body = self.http("/metrics").map(|(_, body)| body);
        series
            .iter()
            .map(|series| {
                body.as_deref()?.lines().find_map(|l| {
                    l.strip_prefix(series)?
                        .strip_prefix(' ')?
                        .trim()
                        .parse()
                        .ok()
                })
            })
            .collect()
    }

    /// Waits until claimwire has consumed `n` input messages (bounded by [`WAIT`]).
    #[allow(dead_code)]
    pub fn wait_consumed(&self, n: f64) {
        let deadline = Instant::now() + WAIT;
        while self.metric("claimwire_consumed_total").unwrap_or(0.0) < n {
            assert!(
                Instant::now() < deadline,
                "fewer than {n} consumed:\n{}",
                self.log_text()
            );
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    pub fn pid(&self) -> i32 {
        self.child.as_ref().unwrap().id() as i32
    }

    /// Sends SIGTERM and waits for the exit (bounded).
    pub fn terminate(&mut self) -> ExitStatus {
        unsafe {
            libc::kill(self.pid(), libc::SIGTERM);
        }
        self.wait(WAIT)
    }

    pub fn wait(&mut self, limit: Duration) -> ExitStatus {
        let child = self.child.as_mut().unwrap();
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                self.child = None;
                return status;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                self.child = None;
                panic!("claimwire did not exit in time:\n{}", self.log_text());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Claimwire {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A message to feed.
pub struct Feed {
    pub key: Option<Vec<u8>>,
    pub payload: Vec<u8>,
    pub headers: Vec<(String, Vec<u8>)>,
    pub partition: Option<i32>,
}

impl Feed {
    pub fn article(id: &str, json: Vec<u8>, partition: Option<i32>) -> Feed {
        Feed {
            key: Some(id.as_bytes().to_vec()),
            payload: json,
            headers: Vec::new(),
            partition,
        }
    }
}

/// Records where each acknowledged message landed.
#[derive(Default)]
pub struct Acks(std::sync::Mutex<Vec<(usize, i32, i64)>>);

impl rdkafka::ClientContext for Acks {}

impl rdkafka::producer::ProducerContext for Acks {
    type DeliveryOpaque = Box<usize>;
    fn delivery(&self, result: &rdkafka::message::DeliveryResult<'_>, index: Box<usize>) {
        match result {
            Ok(m) => self
                .0
                .lock()
                .unwrap()
                .push((*index, m.partition(), m.offset())),
            Err((e, _)) => panic!("a fed message was not delivered: {e}"),
        }
    }
}

/// Produces messages (in order) and waits for every acknowledgement; returns the
/// (partition, offset) of each message, in the order of `messages`.
///
/// One message per record batch: tansu 0.6.0 answers a fetch from an offset inside a batch
/// with the batches *after* it, so a consumer resuming from a committed offset in the middle
/// of a multi-message batch would skip the rest of that batch (a broker bug; Kafka returns
/// the whole batch and librdkafka skips the records before the offset). Single-message
/// batches keep every committed offset on a batch boundary.
pub fn produce(broker: &Broker, topic: &str, messages: &[Feed]) -> Vec<(i32, i64)> {
    let producer: BaseProducer<Acks> = ClientConfig::new()
        .set("bootstrap.servers", &broker.addr)
        .set("enable.idempotence", "true")
        .set("batch.num.messages", "1")
        .set("linger.ms", "0")
        .create_with_context(Acks::default())
        .unwrap();
    for (i, m) in messages.iter().enumerate() {
        let mut headers = OwnedHeaders::new();
        for (k, v) in &m.headers {
            headers = headers.insert(Header {
                key: k,
                value: Some(v),
            });
        }
        let mut record = BaseRecord::<[u8], [u8], Box<usize>>::with_opaque_to(topic, Box::new(i))
            .payload(&m.payload)
            .headers(headers);
        if let Some(key) = &m.key {
            record = record.key(key);
        }
        if let Some(p) = m.partition {
            record = record.partition(p);
        }
        let mut record = record;
        loop {
            match producer.send(record) {
                Ok(()) => break,
                Err((_, r)) => {
                    record = r;
                    producer.poll(Duration::from_millis(10));
                }
            }
        }
    }
    producer
        .flush(WAIT)
        .expect("every fed message acknowledged");
    let mut acks = producer.context().0.lock().unwrap().clone();
    assert_eq!(acks.len(), messages.len(), "every fed message acknowledged");
    acks.sort_unstable();
    acks.into_iter().map(|(_, p, o)| (p, o)).collect()
}

/// The end offset (last + 1) per partition of everything fed so far. (Kept from delivery
/// reports: the test broker's watermark queries are not relied upon.)
pub fn ends_of(acks: &[(i32, i64)]) -> HashMap<i32, i64> {
    let mut ends = HashMap::new();
    for (p, o) in acks {
        let e = ends.entry(*p).or_insert(0);
        *e = (*e).max(o + 1);
    }
    ends
}

/// A message read back.
#[derive(Debug, Clone)]
pub struct Got {
    pub partition: i32,
    pub offset: i64,
    pub key: Option<Vec<u8>>,
    pub payload: Vec<u8>,
    pub headers: Vec<(String, Option<Vec<u8>>)>,
}

impl Got {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .and_then(|(_, v)| std::str::from_utf8(v.as_deref()?).ok())
    }
}

fn reader(broker: &Broker) -> BaseConsumer {
    ClientConfig::new()
        .set("bootstrap.servers", &broker.addr)
        .set("group.id", "claimwire-tests-reader")
        .set("enable.auto.commit", "false")
        .set("enable.partition.eof", "false")
        .create()
        .unwrap()
}

/// Retries a client call that may fail while the broker (re)starts.
fn retrying<T, E: std::fmt::Debug>(what: &str, mut f: impl FnMut() -> Result<T, E>) -> T {
    let deadline = Instant::now() + WAIT;
    loop {
        match f() {
            Ok(v) => return v,
            Err(e) if Instant::now() > deadline => panic!("{what} failed: {e:?}"),
            Err(_) => std::thread::sleep(Duration::from_millis(200)),
        }
    }
}

fn partitions(consumer: &BaseConsumer, topic: &str) -> Vec<i32> {
    let md = retrying("fetching metadata", || {
        consumer.fetch_metadata(Some(topic), Duration::from_secs(10))
    });
    md.topics()
        .iter()
        .find(|t| t.name() == topic)
        .map(|t| t.partitions().iter().map(|p| p.id()).collect())
        .unwrap_or_default()
}

/// The messages of a topic: reads until `expect` messages have come, then a little longer
/// to catch any extra (a duplicate must fail the test, not hide).
pub fn read_all(broker: &Broker, topic: &str, expect: usize) -> Vec<Got> {
    let c = reader(broker);
    let mut tpl = TopicPartitionList::new();
    for p in partitions(&c, topic) {
        tpl.add_partition_offset(topic, p, Offset::Beginning)
            .unwrap();
    }
    c.assign(&tpl).unwrap();
    let mut out = Vec::new();
    let deadline = Instant::now() + WAIT;
    let mut quiet_until: Option<Instant> = None;
    loop {
        if out.len() >= expect {
            let q = *quiet_until.get_or_insert_with(|| Instant::now() + Duration::from_millis(500));
            if Instant::now() > q {
                break;
            }
        }
        assert!(
            Instant::now() < deadline,
            "read {} of {expect} messages of {topic}",
            out.len()
        );
        if let Some(m) = c.poll(Duration::from_millis(50)) {
            let m = m.unwrap();
            out.push(Got {
                partition: m.partition(),
                offset: m.offset(),
                key: m.key().map(<[u8]>::to_vec),
                payload: m.payload().unwrap_or_default().to_vec(),
                headers: m
                    .headers()
                    .map(|h| {
                        h.iter()
                            .map(|h| (h.key.to_owned(), h.value.map(<[u8]>::to_vec)))
                            .collect()
                    })
                    .unwrap_or_default(),
            });
        }
    }
    out.sort_by_key(|g| (g.partition, g.offset));
    out
}

/// Committed offsets of a group on a topic (missing: nothing committed).
pub fn committed(broker: &Broker, group: &str, topic: &str) -> HashMap<i32, i64> {
    let c: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", &broker.addr)
        .set("group.id", group)
        .set("enable.auto.commit", "false")
        .create()
        .unwrap();
    let mut tpl = TopicPartitionList::new();
    for p in partitions(&c, topic) {
        tpl.add_partition(topic, p);
    }
    let got = retrying("fetching committed offsets", || {
        c.committed_offsets(tpl.clone(), Duration::from_secs(10))
    });
    got.elements()
        .iter()
        .filter_map(|e| match e.offset() {
            Offset::Offset(o) => Some((e.partition(), o)),
            _ => None,
        })
        .collect()
}

/// Waits until the group has committed every message fed (`ends`: see [`ends_of`]).
pub fn wait_all_committed(
    broker: &Broker,
    names: &Names,
    ends: &HashMap<i32, i64>,
    cw: Option<&Claimwire>,
) {
    let deadline = Instant::now() + WAIT;
    loop {
        let done = committed(broker, &names.group, &names.input);
        if ends
            .iter()
            .all(|(p, end)| *end == 0 || done.get(p) == Some(end))
        {
            return;
        }
        if Instant::now() > deadline {
            panic!(
                "offsets {done:?} never reached {ends:?}:\n{}\n{}",
                cw.map(Claimwire::log_text).unwrap_or_default(),
                cw.and_then(|c| c.http("/metrics"))
                    .map(|(_, b)| b)
                    .unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// What the pipeline yields offline for these JSON articles, in this order, from a fresh
/// state: the records per article id, and how many claims the state remembers.
pub fn offline(articles: &[Vec<u8>]) -> (Vec<(String, Vec<ClaimRecord>)>, usize) {
    let dir = tempfile::tempdir().unwrap();
    let mut pipeline = Pipeline::open(dir.path(), Identities::default()).unwrap();
    let parsed: Vec<_> = articles
        .iter()
        .map(|a| parse_json(a, 1 << 20).expect("a valid test article"))
        .collect();
    let records = pipeline.process_batch(&parsed).unwrap();
    let out = parsed.into_iter().map(|a| a.id).zip(records).collect();
    (out, pipeline.remembered())
}

/// The claim ids the pipeline yields offline, from a fresh state, for these (id, JSON) articles.
pub fn expected_claim_ids(articles: &[(String, Vec<u8>)]) -> std::collections::HashSet<String> {
    let json: Vec<Vec<u8>> = articles.iter().map(|(_, j)| j.clone()).collect();
    offline(&json)
        .0
        .into_iter()
        .flat_map(|(_, records)| records)
        .map(|r| r.claim_id)
        .collect()
}

/// These (id, JSON) articles as feed messages, keyed by id, partition left to the producer.
pub fn feed_articles(articles: &[(String, Vec<u8>)]) -> Vec<Feed> {
    articles
        .iter()
        .map(|(id, j)| Feed::article(id, j.clone(), None))
        .collect()
}

/// Claims remembered in a state directory (claimwire must not be running on it).
pub fn remembered(state: &Path) -> usize {
    Pipeline::open(state, Identities::default())
        .unwrap()
        .remembered()
}

/// Output messages parsed, checking the key and headers of each against its record.
pub fn parse_output(messages: &[Got]) -> Vec<ClaimRecord> {
    messages
        .iter()
        .map(|m| {
            let record: ClaimRecord =
                serde_json::from_slice(&m.payload).expect("the output is claim records");
            assert_eq!(
                m.key.as_deref(),
                record.speaker.id.as_deref().map(str::as_bytes),
                "records are keyed by speaker id (none for unnamed speakers)"
            );
            assert_eq!(
                m.header("claimwire-schema"),
                Some(claimwire::record::SCHEMA_VERSION)
            );
            assert_eq!(m.header("claimwire-article-id"), Some(&*record.article_id));
            record
        })
        .collect()
}
