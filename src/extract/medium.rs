//! Where a claim was made ("interview with TASS", "statement", "Twitter").

use regex::Regex;
use std::sync::LazyLock;

static MEDIUM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?i:in|during|at|on|via|through)\s+(?i:an?|the|his|her|their|its)?\s*((?i:(?:exclusive|televised|written|joint|radio|tv|television|phone|telephone|video|recent|separate|press|news)\s+)*(?i:interview|statement|press\s+conference|news\s+conference|speech|op-ed|letter|email|tweet|briefing|address|post|blog\s+post|podcast|appearance)(?:\s+(?:with|to|on)\s+(?:the\s+)?[A-Z][\w.&’'-]*(?:\s+[A-Z][\w.&’'-]*){0,3})?)").unwrap()
});

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
    if let Some(c) = MEDIUM.captures(clause) {
        let m = c.get(1)?.as_str();
        let m = m.split_whitespace().collect::<Vec<_>>().join(" ");
        let m = m.trim_end_matches(['.', ',', '’', '\'']).to_string();
        return Some(m);
    }
    None
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
