//! `Store`: the durable, crash-safe copy of every claim's first judgement (redb: ACID, fsync
//! on commit, or on a [`Syncer`]'s sync when the service leaves the flush off its critical
//! path). The in-memory `track::Memory` is rebuilt from it at start-up.
//!
//! Claims are appended as rows under a growing row number, so a commit writes only the
//! pages at the end of the tree; keyed by their (random) claim ids, every commit rewrote
//! pages all over it. Lookups by claim id go through an in-memory index built at open.

mod row;
mod stored_claim;

pub use stored_claim::{StoredClaim, StoredJudgement};

use stored_claim::{JudgementRef, StoredValue};
use xxhash_rust::xxh3::xxh3_128;

use foldhash::{HashMap, HashMapExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use redb::{Database, Durability, ReadableDatabase, ReadableTable, TableDefinition};

use crate::pipeline::parallel;

/// Row number → a [`StoredJudgement`] with its claim id ([`row`]'s binary layout; JSON in
/// rows written before it). Written before chunks existed; still read.
const ROWS: TableDefinition<u64, &[u8]> = TableDefinition::new("rows");

/// Row number of a chunk's first row → up to [`row::CHUNK_ROWS`] consecutive rows
/// ([`row::pack`]). Where rows are written now; row numbers go on from those in [`ROWS`].
const CHUNKS: TableDefinition<u64, &[u8]> = TableDefinition::new("chunks");

/// claim id → JSON of a whole [`StoredClaim`]: stores written before rows existed. Moved into
/// [`ROWS`] at open.
const LEGACY_CLAIMS: TableDefinition<&str, &[u8]> = TableDefinition::new("claims");

/// Input partition → the next input offset whose state changes are not in this store yet
/// (the track role's internal-topic partitions; written in the same transaction as the
/// claims, so the store says exactly how far it is).
const APPLIED: TableDefinition<i32, i64> = TableDefinition::new("applied");

/// The store file inside the state directory.
const FILE_NAME: &str = "claims.redb";

/// redb's page cache. Its default (1 GiB) would keep every page written, in time the whole
/// file, in memory, although the store is read in full only once, at open, and otherwise
/// only appended to (plus a row now and then for a redelivered claim). Pages written by
/// commits that leave the flush to a [`Syncer`] wait in a tenth of it, the write buffer,
/// and go to the file early when it is full. 8 MiB: on the 10,000-article wire mix, a peak
/// of 141-145 MB resident instead of 181-186 MB and a quarter fewer page faults, for the same
/// CPU (end to end; 2% less offline). The saving grows with the file, up to the 1 GiB.
const CACHE_BYTES: usize = 8 << 20;

/// Rows per piece of encoding work at least (a piece costs a hand-over to a worker).
const ENCODE_MIN_PER_THREAD: usize = 32;

/// Why the store failed. Always an external fault (disk, file system) or a corrupt file:
/// never the input's, so never dead-lettered; callers retry or stop.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot create state directory {path}: {source}")]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot open claim store {path}: {source}")]
    Open {
        path: PathBuf,
        source: redb::DatabaseError,
    },
    #[error("claim store I/O failed: {0}")]
    Io(#[from] redb::Error),
    #[error("claim store holds an unreadable entry for {claim_id}: {source}")]
    Corrupt {
        claim_id: String,
        source: serde_json::Error,
    },
    #[error("claim store holds an unreadable row for {claim_id}: {source}")]
    CorruptRow {
        claim_id: String,
        source: row::RowError,
    },
}

macro_rules! from_redb {
    ($($t:ty),*) => {$(
        impl From<$t> for StoreError {
            fn from(e: $t) -> Self {
                StoreError::Io(e.into())
            }
        }
    )*};
}
from_redb!(
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError,
    redb::SetDurabilityError
);

/// The claim store of one state directory.
pub struct Store {
    /// The open database; redb serialises writers itself. Shared with the [`Syncer`].
    db: Arc<Database>,
    /// The file, for size reports.
    path: PathBuf,
    /// Hash of each stored claim id → its row: lookups without touching the file for the
    /// claims never seen (nearly all of them). 128-bit hashes, verified against the row.
    index: HashMap<u128, u64>,
    /// The row the next claim gets.
    next_row: u64,
    /// Whether commits leave the disk flush to a [`Syncer`] ([`Store::defer_sync`]): the
    /// service flushes a batch while it judges the next instead of waiting for the disk.
    deferred: bool,
    /// Commits made, counted for the [`Syncer`]: a flush with nothing new to flush is skipped.
    commits: Arc<AtomicU64>,
}

/// Makes everything the store committed so far durable, from any thread. Paired with
/// [`Store::defer_sync`]: what a batch produces may leave only once its commit is synced.
#[derive(Clone)]
pub struct Syncer {
    db: Arc<Database>,
    /// The store's count of commits.
    commits: Arc<AtomicU64>,
    /// How many of them are known flushed.
    synced: Arc<AtomicU64>,
}

impl Syncer {
    /// Flushes every commit made before this call to disk (an empty durable transaction,
    /// which writes out the ones before it); nothing when they are flushed already.
    pub fn sync(&self) -> Result<(), StoreError> {
        let target = self.commits.load(Ordering::Acquire);
        if self.synced.load(Ordering::Acquire) >= target {
            return Ok(());
        }
        let mut txn = self.db.begin_write()?;
        txn.set_durability(Durability::Immediate)?;
        txn.commit()?;
        self.synced.fetch_max(target, Ordering::AcqRel);
        Ok(())
    }
}

fn key(claim_id: &str) -> u128 {
    xxh3_128(claim_id.as_bytes())
}

/// A claim's row, encoded apart from the write ([`Store::put_rows`]): where the claim was
/// judged, on any thread, while its parts are still in cache.
pub struct Row {
    /// The claim id's key in the index.
    key: u128,
    bytes: Vec<u8>,
}

impl Row {
    pub fn of(claim: &StoredClaim) -> Self {
        let judgement = JudgementRef::from(claim);
        Row {
            key: key(judgement.claim_id),
            bytes: row::encode(&judgement),
        }
    }
}

impl Store {
    /// Opens (or creates) the store in `dir`, moving an older store's claims into rows.
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        Self::open_with(dir, |_| {})
    }

    /// [`Store::open`], handing every stored judgement to `each` (in the order stored) from
    /// the same pass over the rows that builds the id index: one read of the file at start.
    pub fn open_with(dir: &Path, each: impl FnMut(StoredJudgement)) -> Result<Self, StoreError> {
        std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir {
            path: dir.to_owned(),
            source,
        })?;
        let path = dir.join(FILE_NAME);
        let db = Database::builder()
            .set_cache_size(CACHE_BYTES)
            .create(&path)
            .map_err(|source| StoreError::Open {
                path: path.clone(),
                source,
            })?;
        let txn = db.begin_write()?;
        txn.open_table(ROWS)?;
        txn.open_table(CHUNKS)?;
        txn.open_table(APPLIED)?;
        txn.commit()?;
        let mut store = Store {
            db: Arc::new(db),
            path,
            index: HashMap::new(),
            next_row: 0,
            deferred: false,
            commits: Arc::new(AtomicU64::new(0)),
        };
        store.migrate()?;
        store.build_index(each)?;
        Ok(store)
    }

    /// Moves the claims of a store written before rows existed into rows (one transaction).
    fn migrate(&mut self) -> Result<(), StoreError> {
        if self.db.begin_read()?.open_table(LEGACY_CLAIMS).is_err() {
            return Ok(()); // none, or not readable as one: nothing to move
        }
        let txn = self.db.begin_write()?;
        let mut moved = 0u64;
        {
            let Ok(legacy) = txn.open_table(LEGACY_CLAIMS) else {
                return Ok(());
            };
            let mut rows = txn.open_table(ROWS)?;
            // Legacy stores predate chunks: their rows start from 0.
            let first = rows.last()?.map_or(0, |(k, _)| k.value() + 1);
            for (next, row) in (first..).zip(legacy.iter()?) {
                let (key, value) = row?;
                let claim_id = key.value();
                let judgement = decode(claim_id, value.value())?;
                let bytes = row::encode(&JudgementRef::from(&judgement));
                rows.insert(next, bytes.as_slice())?;
                moved += 1;
            }
        }
        txn.delete_table(LEGACY_CLAIMS)?;
        txn.commit()?;
        if moved > 0 {
            tracing::info!(claims = moved, "Claim store moved to the row layout.");
        }
        Ok(())
    }

    /// Reads every row into the index, and hands it to `each`.
    fn build_index(&mut self, mut each: impl FnMut(StoredJudgement)) -> Result<(), StoreError> {
        let mut next_row = 0;
        let mut index = std::mem::take(&mut self.index);
        self.each_row(|row, judgement| {
            index.insert(key(&judgement.claim_id), row);
            next_row = row + 1;
            each(judgement);
        })?;
        self.index = index;
        self.next_row = next_row;
        Ok(())
    }

    /// Calls `f` with every stored row's number and judgement, in row order: the rows of
    /// [`ROWS`], then those of [`CHUNKS`] (numbered on from them).
    fn each_row(&self, mut f: impl FnMut(u64, StoredJudgement)) -> Result<(), StoreError> {
        let txn = self.db.begin_read()?;
        let rows = txn.open_table(ROWS)?;
        for row in rows.iter()? {
            let (k, v) = row?;
            f(k.value(), decode_row(k.value(), v.value())?);
        }
        let chunks = txn.open_table(CHUNKS)?;
        for chunk in chunks.iter()? {
            let (k, v) = chunk?;
            let first = k.value();
            for (row, bytes) in (first..).zip(unpack_chunk(first, v.value())?) {
                f(row, decode_row(row, bytes)?);
            }
        }
        Ok(())
    }

    /// From now on, commits are durable only once a [`Syncer::sync`] started after them
    /// returns; the caller must not let anything that depends on them (output, offsets) out
    /// before. A crash meanwhile loses them, as it would lose a batch not yet committed.
    pub fn defer_sync(&mut self) -> Syncer {
        self.deferred = true;
        Syncer {
            db: self.db.clone(),
            commits: self.commits.clone(),
            synced: Arc::new(AtomicU64::new(self.commits.load(Ordering::Acquire))),
        }
    }

    /// The stored judgement of the claim with this id, if any.
    pub fn get(&self, claim_id: &str) -> Result<Option<StoredJudgement>, StoreError> {
        let Some(&row) = self.index.get(&key(claim_id)) else {
            return Ok(None);
        };
        let txn = self.db.begin_read()?;
        let chunks = txn.open_table(CHUNKS)?;
        if let Some(chunk) = chunks.range(..=row)?.next_back() {
            let (k, v) = chunk?;
            let rows = unpack_chunk(k.value(), v.value())?;
            if let Some(bytes) = rows.get((row - k.value()) as usize) {
                return decode_stored(claim_id, bytes).map(Some);
            }
        }
        let table = txn.open_table(ROWS)?;
        let Some(value) = table.get(row)? else {
            return Ok(None);
        };
        decode_stored(claim_id, value.value()).map(Some)
    }

    /// Whether a claim with this id is stored.
    pub fn contains(&self, claim_id: &str) -> bool {
        self.index.contains_key(&key(claim_id))
    }

    /// Calls `f` with every stored judgement, in the order the claims were stored.
    pub fn for_each(&self, mut f: impl FnMut(StoredJudgement)) -> Result<(), StoreError> {
        self.each_row(|_, judgement| f(judgement))
    }

    /// Writes claims in one transaction, durable when this returns (unless
    /// [`Store::defer_sync`]).
    pub fn put_all(&mut self, claims: &[StoredClaim]) -> Result<(), StoreError> {
        let refs: Vec<&StoredClaim> = claims.iter().collect();
        self.put_applied_refs(&refs, &[])
    }

    /// Writes claims and the input offsets they bring each partition to
    /// (`(partition, next offset)`), in one transaction, durable when this returns (unless
    /// [`Store::defer_sync`]). Claims
    /// already stored are skipped (a claim's judgement never changes); an offset never moves
    /// back.
    pub fn put_applied_refs(
        &mut self,
        claims: &[&StoredClaim],
        applied: &[(i32, i64)],
    ) -> Result<(), StoreError> {
        let refs: Vec<JudgementRef<'_>> = claims.iter().map(|c| JudgementRef::from(*c)).collect();
        self.put(&refs, applied)
    }

    /// [`Store::put_applied_refs`] for judgements read back (a restore from the changelog).
    pub fn put_judgements(
        &mut self,
        judgements: &[StoredJudgement],
        applied: &[(i32, i64)],
    ) -> Result<(), StoreError> {
        let refs: Vec<JudgementRef<'_>> = judgements.iter().map(JudgementRef::from).collect();
        self.put(&refs, applied)
    }

    /// [`Store::put_applied_refs`] with the rows already encoded ([`Row::of`]), where each
    /// claim was judged and still in cache.
    pub fn put_rows(&mut self, rows: Vec<Row>, applied: &[(i32, i64)]) -> Result<(), StoreError> {
        let (added, new) = self.unstored(rows.into_iter().map(|row| (row.key, row.bytes)));
        self.write(added, &new, applied)
    }

    fn put(
        &mut self,
        claims: &[JudgementRef<'_>],
        applied: &[(i32, i64)],
    ) -> Result<(), StoreError> {
        let (added, new) = self.unstored(claims.iter().map(|c| (key(c.claim_id), c)));
        // Encoding is most of a commit's work and needs no transaction: on all cores, before
        // the one writer goes through the rows in order.
        let encoded: Vec<Vec<u8>> = parallel::map(&new, ENCODE_MIN_PER_THREAD, |c| row::encode(c));
        self.write(added, &encoded, applied)
    }

    /// Of `claims` (each with its key), those neither stored nor repeated, in order, and the
    /// row number each will take from the next one on.
    fn unstored<C>(
        &self,
        claims: impl ExactSizeIterator<Item = (u128, C)>,
    ) -> (HashMap<u128, u64>, Vec<C>) {
        let mut added: HashMap<u128, u64> = HashMap::with_capacity(claims.len());
        let mut new = Vec::with_capacity(claims.len());
        for (k, claim) in claims {
            if self.index.contains_key(&k) || added.contains_key(&k) {
                continue;
            }
            added.insert(k, self.next_row + new.len() as u64);
            new.push(claim);
        }
        (added, new)
    }

    /// Appends `encoded` (the rows of the claims in `added`, not stored yet) from the next
    /// row number on, and the offsets, in one transaction.
    fn write(
        &mut self,
        added: HashMap<u128, u64>,
        encoded: &[Vec<u8>],
        applied: &[(i32, i64)],
    ) -> Result<(), StoreError> {
        if encoded.is_empty() && applied.is_empty() {
            return Ok(());
        }
        let mut txn = self.db.begin_write()?;
        if self.deferred {
            txn.set_durability(Durability::None)?;
        }
        {
            let mut chunks = txn.open_table(CHUNKS)?;
            let firsts = (self.next_row..).step_by(row::CHUNK_ROWS);
            for (first, rows) in firsts.zip(encoded.chunks(row::CHUNK_ROWS)) {
                chunks.insert(first, row::pack(rows).as_slice())?;
            }
            let mut offsets = txn.open_table(APPLIED)?;
            for &(partition, next) in applied {
                let current = offsets.get(partition)?.map(|v| v.value());
                if current.is_none_or(|c| c < next) {
                    offsets.insert(partition, next)?;
                }
            }
        }
        txn.commit()?;
        self.commits.fetch_add(1, Ordering::AcqRel);
        self.index.extend(added);
        self.next_row += encoded.len() as u64;
        Ok(())
    }

    /// The next input offset of `partition` whose state changes this store lacks; `None`
    /// when it never applied anything from it.
    pub fn applied(&self, partition: i32) -> Result<Option<i64>, StoreError> {
        let txn = self.db.begin_read()?;
        let table = txn.open_table(APPLIED)?;
        Ok(table.get(partition)?.map(|v| v.value()))
    }

    /// Number of stored claims.
    pub fn len(&self) -> u64 {
        self.index.len() as u64
    }

    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// Size of the store file in bytes.
    pub fn file_bytes(&self) -> u64 {
        std::fs::metadata(&self.path).map(|m| m.len()).unwrap_or(0)
    }
}

