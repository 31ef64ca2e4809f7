//! Where a claim was made ("interview with TASS", "statement", "Twitter").

use regex::Regex;
use std::sync::LazyLock;

static MEDIUM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?i:in|during|at|on|via|through)\s+(?i:an?|the|his|her|their|its)?\s*((?i:(?:exclusive|televised|written|joint|radio|tv|television|phone|telephone|video|recent|separate|press|news)\s+)*(?i:interview|statement|press\s+conference|news\s+conference|speech|op-ed|letter|email|tweet|briefing|address|post|blog\s+post|podcast|appearance)(?:\s+(?:with|to|on)\s+(?:the\s+)?[A-Z][\w.&’'-]*(?:\s+[A-Z][\w.&’'-]*){0,3})?)").unwrap()
});

static PLATFORM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:on|in a post on|via)\s+(Twitter|Facebook|Telegram|Instagram|X|Truth Social|YouTube|TikTok)\b").unwrap()
});

/// The medium named in a clause, if any. Tweets count as Twitter.
pub fn medium(clause: &str, cue_lower: &str) -> Option<String> {
    if let Some(c) = MEDIUM.captures(clause) {
        let m = c.get(1)?.as_str();
        let m = m.split_whitespace().collect::<Vec<_>>().join(" ");
        let m = m.trim_end_matches(['.', ',', '’', '\'']).to_string();
        return Some(m);
    }
    if let Some(c) = PLATFORM.captures(clause) {
        return Some(c.get(1)?.as_str().to_string());
    }
    if cue_lower.starts_with("tweet") {
        return Some("Twitter".to_string());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
