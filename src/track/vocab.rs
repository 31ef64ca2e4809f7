//! `Vocab`: what judgement asks of each word of a claim, worked out once per distinct word
//! on each thread and looked up after that.
//!
//! A claim's analysis asked every word whether it is a stopword, a negator or a soft
//! negator, stemmed it, hashed the stem, and asked the stem whether it is a number, starts
//! with a negating prefix or has antonyms: about 500 instructions a word, most of the cost
//! of judging a claim. News reuses its words, so a thread remembers the answers: a lookup
//! is a hash of the word and a comparison.

use std::cell::RefCell;

use foldhash::{HashMap, HashMapExt};
use xxhash_rust::xxh3::xxh3_64;

use super::text::{
    antonyms_of, is_negator, is_number_like, is_soft_negator, is_stopword, stem_into,
    NEGATING_PREFIXES,
};

/// A number, an amount, a date, or a word of the claim's anchors.
pub(super) const NAMED: u8 = 1;
/// Starts with a negating prefix: may be the longer side of a
/// [`negated_form`](super::text::negated_form).
pub(super) const PREFIXED: u8 = 2;
/// Has antonyms in the table.
pub(super) const HAS_ANTONYMS: u8 = 4;

/// A [`negator`](is_negator).
pub(super) const NEGATOR: u8 = 1;
/// A [`soft negator`](is_soft_negator).
pub(super) const SOFT_NEGATOR: u8 = 2;

/// The hash a stem is known by: also its key in a speaker's word index.
pub(super) fn stem_hash(w: &str) -> u64 {
    xxh3_64(w.as_bytes())
}

/// The flags of a stem: [`NAMED`], [`PREFIXED`], [`HAS_ANTONYMS`].
pub(super) fn stem_flags(stem: &str) -> u8 {
    let mut flags = 0;
    if is_number_like(stem) {
        flags |= NAMED;
    }
    if NEGATING_PREFIXES.iter().any(|p| stem.starts_with(p)) {
        flags |= PREFIXED;
    }
    if !antonyms_of(stem).is_empty() {
        flags |= HAS_ANTONYMS;
    }
    flags
}

/// What judgement asks of one word (as [`words`](super::text::words) gives it).
#[derive(Debug, Clone, PartialEq)]
struct Known {
    /// [`NEGATOR`] and [`SOFT_NEGATOR`] bits.
    negation: u8,
    /// Its stem, its hash and flags, when the word is neither a stopword nor a negator:
    /// what a claim's content and its word-index keys are made of.
    stem: Option<(Box<str>, u64, u8)>,
}

impl Known {
    fn of(word: &str) -> Self {
        let mut negation = 0;
        if is_negator(word) {
            negation |= NEGATOR;
        }
        if is_soft_negator(word) {
            negation |= SOFT_NEGATOR;
        }
        let stem = (!is_stopword(word) && negation & NEGATOR == 0).then(|| {
            let mut s = String::with_capacity(word.len() + 1);
            stem_into(word, &mut s);
            let (hash, flags) = (stem_hash(&s), stem_flags(&s));
            (s.into_boxed_str(), hash, flags)
        });
        Known { negation, stem }
    }

    /// This word in a claim: its stem, if any, appended to `text` and placed there.
    fn looked(&self, text: &mut String) -> Looked {
        let stem = self.stem.as_ref().map(|(s, hash, flags)| {
            let start = text.len() as u32;
            text.push_str(s);
            (start, text.len() as u32, *hash, *flags)
        });
        Looked {
            negation: self.negation,
            stem,
        }
    }
}

/// One word of a claim, looked up: its negation bits and, when it has a stem, where the stem
/// is in the buffer it was appended to, with its hash and flags.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Looked {
    pub negation: u8,
    /// Start and end of the stem in the buffer, its hash and its flags.
    pub stem: Option<(u32, u32, u64, u8)>,
}