/// A row in the binary layout ([`row`]); `None` when it is JSON, written before that.
/// `label` names the claim in an error.
fn decode_binary(
    bytes: &[u8],
    label: impl FnOnce() -> String,
) -> Option<Result<StoredJudgement, StoreError>> {
    (bytes.first() == Some(&row::TAG)).then(|| {
        row::decode(bytes).map_err(|source| StoreError::CorruptRow {
            claim_id: label(),
            source,
        })
    })
}

/// The rows of the chunk whose first row is `first`.
fn unpack_chunk(first: u64, bytes: &[u8]) -> Result<Vec<&[u8]>, StoreError> {
    row::unpack(bytes).map_err(|source| StoreError::CorruptRow {
        claim_id: format!("chunk of row {first}"),
        source,
    })
}

/// The stored row of the claim `claim_id`: binary, or JSON written before that.
fn decode_stored(claim_id: &str, bytes: &[u8]) -> Result<StoredJudgement, StoreError> {
    match decode_binary(bytes, || claim_id.to_owned()) {
        Some(judgement) => judgement,
        None => decode(claim_id, bytes),
    }
}

/// A row: a judgement that names its claim, binary ([`row`]) or, written before that, JSON.
fn decode_row(row: u64, bytes: &[u8]) -> Result<StoredJudgement, StoreError> {
    if let Some(judgement) = decode_binary(bytes, || format!("row {row}")) {
        return judgement;
    }
    let corrupt = |source| StoreError::Corrupt {
        claim_id: format!("row {row}"),
        source,
    };
    let judgement = serde_json::from_slice::<StoredValue>(bytes)
        .map_err(corrupt)?
        .into_judgement("")
        .ok_or_else(|| corrupt(serde::de::Error::missing_field("history")))?;
    if judgement.claim_id.is_empty() {
        return Err(corrupt(serde::de::Error::missing_field("claim_id")));
    }
    Ok(judgement)
}

