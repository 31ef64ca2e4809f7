//! Attributions that state nothing: a cue and a source, but no claim. "The ministry declined
//! to comment", "she spoke to reporters in Warsaw" and "markets reacted with the index
//! closing higher" have the shape of reported speech, and what follows the cue is a refusal,
//! an audience or a reaction, never something the source said. Monitoring a speaker's claims,
//! such lines are noise: each would enter the speaker's history as a "claim".

/// Verbs of speaking whose "to" introduces the audience ("spoke to reporters").
const SPEAK_TO: &[&str] = &[
    "spoke", "speak", "speaks", "speaking", "talked", "talk", "talks", "talking",
];

/// Verbs of refusing, whose "to …" is what the source would not do.
const REFUSE: &[&str] = &[
    "declined",
    "declines",
    "declining",
    "refused",
    "refuses",
    "refusing",
];

/// What a refusal leaves unsaid ("declined to comment further").
const NOT_SAID: &[&str] = &[
    "to comment",
    "to elaborate",
    "to be named",
    "to be identified",
    "to give details",
    "to give further details",
    "to discuss",
];

/// Verbs of reacting, whose "with …" is how, not what ("markets reacted with …").
const REACT: &[&str] = &["reacted", "reacts", "reacting"];

/// Whether an attribution with this cue (lowercased, as written: "spoke to") and content
/// states nothing. The content is compared without regard to ASCII case.
pub fn says_nothing(cue: &str, content: &str) -> bool {
    let mut words = cue.split_whitespace();
    let head = words.next().unwrap_or("");
    let particle = words.next();
    let content = content.trim().trim_end_matches(['.', ',', ';', ':']);
    if SPEAK_TO.contains(&head) && particle == Some("to") {
        return true;
    }
    if REFUSE.contains(&head) {
        return NOT_SAID.iter().any(|n| {
            content.eq_ignore_ascii_case(n)
                || starts_with(content, n)
                    && content.as_bytes().get(n.len()) == Some(&b' ')
                    && (ends_with(content, " further")
                        || ends_with(content, " on the matter")
                        || ends_with(content, " on the record"))
        });
    }
    REACT.contains(&head) && starts_with(content, "with ")
}

/// `s.starts_with(prefix)` without regard to ASCII case (`prefix` in lower case).
fn starts_with(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len() && s.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// `s.ends_with(suffix)` without regard to ASCII case (`suffix` in lower case).
fn ends_with(s: &str, suffix: &str) -> bool {
    s.len() >= suffix.len()
        && s.as_bytes()[s.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::says_nothing;

    #[test]
    fn refusals_audiences_and_reactions_state_nothing() {
        assert!(says_nothing("declined", "to comment"));
        assert!(says_nothing("declined", "to comment further."));
        assert!(says_nothing("declined", "To Comment Further."));
        assert!(says_nothing("refused", "to be named"));
        assert!(says_nothing("spoke to", "journalists after the vote"));
        assert!(says_nothing("talking to", "supporters in Lyon"));
        assert!(says_nothing("reacted", "with the index closing higher"));
    }

    #[test]
    fn claims_after_the_same_verbs_still_count() {
        assert!(!says_nothing("declined", "to rule out a tax rise"));
        assert!(!says_nothing(
            "declined",
            "to comment on why the plant was closed, saying it was safe"
        ));
        assert!(!says_nothing("spoke of", "a betrayal of the voters"));
        assert!(!says_nothing("spoke about", "the need for new elections"));
        assert!(!says_nothing("reacted", "by calling the ruling a disgrace"));
        assert!(!says_nothing("said", "to comment"));
    }

    #[test]
    fn extraction_keeps_the_claims_and_drops_what_states_nothing() {
        let body = "Mayor Ines Falk spoke to reporters in Lyon on Monday. \
                    \"The tram line opens in June,\" Falk said. \
                    The transport ministry declined to comment. \
                    Markets reacted with the index closing slightly higher.";
        let claims = crate::extract::extract(body, None);
        let texts: Vec<&str> = claims.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, ["The tram line opens in June"]);
    }
}
