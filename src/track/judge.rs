//! The judgement of one claim against one earlier claim by the same speaker.
//!
//! Similarity (sentence-embedding cosine when both claims have one, word overlap always)
//! says whether two claims are about the same thing; it cannot tell a repeat from its
//! opposite, since a negated sentence embeds closer than a paraphrase does. So the claims
//! are also aligned word by word, and what differs is checked explicitly:
//! - a negator or an antonym that one side has and the other lacks → `reversal`;
//! - a name or number swapped for another in an otherwise same claim → `related`: a claim
//!   about someone (or something) else, not a repeat and not the speaker's reversal.

use crate::embed::EmbeddingRef;
use crate::record::Relation;

use xxhash_rust::xxh3::xxh3_64;

use super::text::{antonyms_of, negated_form, stem_into, words};
use super::vocab::{
    look_up, stem_flags, stem_hash, Looked, HAS_ANTONYMS, NAMED, NEGATOR, PREFIXED, SOFT_NEGATOR,
};

/// How a new claim relates to one earlier claim.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Judgement {
    /// 0..1: how likely the two are the same claim (a swapped entity lowers it).
    pub similarity: f32,
    /// `None` when the two claims are unrelated.
    pub relation: Option<Relation>,
}

/// What judgement needs of one claim.
#[derive(Debug, Clone, Copy)]
pub struct View<'a> {
    /// [`normalize`](super::normalize)d text.
    pub normalized: &'a str,
    /// [`anchors`](super::anchors) of the raw text.
    pub anchors: &'a [String],
    /// Sentence embedding, when an encoder was loaded.
    pub embedding: Option<EmbeddingRef<'a>>,
}

/// The measurements a judgement is decided on; public for evaluation and tuning.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize)]
pub struct Features {
    /// Embedding cosine, when both claims have an embedding.
    pub cosine: Option<f32>,
    /// Dice coefficient of the content stems (multisets).
    pub dice: f32,
    /// Shared content stems over the smaller side's count.
    pub containment: f32,
    /// Content stems in one claim and not the other, both ways.
    pub changed: usize,
    /// Content stems of the two claims together.
    pub total: usize,
    /// One side has more negators than the other.
    pub negation_flip: bool,
    /// An antonym pair among the changed words.
    pub antonym: bool,
    /// A name or number of one claim was replaced by a different one.
    pub entity_swap: bool,
}

/// Thresholds. Repeat vs different is a combined score of cosine and word overlap.
const NEAR_VERBATIM_DICE: f32 = 0.85;
/// A reversal needs the claims to be the same but for the flip (or one to be part of the
/// other: a speaker often negates one sentence of an earlier statement).
const REVERSAL_DICE: f32 = 0.6;
const REVERSAL_CONTAINMENT: f32 = 0.7;
const REVERSAL_COSINE: f32 = 0.8;
const REVERSAL_COSINE_DICE: f32 = 0.35;
/// An entity swap needs the rest of the claim to be the same.
/// An entity swap changes names, numbers, dates and at most this many other words.
const SWAP_MAX_PLAIN: usize = 2;
/// Same-claim score above which a pair is a paraphrase, with embeddings and without.
const PARAPHRASE_SCORE: f32 = 0.45;
const PARAPHRASE_SCORE_LEXICAL: f32 = 0.3;
/// Below the paraphrase score, still the same subject.
const RELATED_SCORE: f32 = 0.25;
const RELATED_SCORE_LEXICAL: f32 = 0.15;

/// Content stems of a claim, its negator count, and the stems a negator governs (the next
/// few content words after it). The stems are kept in one string, listed by their 64-bit
/// hash, which stands for the stem: two claims compare by a merge on integers, without
/// reading their text (two different stems of one claim pair share a hash with odds of
/// about one in 10^17).
#[derive(Debug, Clone, Default)]
pub struct Content {
    /// The stems, concatenated.
    text: Box<str>,
    /// The stems (a multiset), sorted by hash; equal stems are adjacent.
    stems: Box<[Stem]>,
    negators: usize,
    /// Per negator, the content stems it governs (the next [`NEGATION_SCOPE`]), as
    /// [canonical](Content::find) indexes into `stems`. Sorted, deduplicated.
    groups: Box<[Box<[u32]>]>,
    /// Stems within [`NEGATION_REACH`] of a negator: what counts as negated too when the
    /// other claim's negation is checked against this one (wording shifts words around).
    /// Canonical indexes into `stems`, sorted, deduplicated.
    negated_wide: Box<[u32]>,
    /// One bit per stem (picked by its hash), 256 in all: two claims whose bits do not
    /// meet share no stem, told without reading either's stems. Most of the earlier claims
    /// a new one meets in judgement share none (three in five on the wire mix).
    bloom: [u64; 4],
}

