//! `Store`: the durable, crash-safe copy of every claim and its record (redb: ACID, fsync on
//! commit). The in-memory `track::Memory` is rebuilt from it at start-up.

mod stored_claim;

pub use stored_claim::{StoredClaim, StoredJudgement};

use stored_claim::{JudgementRef, StoredValue};

use std::path::{Path, PathBuf};

use redb::{Database, ReadableDatabase, ReadableTable, ReadableTableMetadata, TableDefinition};

/// claim id → JSON of [`StoredJudgement`] (of a whole [`StoredClaim`] in older stores).
const CLAIMS: TableDefinition<&str, &[u8]> = TableDefinition::new("claims");

/// Input partition → the next input offset whose state changes are not in this store yet
/// (the track role's internal-topic partitions; written in the same transaction as the
/// claims, so the store says exactly how far it is).
const APPLIED: TableDefinition<i32, i64> = TableDefinition::new("applied");

/// The store file inside the state directory.
const FILE_NAME: &str = "claims.redb";

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
    redb::CommitError
);

/// The claim store of one state directory.
pub struct Store {
    /// The open database; redb serialises writers itself.
    db: Database,
    /// The file, for size reports.
    path: PathBuf,
}

impl Store {
    /// Opens (or creates) the store in `dir`.
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir {
            path: dir.to_owned(),
            source,
        })?;
        let path = dir.join(FILE_NAME);
        let db = Database::create(&path).map_err(|source| StoreError::Open {
            path: path.clone(),
            source,
        })?;
        let txn = db.begin_write()?;
        txn.open_table(CLAIMS)?;
        txn.open_table(APPLIED)?;
        txn.commit()?;
        Ok(Store { db, path })
    }

    /// The stored judgement of the claim with this id, if any.
    pub fn get(&self, claim_id: &str) -> Result<Option<StoredJudgement>, StoreError> {
        let txn = self.db.begin_read()?;
        let table = txn.open_table(CLAIMS)?;
        let Some(value) = table.get(claim_id)? else {
            return Ok(None);
        };
        decode(claim_id, value.value()).map(Some)
    }

    /// Calls `f` with every stored judgement, in claim-id order.
    pub fn for_each(&self, mut f: impl FnMut(StoredJudgement)) -> Result<(), StoreError> {
        let txn = self.db.begin_read()?;
        let table = txn.open_table(CLAIMS)?;
        for row in table.iter()? {
            let (key, value) = row?;
            f(decode(key.value(), value.value())?);
        }
        Ok(())
    }

    /// Writes claims in one transaction, durable when this returns.
    pub fn put_all(&self, claims: &[StoredClaim]) -> Result<(), StoreError> {
        let refs: Vec<&StoredClaim> = claims.iter().collect();
        self.put_applied_refs(&refs, &[])
    }

    /// Writes claims and the input offsets they bring each partition to
    /// (`(partition, next offset)`), in one transaction, durable when this returns. An
    /// offset never moves back.
    pub fn put_applied_refs(
        &self,
        claims: &[&StoredClaim],
        applied: &[(i32, i64)],
    ) -> Result<(), StoreError> {
        if claims.is_empty() && applied.is_empty() {
            return Ok(());
        }
        let txn = self.db.begin_write()?;
        {
            let mut table = txn.open_table(CLAIMS)?;
            for claim in claims {
                let bytes = serde_json::to_vec(&JudgementRef::from(*claim))
                    .expect("a stored judgement always serialises");
                table.insert(claim.record.claim_id.as_str(), bytes.as_slice())?;
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
    pub fn len(&self) -> Result<u64, StoreError> {
        let txn = self.db.begin_read()?;
        Ok(txn.open_table(CLAIMS)?.len()?)
    }

    pub fn is_empty(&self) -> Result<bool, StoreError> {
        Ok(self.len()? == 0)
    }

    /// Size of the store file in bytes.
    pub fn file_bytes(&self) -> u64 {
        std::fs::metadata(&self.path).map(|m| m.len()).unwrap_or(0)
    }
}

fn decode(claim_id: &str, bytes: &[u8]) -> Result<StoredJudgement, StoreError> {
    let corrupt = |source| StoreError::Corrupt {
        claim_id: claim_id.to_owned(),
        source,
    };
    serde_json::from_slice::<StoredValue>(bytes)
        .map_err(corrupt)?
        .into_judgement()
        .ok_or_else(|| corrupt(serde::de::Error::missing_field("history")))
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
