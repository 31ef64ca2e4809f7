//! The binary layout of a stored row: a [`StoredJudgement`] in about half the bytes of its
//! JSON, written and read without a parser. The store writes rows so (every claim judged is
//! one, so their size is most of a commit's and of a flush's work); rows written as JSON by
//! earlier versions start with `{` and are still read as such. The changelog keeps JSON.
//!
//! Layout: the tag byte, then the fields in declaration order. Integers are LEB128 varints,
//! `f32` four little-endian bytes, a string its byte length then its UTF-8 bytes, an option a
//! 0/1 byte then the value, a list its length then its items. Enums are the fixed codes below,
//! not declaration order, so that reordering a Rust enum cannot change what a row means.

use crate::embed::Embedding;
use crate::record::{History, Match, Relation, Status};
use crate::track::Entry;

use super::stored_claim::{JudgementRef, StoredJudgement};

/// First byte of a binary row (never `{`, which opens a JSON row).
pub const TAG: u8 = 0xB2;

/// Bytes reserved for a row: most are under half a kilobyte.
const ROW_CAPACITY: usize = 512;

/// Why a binary row could not be read: only a corrupt file does that.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("binary row unreadable at byte {at}: {what}")]
pub struct RowError {
    /// Where reading stopped.
    pub at: usize,
    /// What was expected there.
    pub what: &'static str,
}

/// The row of a judgement.
pub fn encode(j: &JudgementRef<'_>) -> Vec<u8> {
    let mut out = Vec::with_capacity(ROW_CAPACITY);
    out.push(TAG);
    put_str(&mut out, j.claim_id);
    put_history(&mut out, j.history);
    match j.entry {
        None => out.push(0),
        Some(entry) => {
            out.push(1);
            put_entry(&mut out, entry);
        }
    }
    out
}

/// Rows a chunk holds at most: a commit writes one table entry per chunk instead of one per
/// claim (inserting a row cost about a microsecond), and reading one claim back (a
/// redelivery) decodes a few kilobytes.
pub const CHUNK_ROWS: usize = 64;

/// A chunk of consecutive rows: their count, then each row's length and bytes.
pub fn pack(rows: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::with_capacity(rows.iter().map(|r| r.len() + 3).sum::<usize>() + 2);
    put_varint(&mut out, rows.len() as u64);
    for r in rows {
        put_varint(&mut out, r.len() as u64);
        out.extend_from_slice(r);
    }
    out
}

/// The rows of a chunk [`pack`] wrote, in order.
pub fn unpack(bytes: &[u8]) -> Result<Vec<&[u8]>, RowError> {
    let mut r = Reader { bytes, at: 0 };
    let n = r.len("a chunk's row count")?;
    let mut rows = Vec::with_capacity(n);
    for _ in 0..n {
        let len = r.len("a row's length")?;
        rows.push(r.take(len, "a row")?);
    }
    if r.at != bytes.len() {
        return r.fail("the end of the chunk");
    }
    Ok(rows)
}