/// One stem of a [`Content`]: its hash (what it is compared by), where it is in `text`, and
/// what it is. 16 bytes: the merges read many of them.
#[derive(Debug, Clone, Copy, Default)]
struct Stem {
    hash: u64,
    start: u32,
    /// Saturated: a stem longer than `u16::MAX` bytes reads as empty (see
    /// [`Content::stem`]), which only its antonym checks could notice.
    len: u16,
    flags: u8,
}

const _: () = assert!(std::mem::size_of::<Stem>() == 16);

/// Asks the CPU to start loading the cache line at `p` (no effect off x86-64). Judging a
/// claim reads a dozen earlier claims' analyses and stems scattered across the heap, each
/// a cache miss: asked for a few candidates ahead, the loads overlap instead of queueing.
#[inline(always)]
pub(crate) fn prefetch<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is a hint; it never faults, whatever the address.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(p.cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

impl Content {
    fn stem(&self, s: &Stem) -> &str {
        let start = s.start as usize;
        self.text.get(start..start + s.len as usize).unwrap_or("")
    }

    /// Whether the two may share a stem: `false` only when they certainly do not.
    fn may_share(&self, other: &Content) -> bool {
        self.bloom.iter().zip(&other.bloom).any(|(a, b)| a & b != 0)
    }

    /// The canonical index of the stem of this hash in `stems`: the first of its equal
    /// copies, if it has one.
    fn find(&self, hash: u64) -> Option<u32> {
        let at = self.stems.partition_point(|s| s.hash < hash);
        let s = self.stems.get(at)?;
        (s.hash == hash).then_some(at as u32)
    }
}

/// What judgement reads of one claim, computed once per claim: its [`Content`], with the
/// stems that are words of its anchors marked, and the keys its speaker's word index files
/// it under.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    content: Content,
    /// Hashes of the claim's distinct non-stopword, non-negator stems, in text order: the
    /// word index's keys, kept so that indexing and lookup never stem the claim again.
    keys: Box<[u64]>,
    /// Hash of the normalised text: [`may_relate`] tells most earlier claims from a
    /// verbatim repeat by it, without reading their text (a cache miss per claim).
    text_hash: u64,
}

