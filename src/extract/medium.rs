//! Where a claim was made ("interview with TASS", "statement", "Twitter").

use regex::Regex;
use std::sync::LazyLock;

/// A preposition, maybe a determiner: how a medium is introduced ("in an", "at a", "via").
const LEAD: &str = r"\b(?i:in|during|at|on|via|through)\s+(?i:an?|the|his|her|their|its)?\s*";
/// Adjectives and a medium noun ("televised interview", "news conference").
const PHRASE: &str = r"(?i:(?:exclusive|televised|written|joint|radio|tv|television|phone|telephone|video|recent|separate|press|news)\s+)*(?i:interview|statement|press\s+conference|news\s+conference|speech|op-ed|letter|email|tweet|briefing|address|post|blog\s+post|podcast|appearance)";
/// Who the interview was with, the letter to ("with TASS", "to the Prime Minister").
const TAIL: &str = r"\s+(?:with|to|on)\s+(?:the\s+)?[A-Z][\w.&’'-]*(?:\s+[A-Z][\w.&’'-]*){0,3}";

/// A medium phrase in a clause; group 1 is the phrase without its lead.
static MEDIUM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!("{LEAD}({PHRASE}(?:{TAIL})?)")).unwrap());

/// [`MEDIUM`] without its optional tail: the match starts where [`MEDIUM`]'s does, and
/// [`MEDIUM`]'s own match is this one followed by [`MEDIUM_TAIL`]'s when that matches right
/// after it (the tail is optional and greedy, so the regex takes it whenever it can).
/// Searching without the tail spares the regex its backward search over the tail's Unicode
/// word classes, which built new lazy-DFA states for most clauses naming a medium: 6.5% of
/// all instructions on real news (PolNeAR train), little on the wire mix.
static MEDIUM_CORE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!("{LEAD}({PHRASE})")).unwrap());

/// [`MEDIUM`]'s tail, anchored where [`MEDIUM_CORE`]'s match ends.
static MEDIUM_TAIL: LazyLock<Regex> = LazyLock::new(|| Regex::new(&format!("^{TAIL}")).unwrap());

/// The start of [`MEDIUM`]'s phrase (its group 1): adjectives and a medium noun, anchored.
/// With it the phrase is found without the regex's captures, whose backtracking search
/// cleared its visited set for every clause that names a medium (1.4% of all instructions).
static PHRASE_START: LazyLock<Regex> = LazyLock::new(|| Regex::new(&format!("^{PHRASE}")).unwrap());

/// [`MEDIUM`]'s determiners, in the order its alternation tries them (`an?` is "an", then "a").
const DETERMINERS: [&str; 7] = ["an", "a", "the", "his", "her", "their", "its"];

static PLATFORM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:on|in a post on|via)\s+(Twitter|Facebook|Telegram|Instagram|X|Truth Social|YouTube|TikTok)\b").unwrap()
});

/// Every match of [`MEDIUM`] contains one of its nouns, whatever its case: on the
/// ASCII-lowercased clause, one scan for all of them at once (the literals make it a SIMD
/// substring search, not an automaton).
static MEDIUM_NOUN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"interview|statement|conference|speech|op-ed|letter|email|tweet|briefing|address|post|podcast|appearance").unwrap()
});

/// Every match of [`PLATFORM`] contains one of its names, as written.
static PLATFORM_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"Twitter|Facebook|Telegram|Instagram|X|Truth Social|YouTube|TikTok").unwrap()
});

/// The medium named in a clause, if any. Tweets count as Twitter. `clause_lower` is the
/// clause with ASCII letters lowercased.
///
/// Most clauses name no medium: a search for their literal words rules the regexes out first, which
/// costs far less than a regex search that finds nothing.
pub fn medium(clause: &str, clause_lower: &str, cue_lower: &str) -> Option<String> {
    if may_name_medium(clause, clause_lower) {
        if let Some(m) = medium_phrase(clause) {
            return Some(m);
        }
    }
    if PLATFORM_NAME.is_match(clause) {
        if let Some(c) = PLATFORM.captures(clause) {
            return Some(c.get(1)?.as_str().to_string());
        }
    }
    if cue_lower.starts_with("tweet") {
        return Some("Twitter".to_string());
    }
    None
}

/// Whether [`MEDIUM`] can match: one of its nouns occurs. Case-insensitive matching also
/// folds two non-ASCII letters into ASCII ones ('ſ' to 's', the Kelvin sign to 'k'); a clause
/// with either is left to the regex.
fn may_name_medium(clause: &str, clause_lower: &str) -> bool {
    MEDIUM_NOUN.is_match(clause_lower) || clause.contains(['ſ', '\u{212a}'])
}

/// The medium phrase [`MEDIUM`] finds, white space folded and trailing punctuation dropped.
fn medium_phrase(clause: &str) -> Option<String> {
    let m = phrase(clause)?;
    let m = m.split_whitespace().collect::<Vec<_>>().join(" ");
    Some(m.trim_end_matches(['.', ',', '’', '\'']).to_string())
}