/// The judgement of a row [`encode`] wrote.
pub fn decode(bytes: &[u8]) -> Result<StoredJudgement, RowError> {
    let mut r = Reader { bytes, at: 0 };
    if r.byte("the tag")? != TAG {
        return Err(RowError {
            at: 0,
            what: "the tag",
        });
    }
    let claim_id = r.string()?;
    let history = r.history()?;
    let entry = match r.flag("an entry flag")? {
        false => None,
        true => Some(r.entry()?),
    };
    if r.at != bytes.len() {
        return Err(RowError {
            at: r.at,
            what: "the end of the row",
        });
    }
    Ok(StoredJudgement {
        claim_id,
        history,
        entry,
    })
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push(v as u8 | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_varint(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

fn put_opt_str(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        None => out.push(0),
        Some(s) => {
            out.push(1);
            put_str(out, s);
        }
    }
}

fn status_code(s: Status) -> u8 {
    match s {
        Status::New => 0,
        Status::Repeat => 1,
        Status::Reversal => 2,
    }
}

fn relation_code(r: Relation) -> u8 {
    match r {
        Relation::Verbatim => 0,
        Relation::NearVerbatim => 1,
        Relation::Paraphrase => 2,
        Relation::Reversal => 3,
        Relation::Related => 4,
    }
}

fn put_history(out: &mut Vec<u8>, h: &History) {
    out.push(status_code(h.status));
    put_varint(out, h.matches.len() as u64);
    for m in &h.matches {
        put_str(out, &m.claim_id);
        put_str(out, &m.article_id);
        out.extend_from_slice(&m.similarity.to_le_bytes());
        out.push(relation_code(m.relation));
    }
    put_opt_str(out, h.first_seen.as_deref());
    put_varint(out, h.times_seen.into());
}

fn put_entry(out: &mut Vec<u8>, e: &Entry) {
    put_varint(out, e.seq);
    put_str(out, &e.claim_id);
    put_str(out, &e.article_id);
    put_str(out, &e.speaker_id);
    put_str(out, &e.normalized);
    put_opt_str(out, e.first_seen.as_deref());
    put_varint(out, e.times_seen.into());
    put_varint(out, e.anchors.len() as u64);
    for a in &e.anchors {
        put_str(out, a);
    }
    match &e.embedding {
        None => out.push(0),
        Some(emb) => {
            out.push(1);
            out.extend_from_slice(&emb.scale.to_le_bytes());
            put_varint(out, emb.q.len() as u64);
            out.extend(emb.q.iter().map(|&q| q as u8));
        }
    }
}

/// A cursor over a row; every read checks the bounds.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn fail<T>(&self, what: &'static str) -> Result<T, RowError> {
        Err(RowError { at: self.at, what })
    }

    fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], RowError> {
        let bytes = self.bytes;
        match self.at.checked_add(n).filter(|&end| end <= bytes.len()) {
            Some(end) => {
                let s = &bytes[self.at..end];
                self.at = end;
                Ok(s)
            }
            None => self.fail(what),
        }
    }

    fn byte(&mut self, what: &'static str) -> Result<u8, RowError> {
        Ok(self.take(1, what)?[0])
    }

    /// A one-byte code, made a value by `of` (`None`: not a code it knows).
    fn code<T>(
        &mut self,
        what: &'static str,
        of: impl FnOnce(u8) -> Option<T>,
    ) -> Result<T, RowError> {
        match of(self.byte(what)?) {
            Some(value) => Ok(value),
            None => {
                self.at -= 1;
                self.fail(what)
            }
        }
    }

    fn flag(&mut self, what: &'static str) -> Result<bool, RowError> {
        self.code(what, |b| match b {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        })
    }

    fn varint(&mut self, what: &'static str) -> Result<u64, RowError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte(what)?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        self.fail(what)
    }

    fn u32(&mut self, what: &'static str) -> Result<u32, RowError> {
        let v = self.varint(what)?;
        u32::try_from(v).or_else(|_| self.fail(what))
    }

    fn len(&mut self, what: &'static str) -> Result<usize, RowError> {
        let n = self.varint(what)?;
        // Never more items than bytes left: a corrupt length cannot ask for a huge buffer.
        match usize::try_from(n) {
            Ok(n) if n <= self.bytes.len() - self.at => Ok(n),
            _ => self.fail(what),
        }
    }

    fn f32(&mut self, what: &'static str) -> Result<f32, RowError> {
        let b = self.take(4, what)?;
        Ok(f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn string(&mut self) -> Result<String, RowError> {
        let n = self.len("a string's length")?;
        let start = self.at;
        let bytes = self.take(n, "a string")?;
        match std::str::from_utf8(bytes) {
            Ok(s) => Ok(s.to_owned()),
            Err(_) => Err(RowError {
                at: start,
                what: "UTF-8",
            }),
        }
    }

    fn opt_string(&mut self) -> Result<Option<String>, RowError> {
        match self.flag("an option flag")? {
            false => Ok(None),
            true => self.string().map(Some),
        }
    }

    fn status(&mut self) -> Result<Status, RowError> {
        self.code("a status", |b| match b {
            0 => Some(Status::New),
            1 => Some(Status::Repeat),
            2 => Some(Status::Reversal),
            _ => None,
        })
    }

    fn relation(&mut self) -> Result<Relation, RowError> {
        self.code("a relation", |b| match b {
            0 => Some(Relation::Verbatim),
            1 => Some(Relation::NearVerbatim),
            2 => Some(Relation::Paraphrase),
            3 => Some(Relation::Reversal),
            4 => Some(Relation::Related),
            _ => None,
        })
    }

    fn history(&mut self) -> Result<History, RowError> {
        let status = self.status()?;
        let n = self.len("the match count")?;
        let mut matches = Vec::with_capacity(n);
        for _ in 0..n {
            matches.push(Match {
                claim_id: self.string()?.into(),
                article_id: self.string()?.into(),
                similarity: self.f32("a similarity")?,
                relation: self.relation()?,
            });
        }
        Ok(History {
            status,
            matches,
            first_seen: self.opt_string()?,
            times_seen: self.u32("times seen")?,
        })
    }

    fn entry(&mut self) -> Result<Entry, RowError> {
        let seq = self.varint("a seq")?;
        let claim_id = self.string()?.into();
        let article_id = self.string()?.into();
        let speaker_id = self.string()?;
        let normalized = self.string()?;
        let first_seen = self.opt_string()?;
        let times_seen = self.u32("times seen")?;
        let n = self.len("the anchor count")?;
        let mut anchors = Vec::with_capacity(n);
        for _ in 0..n {
            anchors.push(self.string()?);
        }
        let embedding = match self.flag("an embedding flag")? {
            false => None,
            true => {
                let scale = self.f32("a scale")?;
                let n = self.len("the embedding's length")?;
                let q = self.take(n, "the embedding")?.iter().map(|&b| b as i8);
                Some(Embedding {
                    scale,
                    q: q.collect(),
                })
            }
        };
        Ok(Entry {
            seq,
            claim_id,
            article_id,
            speaker_id,
            normalized,
            first_seen,
            times_seen,
            anchors,
            embedding,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::json::tests::{history, text};
    use crate::store::stored_claim::tests::entry;
    use proptest::prelude::*;

    fn judgement() -> impl Strategy<Value = StoredJudgement> {
        (text(), history(), prop::option::of(entry())).prop_map(|(claim_id, history, entry)| {
            StoredJudgement {
                claim_id,
                history,
                entry,
            }
        })
    }

    /// Equal, with floats compared by their bits (a NaN similarity must come back a NaN).
    fn same(a: &StoredJudgement, b: &StoredJudgement) -> bool {
        let bits = |j: &StoredJudgement| {
            let sims: Vec<u32> = j
                .history
                .matches
                .iter()
                .map(|m| m.similarity.to_bits())
                .collect();
            let scale = j
                .entry
                .as_ref()
                .and_then(|e| e.embedding.as_ref())
                .map(|e| e.scale.to_bits());
            (sims, scale)
        };
        let plain = |j: &StoredJudgement| {
            let mut j = j.clone();
            j.history
                .matches
                .iter_mut()
                .for_each(|m| m.similarity = 0.0);
            if let Some(e) = j.entry.as_mut().and_then(|e| e.embedding.as_mut()) {
                e.scale = 0.0;
            }
            j
        };
        bits(a) == bits(b) && plain(a) == plain(b)
    }

    proptest! {
        #[test]
        fn a_row_reads_back_as_the_judgement_written(j in judgement()) {
            let row = encode(&JudgementRef::from(&j));
            prop_assert_eq!(row[0], TAG);
            let back = decode(&row).unwrap();
            prop_assert!(same(&back, &j), "{:?} != {:?}", back, j);
        }

        #[test]
        fn a_cut_or_damaged_row_is_an_error_not_a_panic(
            j in judgement(),
            cut in any::<prop::sample::Index>(),
            flip in any::<prop::sample::Index>(),
            byte in any::<u8>(),
        ) {
            let row = encode(&JudgementRef::from(&j));
            let cut_at = cut.index(row.len());
            prop_assert!(decode(&row[..cut_at]).is_err());
            let mut longer = row.clone();
            longer.push(0);
            prop_assert!(decode(&longer).is_err());
            // Any byte changed: an error, or some judgement, never a panic.
            let mut damaged = row;
            let at = flip.index(damaged.len());
            damaged[at] = byte;
            let _ = decode(&damaged);
        }

        #[test]
        fn a_chunk_gives_back_its_rows_and_a_cut_one_is_an_error(
            rows in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..300), 0..70),
            cut in any::<prop::sample::Index>(),
        ) {
            let chunk = pack(&rows);
            let back: Vec<Vec<u8>> = unpack(&chunk).unwrap().into_iter().map(<[u8]>::to_vec).collect();
            prop_assert_eq!(&back, &rows);
            prop_assert!(unpack(&chunk[..cut.index(chunk.len())]).is_err());
            let mut longer = chunk;
            longer.push(0);
            prop_assert!(unpack(&longer).is_err());
        }
    }

    #[test]
    fn a_row_is_about_half_its_json() {
        let j = StoredJudgement {
            claim_id: "c-86dadc21d385cd6d3f945f0fb80ddf6e".into(),
            history: History {
                status: Status::Repeat,
                matches: (0..3)
                    .map(|i| Match {
                        claim_id: format!("c-946bf7b9a570a0ee054748ce000ecd4{i}").into(),
                        article_id: format!("wire-2026-03-0{i}-0042").into(),
                        similarity: 0.875,
                        relation: Relation::Paraphrase,
                    })
                    .collect(),
                first_seen: Some("2026-03-01".into()),
                times_seen: 4,
            },
            entry: Some(Entry {
                seq: 123_456,
                claim_id: "c-86dadc21d385cd6d3f945f0fb80ddf6e".into(),
                article_id: "wire-2026-03-04-0042".into(),
                speaker_id: "person:lina-ostrova".into(),
                normalized: "the ferry service will resume in may".into(),
                first_seen: Some("2026-03-01".into()),
                times_seen: 4,
                anchors: vec!["May".into()],
                embedding: None,
            }),
        };
        let r = JudgementRef::from(&j);
        let (row, json) = (encode(&r), r.to_json());
        assert!(
            row.len() * 10 < json.len() * 6,
            "{} vs {}",
            row.len(),
            json.len()
        );
        assert_eq!(decode(&row).unwrap(), j);
    }
}