impl Analysis {
    /// Of a claim's normalised text and its anchors.
    pub fn new(normalized: &str, anchors: &[String]) -> Self {
        let words = words(normalized);
        // One stem per word, shared by the content and the keys.
        let stems = WordStems::of(&words);
        let mut keys: Vec<u64> = Vec::with_capacity(stems.looked.len());
        for k in (0..words.len()).filter_map(|i| Some(stems.get(i)?.1)) {
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
        let mut analysis = Self::of(content_with(&words, &stems), anchors);
        analysis.keys = keys.into_boxed_slice();
        analysis.text_hash = xxh3_64(normalized.as_bytes());
        analysis
    }

    /// The word index's keys of the claim: hashes of its distinct content stems (negators
    /// and stopwords left out), in text order.
    pub fn keys(&self) -> &[u64] {
        &self.keys
    }

    /// Hash of the claim's normalised text: also the key of a speaker's exact-text index,
    /// which so never hashes the text again.
    pub fn text_hash(&self) -> u64 {
        self.text_hash
    }

    fn of(mut content: Content, anchors: &[String]) -> Self {
        if !anchors.is_empty() {
            let named = anchor_stem_hashes(anchors);
            for s in content.stems.iter_mut() {
                // A stem too long to place reads as empty (`Content::stem`): never a name.
                if s.len != 0 && named.contains(&s.hash) {
                    s.flags |= NAMED;
                }
            }
        }
        Analysis {
            content,
            keys: Box::default(),
            text_hash: 0,
        }
    }

    /// Asks the CPU to start loading this analysis's sorted stems, which [`may_relate`] reads
    /// soon (see [`prefetch`]) when it is judged against `new`: not when it certainly shares
    /// no stem with it, since then they are not read.
    pub fn prefetch_stems(&self, new: &Analysis) {
        if self.content.may_share(&new.content) {
            prefetch(self.content.stems.as_ptr());
            prefetch(self.content.stems.as_ptr().wrapping_add(4));
        }
    }

    /// Heap bytes held (an estimate from lengths).
    pub fn heap_bytes(&self) -> usize {
        let c = &self.content;
        c.text.len()
            + self.keys.len() * 8
            + c.stems.len() * std::mem::size_of::<Stem>()
            + c.groups.len() * 16
            + c.groups.iter().map(|g| g.len() * 4).sum::<usize>()
            + c.negated_wide.len() * 4
    }
}

fn sorted(mut v: Vec<u32>) -> Box<[u32]> {
    v.sort_unstable();
    v.dedup();
    v.into_boxed_slice()
}

/// [Hashes](stem_hash) of the stems of the words of a claim's anchors: what a changed word
/// is checked against to be a name or a number. By hash, as stems are compared everywhere
/// else: one buffer for all the stems, instead of a `String` each.
fn anchor_stem_hashes(anchors: &[String]) -> Vec<u64> {
    let mut stem = String::new();
    anchors
        .iter()
        .flat_map(|n| n.split(' '))
        .map(|w| {
            let w = w.strip_suffix("'s").unwrap_or(w);
            stem.clear();
            if w.bytes().any(|b| b.is_ascii_digit()) {
                stem.push_str(w);
            } else {
                stem_into(w, &mut stem);
            }
            stem_hash(&stem)
        })
        .collect()
}

/// Content words after a negator that it is taken to govern.
const NEGATION_SCOPE: usize = 2;
/// Content words after a negator that it may govern.
const NEGATION_REACH: usize = 4;

fn content(words: &[&str]) -> Content {
    content_with(words, &WordStems::of(words))
}

/// What judgement asks of each word ([`look_up`]): whether it negates, and the stem of each
/// word that is neither a stopword nor a negator, what both a claim's [`Content`] and its
/// word-index keys are made of. The stems in one buffer: a claim has a dozen or more, and a
/// `String` each showed in profiles.
struct WordStems {
    /// The stems, concatenated.
    text: String,
    /// Per word, its negation bits and its stem's span in `text`, [hash](stem_hash) and
    /// [flags](stem_flags), if it has one.
    looked: Vec<Looked>,
}

impl WordStems {
    fn of(words: &[&str]) -> Self {
        let mut text = String::with_capacity(words.iter().map(|w| w.len() + 1).sum());
        let looked = look_up(words, &mut text);
        WordStems { text, looked }
    }

    /// The stem of word `i`, its hash and its flags.
    fn get(&self, i: usize) -> Option<(&str, u64, u8)> {
        let (s, e, hash, flags) = self.looked.get(i)?.stem?;
        Some((&self.text[s as usize..e as usize], hash, flags))
    }