/// Distinct words a thread remembers at most; past that it starts again (a wire's
/// vocabulary is some tens of thousands of words; at about 80 bytes a word, 5 MB).
const MAX_WORDS: usize = 1 << 16;

thread_local! {
    static KNOWN: RefCell<HashMap<Box<str>, Known>> = RefCell::new(HashMap::new());
}

/// Looks up each of `words`, appending the stems to `text`: the same as asking each word
/// directly ([`Known::of`]), remembered per thread.
pub(super) fn look_up(words: &[&str], text: &mut String) -> Vec<Looked> {
    KNOWN.with(|cell| match cell.try_borrow_mut() {
        Ok(mut known) => look_up_in(&mut known, words, text),
        // Only if called from inside itself, which it never is.
        Err(_) => look_up_in(&mut HashMap::new(), words, text),
    })
}

fn look_up_in(
    known: &mut HashMap<Box<str>, Known>,
    words: &[&str],
    text: &mut String,
) -> Vec<Looked> {
    if known.len() + words.len() > MAX_WORDS {
        known.clear();
    }
    words
        .iter()
        .map(|&w| {
            let k = match known.get(w) {
                Some(k) => k,
                None => known.entry(w.into()).or_insert_with(|| Known::of(w)),
            };
            k.looked(text)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What [`look_up`] gives, asked of every word directly.
    fn direct(words: &[&str], text: &mut String) -> Vec<Looked> {
        words.iter().map(|w| Known::of(w).looked(text)).collect()
    }

    #[test]
    fn words_are_told_apart_as_judgement_needs() {
        let mut text = String::new();
        let looked = look_up(
            &["not", "refused", "the", "unfair", "taxes", "2024"],
            &mut text,
        );
        assert_eq!(looked[0].negation, NEGATOR);
        assert_eq!(looked[0].stem, None, "a negator has no stem");
        assert_eq!(looked[1].negation, SOFT_NEGATOR);
        assert!(
            looked[1].stem.is_some(),
            "a soft negator is a content word too"
        );
        assert_eq!(looked[2].stem, None, "a stopword has no stem");
        let stem = |l: &Looked| {
            let (s, e, _, _) = l.stem.unwrap();
            &text[s as usize..e as usize]
        };
        assert_eq!(stem(&looked[3]), "unfair");
        assert_eq!(looked[3].stem.unwrap().3 & PREFIXED, PREFIXED);
        assert_eq!(stem(&looked[4]), "tax");
        assert_eq!(looked[4].stem.unwrap().2, stem_hash("tax"));
        assert_eq!(looked[5].stem.unwrap().3 & NAMED, NAMED);
    }

    #[test]
    fn a_full_memo_starts_again_and_still_answers() {
        let mut known = HashMap::new();
        let many: Vec<String> = (0..MAX_WORDS).map(|i| format!("w{i}")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        look_up_in(&mut known, &many, &mut String::new());
        assert_eq!(known.len(), MAX_WORDS);
        let (mut a, mut b) = (String::new(), String::new());
        let looked = look_up_in(&mut known, &["rising", "prices"], &mut a);
        assert_eq!(known.len(), 2, "cleared before the claim's words went in");
        assert_eq!(looked, direct(&["rising", "prices"], &mut b));
        assert_eq!(a, b);
    }

    proptest! {
        #[test]
        fn remembered_answers_are_the_direct_ones(
            words in proptest::collection::vec("[a-z0-9']{0,9}|not|no|refuse|fails|the|unfair|yes|rises|ied", 0..24),
        ) {
            let words: Vec<&str> = words.iter().map(String::as_str).collect();
            // Twice: the first asks (mostly) new words, the second only remembered ones.
            for _ in 0..2 {
                let (mut a, mut b) = (String::new(), String::new());
                prop_assert_eq!(look_up(&words, &mut a), direct(&words, &mut b));
                prop_assert_eq!(a, b);
            }
        }
    }
}