/// [`MEDIUM`]'s group 1 in `clause`: where the regex matches, its match less the leading
/// preposition, white space and determiner, told apart as the regex would.
fn phrase(clause: &str) -> Option<&str> {
    let core = MEDIUM_CORE.find(clause)?;
    let tail = MEDIUM_TAIL
        .find(&clause[core.end()..])
        .map_or(0, |t| t.end());
    let m = &clause[core.start()..core.end() + tail];
    // The preposition is the first word (none of them has a letter that case folding could
    // write outside ASCII), then the white space `\s+` takes whole.
    let rest = m
        .trim_start_matches(|c: char| !c.is_whitespace())
        .trim_start();
    // `(det)?\s*` then the phrase: the regex takes the first determiner, in its order, after
    // which the phrase can start; none when none can. Case folding writes the 's' of "his"
    // and "its" as 'ſ' too: outside ASCII, the regex's own captures decide.
    let head = rest.get(..5).unwrap_or(rest);
    if !head.is_ascii() {
        return Some(MEDIUM.captures(clause)?.get(1)?.as_str());
    }
    for det in DETERMINERS {
        let Some(word) = rest.get(..det.len()) else {
            continue;
        };
        if word.eq_ignore_ascii_case(det) {
            let after = rest[det.len()..].trim_start();
            if PHRASE_START.is_match(after) {
                return Some(after);
            }
        }
    }
    Some(rest)
}

#[cfg(test)]
mod tests {
    /// [`super::medium`] on a clause given as written.
    fn medium(clause: &str, cue_lower: &str) -> Option<String> {
        super::medium(clause, &clause.to_ascii_lowercase(), cue_lower)
    }

    #[test]
    fn finds_interviews_statements_platforms() {
        assert_eq!(
            medium(
                "Varga warned in an interview with Radio Zeta that",
                "warned"
            )
            .as_deref(),
            Some("interview with Radio Zeta")
        );
        assert_eq!(
            medium("the ministry said in a statement.", "said").as_deref(),
            Some("statement")
        );
        assert_eq!(
            medium("he wrote on Telegram", "wrote").as_deref(),
            Some("Telegram")
        );
        assert_eq!(medium("she tweeted", "tweeted").as_deref(), Some("Twitter"));
        assert_eq!(medium("he said.", "said"), None);
    }

    /// Clauses made of the pieces [`super::MEDIUM`] is made of, and some it is not, in any
    /// case and spacing.
    fn clause() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let piece = prop::sample::select(vec![
            "in",
            "In",
            "IN",
            "during",
            "at",
            "on",
            "On",
            "via",
            "through",
            "said",
            "a",
            "A",
            "an",
            "An",
            "the",
            "The",
            "THE",
            "his",
            "hiſ",
            "her",
            "their",
            "Their",
            "its",
            "iTs",
            "another",
            "news",
            "News",
            "press",
            "exclusive",
            "radio",
            "tv",
            "recent",
            "interview",
            "Interview",
            "statement",
            "conference",
            "speech",
            "letter",
            "email",
            "tweet",
            "briefing",
            "address",
            "post",
            "blog",
            "podcast",
            "appearance",
            "op-ed",
            "with",
            "to",
            "Reuters",
            "TASS",
            "Le",
            "Monde",
            "Süddeutsche",
            "Zeitung",
            "X",
            "ſtatement",
            "\u{212a}",
            "theinterview",
            "apost",
            "anews",
            "heraddress",
            ".",
            ",",
            "’s",
            "said.",
            "Kremlin",
            "2024",
        ]);
        let space = prop::sample::select(vec![" ", " ", " ", "  ", "\n", "\u{a0}", ""]);
        prop::collection::vec((piece, space), 1..14)
            .prop_map(|parts| parts.into_iter().map(|(p, s)| format!("{p}{s}")).collect())
    }

    proptest::proptest! {
        #[test]
        fn the_phrase_is_the_regexs_group(clause in clause()) {
            let want = super::MEDIUM
                .captures(&clause)
                .and_then(|c| c.get(1))
                .map(|g| g.as_str());
            proptest::prop_assert_eq!(super::phrase(&clause), want);
        }
    }

    #[test]
    fn determiners_are_told_from_the_phrase_as_the_regex_does() {
        for (clause, phrase) in [
            ("said in their statement on Monday", "statement on Monday"),
            (
                "said in an interview with Radio Zeta",
                "interview with Radio Zeta",
            ),
            ("wrote in anews conference", "news conference"),
            ("said at address", "address"),
            ("said in theinterview", "interview"),
            ("told in a news conference", "news conference"),
        ] {
            assert_eq!(super::phrase(clause), Some(phrase), "{clause}");
            assert_eq!(
                super::MEDIUM
                    .captures(clause)
                    .unwrap()
                    .get(1)
                    .unwrap()
                    .as_str(),
                phrase,
                "{clause}"
            );
        }
    }

    #[test]
    fn letters_that_fold_into_ascii_still_reach_the_regex() {
        // case-insensitive 's' matches the long s
        assert_eq!(
            medium("she said in a ſtatement.", "said").as_deref(),
            Some("ſtatement")
        );
        assert_eq!(
            medium("he said on TELEGRAM", "said"),
            None,
            "platforms are matched as written"
        );
    }
}