    /// The [`NEGATOR`] and [`SOFT_NEGATOR`] bits of word `i`.
    fn negation(&self, i: usize) -> u8 {
        self.looked.get(i).map_or(0, |l| l.negation)
    }
}

/// [`content`] with the words' stems at hand.
fn content_with(words: &[&str], word_stems: &WordStems) -> Content {
    // The content stems (hash, position in text order, stem, flags); groups and the wide
    // negated list hold positions.
    let mut keyed: Vec<(u64, u32, &str, u8)> = Vec::with_capacity(words.len());
    let mut negators = 0usize;
    let mut groups: Vec<Vec<u32>> = Vec::new();
    let mut negated_wide: Vec<u32> = Vec::new();
    let mut since: Option<usize> = None;
    let mut prev_negator = false;
    for (i, w) in words.iter().enumerate() {
        let negation = word_stems.negation(i);
        if negation & (NEGATOR | SOFT_NEGATOR) != 0 {
            if prev_negator && negation & SOFT_NEGATOR != 0 {
                // "did not refuse", "never fails": the two cancel out.
                negators -= 1;
                groups.pop();
                since = None;
                prev_negator = false;
                continue;
            }
            negators += 1;
            groups.push(Vec::new());
            since = Some(0);
            prev_negator = true;
            continue;
        }
        prev_negator = false;
        let at = keyed.len() as u32;
        if *w == "yes" {
            // "Yes, it is" against "No, it is not": yes is the positive of no.
            keyed.push((stem_hash("yes"), at, "yes", stem_flags("yes")));
        } else if let Some((s, hash, flags)) = word_stems.get(i) {
            if let Some(k) = since {
                if k < NEGATION_SCOPE {
                    groups.last_mut().unwrap().push(at);
                }
                if k < NEGATION_REACH {
                    negated_wide.push(at);
                }
                since = Some(k + 1);
            }
            keyed.push((hash, at, s, flags));
        }
    }
    // Sorted by hash; the text position last only to make the order total.
    keyed.sort_unstable_by_key(|(hash, at, _, _)| (*hash, *at));
    // Text position → index of the first equal stem in sorted order. Only negated stems
    // are looked up in it (every stem of a group is in `negated_wide`): most claims have
    // none.
    let mut canonical = Vec::new();
    if !negated_wide.is_empty() {
        canonical = vec![0u32; keyed.len()];
        for (k, (hash, at, _, _)) in keyed.iter().enumerate() {
            canonical[*at as usize] = match k.checked_sub(1).map(|p| keyed[p]) {
                Some((h, p, _, _)) if h == *hash => canonical[p as usize],
                _ => k as u32,
            };
        }
    }
    let canon = |v: Vec<u32>| sorted(v.into_iter().map(|at| canonical[at as usize]).collect());
    let mut text = String::with_capacity(keyed.iter().map(|(_, _, s, _)| s.len()).sum());
    let stems = keyed
        .iter()
        .map(|&(hash, _, w, flags)| {
            let start = text.len() as u32;
            text.push_str(w);
            Stem {
                hash,
                start,
                len: u16::try_from(w.len()).unwrap_or(0),
                flags,
            }
        })
        .collect();
    let mut bloom = [0u64; 4];
    for (hash, _, _, _) in &keyed {
        let bit = hash >> 56;
        bloom[(bit >> 6) as usize] |= 1 << (bit & 63);
    }
    Content {
        text: text.into_boxed_str(),
        stems,
        bloom,
        negators,
        // Group order and repeats do not matter: only "any group" is asked of them.
        groups: groups.into_iter().map(canon).collect(),
        negated_wide: canon(negated_wide),
    }
}

/// Whether a negation in `x` governs words that `y` has, un-negated.
fn negates_what_other_affirms(x: &Content, y: &Content) -> bool {
    x.groups.iter().any(|g| {
        let mut shared = g
            .iter()
            .filter_map(|&at| y.find(x.stems[at as usize].hash))
            .peekable();
        shared.peek().is_some() && shared.all(|at| y.negated_wide.binary_search(&at).is_err())
    })
}

/// The measurements of `new` against `old`.
pub fn features(new: View<'_>, old: View<'_>) -> Features {
    features_with(&analyze(new.normalized), new, old)
}

/// What judgement reads of a claim's words, computed once per new claim.
pub fn analyze(normalized: &str) -> Content {
    content(&words(normalized))
}

/// [`features`] with the new claim's words already analysed.
pub fn features_with(ca: &Content, new: View<'_>, old: View<'_>) -> Features {
    let a = Analysis::of(ca.clone(), new.anchors);
    features_analyzed(&a, new, &Analysis::new(old.normalized, old.anchors), old)
}

/// A stem whose count differs between the two claims: count in new − count in old, and
/// its flags (from the side with more of it). The stem itself is `stems[at]` of the new
/// claim when the count is positive, of the old one otherwise.
#[derive(Clone, Copy)]
struct Diff {
    at: u32,
    count: i32,
    flags: u8,
}

thread_local! {
    /// The diff list of [`features_analyzed`], reused: a claim is judged against dozens of
    /// earlier ones, and one allocation per pair showed in profiles.
    static DIFFS: std::cell::RefCell<Vec<Diff>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// [`features`] with both claims already analysed ([`Analysis::new`] of each view).
pub fn features_analyzed(an: &Analysis, new: View<'_>, ao: &Analysis, old: View<'_>) -> Features {
    DIFFS.with(|cell| match cell.try_borrow_mut() {
        Ok(mut diffs) => features_into(&mut diffs, an, new, ao, old),
        // Only if called from inside itself, which it never is.
        Err(_) => features_into(&mut Vec::new(), an, new, ao, old),
    })
}

fn features_into(
    diffs: &mut Vec<Diff>,
    an: &Analysis,
    new: View<'_>,
    ao: &Analysis,
    old: View<'_>,
) -> Features {
    let (ca, cb) = (&an.content, &ao.content);
    let (a, neg_a) = (&ca.stems, ca.negators);
    let (b, neg_b) = (&cb.stems, cb.negators);
    // Per distinct stem, its count in `a` minus its count in `b` (nonzero only), by a merge
    // of the two sorted lists.
    diffs.clear();
    {
        let (mut i, mut j) = (0, 0);
        while i < a.len() || j < b.len() {
            let h = match (a.get(i), b.get(j)) {
                (Some(x), Some(y)) => x.hash.min(y.hash),
                (Some(x), None) => x.hash,
                (None, Some(y)) => y.hash,
                (None, None) => break,
            };
            let (first_a, first_b) = (i, j);
            let (mut fa, mut fb) = (0u8, 0u8);
            let mut c = 0i32;
            while i < a.len() && a[i].hash == h {
                fa = a[i].flags;
                c += 1;
                i += 1;
            }
            while j < b.len() && b[j].hash == h {
                fb = b[j].flags;
                c -= 1;
                j += 1;
            }
            if c != 0 {
                diffs.push(Diff {
                    at: if c > 0 { first_a } else { first_b } as u32,
                    count: c,
                    flags: if c > 0 { fa } else { fb },
                });
            }
        }
    }
    let diffs = &*diffs;
    let word = |d: &Diff| {
        if d.count > 0 {
            ca.stem(&a[d.at as usize])
        } else {
            cb.stem(&b[d.at as usize])
        }
    };
    let added = || diffs.iter().filter(|d| d.count > 0);
    let removed = || diffs.iter().filter(|d| d.count < 0);
    let changed: usize = diffs.iter().map(|d| d.count.unsigned_abs() as usize).sum();
    let total = a.len() + b.len();
    let shared = (total - changed) / 2;
    let (dice, containment) = overlap(shared, a.len(), b.len());
    // A word both claims have, negated in one and not the other ("has not committed" /
    // "has committed"), even when one claim is only part of the other; or, for claims that
    // are the same throughout, simply more negators on one side.
    let scope_flip = negates_what_other_affirms(ca, cb) || negates_what_other_affirms(cb, ca);
    let negation_flip = scope_flip || (neg_a != neg_b && dice >= REVERSAL_DICE);
    // Pairs of an added and a removed stem, but only those where one has antonyms or a
    // negating prefix: most have neither, and long claims have hundreds of pairs.
    let removed_prefixed = removed().any(|y| y.flags & PREFIXED != 0);
    let antonym = added().any(|x| {
        let list = if x.flags & HAS_ANTONYMS != 0 {
            antonyms_of(word(x))
        } else {
            &[]
        };
        if list.is_empty() && x.flags & PREFIXED == 0 && !removed_prefixed {
            return false;
        }
        removed().any(|y| {
            ((x.flags | y.flags) & PREFIXED != 0 && negated_form(word(x), word(y)))
                || list.iter().any(|z| *z == word(y))
        })
    }) || (neg_a > neg_b && removed().any(|d| word(d) == "yes"))
        || (neg_b > neg_a && added().any(|d| word(d) == "yes"));
    // Changed words that are names, numbers or dates, and how many changed words are not.
    let named = |positive: bool| -> (bool, usize) {
        let mut any = false;
        let mut plain = 0;
        for d in diffs.iter().filter(|d| (d.count > 0) == positive) {
            if d.flags & NAMED != 0 {
                any = true;
            } else {
                plain += d.count.unsigned_abs() as usize;
            }
        }
        (any, plain)
    };
    let (named_added, plain_added) = named(true);
    let (named_removed, plain_removed) = named(false);
    let plain_changed = plain_added + plain_removed;
    let entity_swap = named_added
        && named_removed
        && shared >= 1
        && plain_changed <= SWAP_MAX_PLAIN.max(total / 10);
    let cosine = match (new.embedding, old.embedding) {
        (Some(x), Some(y)) => Some(x.cosine(y)),
        _ => None,
    };
    Features {
        cosine,
        dice,
        containment,
        changed,
        total,
        negation_flip,
        antonym,
        entity_swap,
    }
}

/// Dice coefficient and containment of two claims of `a` and `b` content stems, `shared` of
/// them in common (as multisets). Non-decreasing in `shared`, which [`may_relate`] relies on.
fn overlap(shared: usize, a: usize, b: usize) -> (f32, f32) {
    let total = a + b;
    let dice = if total == 0 {
        0.0
    } else {
        2.0 * shared as f32 / total as f32
    };
    let smaller = a.min(b);
    let containment = if smaller == 0 {
        0.0
    } else {
        shared as f32 / smaller as f32
    };
    (dice, containment)
}

/// The word-overlap part of the same-claim score (all of it without a cosine).
fn lexical_score(dice: f32, containment: f32) -> f32 {
    0.5 * dice + 0.5 * containment
}

/// How likely two claims are the same claim, 0..1, from cosine and overlap alone.
pub fn same_claim_score(f: &Features) -> f32 {
    let lexical = lexical_score(f.dice, f.containment);
    match f.cosine {
        // Calibrated on invented and dev pairs: cosine carries most of it, overlap breaks ties.
        Some(c) => (0.85 * c + 0.15 * lexical).clamp(0.0, 1.0),
        None => lexical,
    }
}

/// Decides the relation from the measurements.
pub fn decide(f: &Features) -> Judgement {
    let score = same_claim_score(f);
    let same_but_for_flip = f.dice >= REVERSAL_DICE
        || f.containment >= REVERSAL_CONTAINMENT
        || f.cosine
            .is_some_and(|c| c >= REVERSAL_COSINE && f.containment >= REVERSAL_COSINE_DICE);
    if (f.negation_flip || f.antonym) && same_but_for_flip {
        return Judgement {
            similarity: score,
            relation: Some(Relation::Reversal),
        };
    }
    if f.entity_swap {
        return Judgement {
            similarity: score * 0.5,
            relation: Some(Relation::Related),
        };
    }
    let relation = if f.dice >= NEAR_VERBATIM_DICE {
        Some(Relation::NearVerbatim)
    } else if score
        >= if f.cosine.is_some() {
            PARAPHRASE_SCORE
        } else {
            PARAPHRASE_SCORE_LEXICAL
        }
    {
        Some(Relation::Paraphrase)
    } else if score
        >= if f.cosine.is_some() {
            RELATED_SCORE
        } else {
            RELATED_SCORE_LEXICAL
        }
    {
        Some(Relation::Related)
    } else {
        None
    };
    Judgement {
        similarity: score,
        relation,
    }
}

/// Judges `new` against `old`.
pub fn judge_pair(new: View<'_>, old: View<'_>) -> Judgement {
    judge_analyzed(&analyze(new.normalized), new, old)
}

/// [`judge_pair`] with the new claim's words already analysed.
pub fn judge_analyzed(analyzed: &Content, new: View<'_>, old: View<'_>) -> Judgement {
    if new.normalized == old.normalized && !new.normalized.is_empty() {
        return Judgement {
            similarity: 1.0,
            relation: Some(Relation::Verbatim),
        };
    }
    decide(&features_with(analyzed, new, old))
}

/// [`judge_pair`] with both claims already analysed ([`Analysis::new`] of each view).
pub fn judge_prepared(an: &Analysis, new: View<'_>, ao: &Analysis, old: View<'_>) -> Judgement {
    // Texts whose hashes differ differ: most pairs are told apart without reading the
    // earlier claim's text.
    if an.text_hash == ao.text_hash
        && new.normalized == old.normalized
        && !new.normalized.is_empty()
    {
        return Judgement {
            similarity: 1.0,
            relation: Some(Relation::Verbatim),
        };
    }
    if (new.embedding.is_none() || old.embedding.is_none())
        && !shares_a_hash(&an.content, &ao.content)
    {
        // Without a cosine, claims with no content stem in common score 0 on every measure
        // and cannot be a reversal or a swap (both need shared words): what `decide` says of
        // them, without aligning their words. Most of a speaker's earlier claims are such.
        return Judgement {
            similarity: 0.0,
            relation: None,
        };
    }
    decide(&features_analyzed(an, new, ao, old))
}

/// Whether [`judge_prepared`] may find a relation between the claims: `false` only when it
/// certainly finds none, at the cost of one merge of their stem hashes instead of aligning
/// their words. Without a cosine, a relation needs a same-claim score of at least
/// [`RELATED_SCORE_LEXICAL`] (below it, dice and containment are also below what a reversal
/// or a near-verbatim repeat needs) or an entity swap. Both are bounded from above by the
/// stems the claims share (the same count as [`features_into`]'s, from the same hashes):
/// - the score is computed by the same functions as in [`features_into`] and
///   [`same_claim_score`] ([`overlap`], [`lexical_score`]), non-decreasing in the shared
///   count;
/// - a swap needs a name or number on both sides and at most `max(2, total / 10)` changed
///   stems that are neither. At least `plain - 2 * shared` of them change, where `plain`
///   counts the stems of both claims that are neither (a stem's flags are the same wherever
///   it occurs in one claim).
///
/// Most of a speaker's earlier claims share a word or two with a new one and no more: this
/// spares them the word alignment. `cosine` says whether both claims have an embedding.
/// Reads only the analyses (a verbatim repeat is told by the hash of the text, which a
/// collision can only make say yes wrongly).
pub fn may_relate(an: &Analysis, ao: &Analysis, cosine: bool) -> bool {
    if cosine || an.text_hash == ao.text_hash {
        return true;
    }
    if !an.content.may_share(&ao.content) {
        return false;
    }
    let (a, b) = (&an.content.stems, &ao.content.stems);
    let shared = shared_by_hash(a, b);
    if shared == 0 {
        return false;
    }
    let (dice, containment) = overlap(shared, a.len(), b.len());
    if lexical_score(dice, containment) >= RELATED_SCORE_LEXICAL {
        return true;
    }
    let total = a.len() + b.len();
    let named = |stems: &[Stem]| stems.iter().any(|s| s.flags & NAMED != 0);
    let plain = a
        .iter()
        .chain(b.iter())
        .filter(|s| s.flags & NAMED == 0)
        .count();
    named(a) && named(b) && plain.saturating_sub(2 * shared) <= SWAP_MAX_PLAIN.max(total / 10)
}

/// Stems two claims share (per hash, the smaller of its two counts).
fn shared_by_hash(a: &[Stem], b: &[Stem]) -> usize {
    let (mut i, mut j) = (0, 0);
    let mut shared = 0;
    while let (Some(x), Some(y)) = (a.get(i), b.get(j)) {
        match x.hash.cmp(&y.hash) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                let h = x.hash;
                let (mut ca, mut cb) = (0, 0);
                while a.get(i).is_some_and(|s| s.hash == h) {
                    ca += 1;
                    i += 1;
                }
                while b.get(j).is_some_and(|s| s.hash == h) {
                    cb += 1;
                    j += 1;
                }
                shared += ca.min(cb);
            }
        }
    }
    shared
}