fn decode(claim_id: &str, bytes: &[u8]) -> Result<StoredJudgement, StoreError> {
    let corrupt = |source| StoreError::Corrupt {
        claim_id: claim_id.to_owned(),
        source,
    };
    serde_json::from_slice::<StoredValue>(bytes)
        .map_err(corrupt)?
        .into_judgement(claim_id)
        .ok_or_else(|| corrupt(serde::de::Error::missing_field("history")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::History;

    /// Set in the child process of the crash test: the state directory it writes.
    const CRASH_CHILD: &str = "CLAIMWIRE_STORE_CRASH_CHILD";

    fn judgement(claim_id: &str) -> StoredJudgement {
        StoredJudgement {
            claim_id: claim_id.to_owned(),
            history: History::first(Some("2026-03-02".to_owned())),
            entry: None,
        }
    }

    /// A child process writes two batches with the flush deferred, syncs the first only,
    /// and dies without closing the store: what was synced is there after it, claims and
    /// offsets, and what was not synced is not.
    #[test]
    fn a_deferred_commit_outlives_a_crash_once_synced() {
        if let Ok(dir) = std::env::var(CRASH_CHILD) {
            let mut store = Store::open(Path::new(&dir)).unwrap();
            let syncer = store.defer_sync();
            store
                .put_judgements(&[judgement("c-synced")], &[(0, 5)])
                .unwrap();
            syncer.sync().unwrap();
            // Nothing new: no flush (nor a wait for the writer).
            syncer.sync().unwrap();
            store
                .put_judgements(&[judgement("c-not-synced")], &[(0, 9)])
                .unwrap();
            assert!(store.contains("c-not-synced"));
            assert_eq!(store.applied(0).unwrap(), Some(9));
            // Dies here: no destructor runs, the store is not closed.
            std::process::exit(3);
        }
        let dir = tempfile::tempdir().unwrap();
        let status = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "store::tests::a_deferred_commit_outlives_a_crash_once_synced",
                "--test-threads=1",
                "--nocapture",
            ])
            .env(CRASH_CHILD, dir.path())
            .status()
            .unwrap();
        assert_eq!(status.code(), Some(3), "the child must get to its crash");
        let store = Store::open(dir.path()).unwrap();
        assert!(store.contains("c-synced"));
        assert!(!store.contains("c-not-synced"));
        assert_eq!(store.applied(0).unwrap(), Some(5));
        assert_eq!(
            store.get("c-synced").unwrap().unwrap(),
            judgement("c-synced")
        );
    }

    #[test]
    fn reads_the_whole_records_older_stores_kept() {
        let history = serde_json::json!({"status": "new", "matches": [], "first_seen": "2026-01-02", "times_seen": 1});
        let old = serde_json::json!({"record": {"claim_id": "c-1", "text": "x", "history": history}, "entry": null});
        let got = decode("c-1", old.to_string().as_bytes()).unwrap();
        assert_eq!(got.history.first_seen.as_deref(), Some("2026-01-02"));
        assert!(got.entry.is_none());
        let new = serde_json::json!({"history": history});
        assert_eq!(decode("c-1", new.to_string().as_bytes()).unwrap(), got);
        assert!(matches!(
            decode("c-1", b"{\"entry\": null}"),
            Err(StoreError::Corrupt { .. })
        ));
    }

    #[test]
    fn reads_rows_written_as_json_beside_binary_ones() {
        let dir = tempfile::tempdir().unwrap();
        {
            let db = Database::create(dir.path().join(FILE_NAME)).unwrap();
            let txn = db.begin_write().unwrap();
            {
                let mut rows = txn.open_table(ROWS).unwrap();
                let json = JudgementRef::from(&judgement("c-json")).to_json();
                rows.insert(0, json.as_slice()).unwrap();
            }
            txn.commit().unwrap();
        }
        let mut store = Store::open(dir.path()).unwrap();
        store.put_judgements(&[judgement("c-bin")], &[]).unwrap();
        drop(store);
        let mut seen = Vec::new();
        let store = Store::open_with(dir.path(), |j| seen.push(j)).unwrap();
        assert_eq!(seen, vec![judgement("c-json"), judgement("c-bin")]);
        for id in ["c-json", "c-bin"] {
            assert_eq!(store.get(id).unwrap().unwrap(), judgement(id));
        }
        let txn = store.db.begin_read().unwrap();
        let rows = txn.open_table(ROWS).unwrap();
        assert_eq!(rows.get(0).unwrap().unwrap().value()[0], b'{');
        assert!(rows.get(1).unwrap().is_none(), "new rows go into chunks");
        let chunks = txn.open_table(CHUNKS).unwrap();
        let chunk = chunks.get(1).unwrap().unwrap();
        assert_eq!(row::unpack(chunk.value()).unwrap()[0][0], row::TAG);
    }

    #[test]
    fn claims_over_many_chunks_and_commits_read_back_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let ids: Vec<String> = (0..3 * row::CHUNK_ROWS + 5)
            .map(|i| format!("c-{i}"))
            .collect();
        let (first, second) = ids.split_at(row::CHUNK_ROWS + 7);
        {
            let mut store = Store::open(dir.path()).unwrap();
            for part in [first, second] {
                let js: Vec<StoredJudgement> = part.iter().map(|id| judgement(id)).collect();
                store.put_judgements(&js, &[]).unwrap();
            }
            // Stored again: skipped, not a second row.
            store.put_judgements(&[judgement("c-3")], &[]).unwrap();
        }
        let mut seen = Vec::new();
        let store = Store::open_with(dir.path(), |j| seen.push(j.claim_id)).unwrap();
        assert_eq!(seen, ids);
        assert_eq!(store.len(), ids.len() as u64);
        for id in &ids {
            assert_eq!(store.get(id).unwrap().unwrap(), judgement(id));
        }
        assert!(store.get("c-unknown").unwrap().is_none());
        let txn = store.db.begin_read().unwrap();
        // A commit's rows fill chunks from its first row: 64 + 7, then 64 + 62.
        let chunks = txn.open_table(CHUNKS).unwrap();
        assert_eq!(redb::ReadableTableMetadata::len(&chunks).unwrap(), 4);
    }

    #[test]
    fn moves_an_older_store_into_rows_and_finds_its_claims() {
        let dir = tempfile::tempdir().unwrap();
        let history = serde_json::json!({"status": "new", "matches": [], "first_seen": null, "times_seen": 1});
        {
            let db = Database::create(dir.path().join(FILE_NAME)).unwrap();
            let txn = db.begin_write().unwrap();
            {
                let mut t = txn.open_table(LEGACY_CLAIMS).unwrap();
                for id in ["c-a", "c-b"] {
                    let v = serde_json::json!({"record": {"claim_id": id, "history": history}, "entry": null});
                    t.insert(id, v.to_string().as_bytes()).unwrap();
                }
            }
            txn.commit().unwrap();
        }
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.len(), 2);
        assert!(store.contains("c-a") && store.contains("c-b") && !store.contains("c-c"));
        assert_eq!(store.get("c-b").unwrap().unwrap().history.times_seen, 1);
        drop(store);
        // Moved once: the rows stay two after another open.
        assert_eq!(Store::open(dir.path()).unwrap().len(), 2);
    }
}