/// Whether two claims share a content stem: a merge of their sorted stem hashes.
fn shares_a_hash(a: &Content, b: &Content) -> bool {
    if !a.may_share(b) {
        return false;
    }
    let (mut i, mut j) = (0, 0);
    while let (Some(x), Some(y)) = (a.stems.get(i), b.stems.get(j)) {
        match x.hash.cmp(&y.hash) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => return true,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::track::{anchors, normalize};

    fn judge(a: &str, b: &str) -> Judgement {
        let (na, nb) = (normalize(a), normalize(b));
        let (aa, ab) = (anchors(a), anchors(b));
        judge_pair(
            View {
                normalized: &na,
                anchors: &aa,
                embedding: None,
            },
            View {
                normalized: &nb,
                anchors: &ab,
                embedding: None,
            },
        )
    }

    #[test]
    fn a_stem_too_long_to_place_is_still_compared() {
        // Past `u16::MAX` bytes a stem's length saturates; it is still told by its hash.
        let long = "a".repeat(70_000);
        let other = "b".repeat(70_000);
        let (x, y) = (
            format!("The minister said {long} will fall sharply."),
            format!("The minister said {other} will fall sharply."),
        );
        assert_eq!(judge(&x, &x).relation, Some(Relation::Verbatim));
        let j = judge(&x, &y);
        assert!(j.similarity < 1.0, "{j:?}");
        assert_ne!(j.relation, Some(Relation::Verbatim));
    }

    #[test]
    fn same_text_is_verbatim_both_ways() {
        let j = judge("Taxes will fall next year.", "taxes will fall next year");
        assert_eq!(j.relation, Some(Relation::Verbatim));
        assert_eq!(j.similarity, 1.0);
    }

    #[test]
    fn a_negated_claim_is_a_reversal() {
        for (a, b) in [
            (
                "The bridge will not reopen before winter.",
                "The bridge will reopen before winter.",
            ),
            ("The mayor hasn't resigned.", "The mayor has resigned."),
            (
                "No, the audit is not finished.",
                "Yes, the audit is finished.",
            ),
            (
                "Ferry fares will never rise again.",
                "Ferry fares will rise again.",
            ),
        ] {
            assert_eq!(judge(a, b).relation, Some(Relation::Reversal), "{a} / {b}");
            assert_eq!(judge(b, a).relation, Some(Relation::Reversal), "{b} / {a}");
        }
    }

    #[test]
    fn an_antonym_is_a_reversal() {
        let j = judge(
            "Crime in the harbour district decreased last year.",
            "Crime in the harbour district increased last year.",
        );
        assert_eq!(j.relation, Some(Relation::Reversal));
    }

    #[test]
    fn a_swapped_name_or_number_is_related_not_a_repeat() {
        for (a, b) in [
            (
                "Governor Ortiz signed the water bill in March.",
                "Governor Halloway signed the water bill in March.",
            ),
            (
                "The city hired 40 new teachers this spring.",
                "The city hired 400 new teachers this spring.",
            ),
        ] {
            let j = judge(a, b);
            assert_eq!(j.relation, Some(Relation::Related), "{a} / {b}");
        }
    }

    #[test]
    fn small_edits_are_near_verbatim() {
        let j = judge(
            "We will build the new rail line to the airport by 2030.",
            "We will build a new rail line to the airport by 2030!",
        );
        assert_eq!(j.relation, Some(Relation::NearVerbatim));
    }

    #[test]
    fn unrelated_claims_have_no_relation() {
        let j = judge("Wages have stagnated.", "The port reopens on Monday.");
        assert_eq!(j.relation, None);
    }

    /// A claim's normalised text, anchors and analysis.
    fn analysed(text: &str) -> (String, Vec<String>, Analysis) {
        let (n, a) = (normalize(text), anchors(text));
        let analysis = Analysis::new(&n, &a);
        (n, a, analysis)
    }

    /// `may_relate` and `judge_prepared` of two claims, judged lexically.
    fn prefilter_and_judgement(a: &str, b: &str) -> (bool, Option<Relation>) {
        let (na, aa, an) = analysed(a);
        let (nb, ab, ao) = analysed(b);
        let view = |normalized, anchors| View {
            normalized,
            anchors,
            embedding: None,
        };
        let (new, old) = (view(&na, &aa), view(&nb, &ab));
        (
            may_relate(&an, &ao, false),
            judge_prepared(&an, new, &ao, old).relation,
        )
    }

    #[test]
    fn the_prefilter_skips_claims_sharing_a_word_and_no_more() {
        let (may, relation) = prefilter_and_judgement(
            "The ministry will publish the harbour budget for coastal towns next spring.",
            "Farmers across the northern valleys have asked the ministry for drought relief.",
        );
        assert_eq!((may, relation), (false, None));
    }

    #[test]
    fn the_prefilter_lets_through_what_judgement_relates() {
        for (a, b) in [
            // Entity swaps: names and numbers changed on each side, little else.
            ("Smith won 5 seats.", "Jones won 7 seats."),
            (
                "In 2024 Russia, Ukraine, Moscow and Kyiv said 5 and 10 at the talks.",
                "In 2023 Paris, Berlin, London and Rome agreed 7 and 8 at the talks.",
            ),
            (
                "The bridge will not reopen before winter.",
                "The bridge will reopen before winter.",
            ),
            ("Taxes will fall next year.", "taxes will fall next year"),
        ] {
            let (may, relation) = prefilter_and_judgement(a, b);
            assert!(relation.is_some(), "{a} / {b}: judged {relation:?}");
            assert!(
                may,
                "{a} / {b}: the prefilter would have skipped {relation:?}"
            );
        }
    }

    /// Claims over a small vocabulary: names, numbers, negators, antonyms and plain words.
    fn claim() -> impl proptest::strategy::Strategy<Value = String> {
        const WORDS: &[&str] = &[
            "the",
            "tax",
            "taxes",
            "will",
            "rise",
            "fall",
            "not",
            "never",
            "Russia",
            "Ukraine",
            "Peskov",
            "5",
            "10",
            "percent",
            "government",
            "said",
            "plan",
            "bridge",
            "reopen",
            "winter",
            "no",
            "yes",
            "increase",
            "decrease",
            "legal",
            "illegal",
            "army",
            "troops",
            "withdraw",
            "2024",
            "Moscow",
            "talks",
            "ended",
            "on",
            "Thursday",
            "Kyiv",
        ];
        use proptest::strategy::Strategy;
        proptest::collection::vec(proptest::sample::select(WORDS), 1..16)
            .prop_map(|w| format!("{}.", w.join(" ")))
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]
        #[test]
        fn the_prefilter_never_skips_a_pair_judgement_relates(a in claim(), b in claim()) {
            let (may, relation) = prefilter_and_judgement(&a, &b);
            proptest::prop_assert!(may || relation.is_none(), "skipped {:?}", relation);
        }

        #[test]
        fn the_stem_bits_meet_whenever_the_claims_share_a_stem(a in claim(), b in claim()) {
            let (ca, cb) = (analyze(&normalize(&a)), analyze(&normalize(&b)));
            let shared = shared_by_hash(&ca.stems, &cb.stems);
            proptest::prop_assert!(shared == 0 || ca.may_share(&cb), "{a} / {b}");
        }
    }
}
