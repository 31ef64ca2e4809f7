//! The judgement of one claim against one earlier claim by the same speaker.

use std::collections::HashSet;

use crate::record::Relation;

use super::text::tokens;

/// How a new claim relates to one earlier claim.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Judgement {
    /// 0..1.
    pub similarity: f32,
    /// `None` when the two claims are unrelated.
    pub relation: Option<Relation>,
}

const NEGATIONS: &[&str] = &[
    "not", "no", "never", "n't", "nothing", "none", "nobody", "neither", "nor", "cannot",
];

fn negations(normalized: &str) -> usize {
    tokens(normalized)
        .filter(|t| NEGATIONS.contains(t) || t.ends_with("n't"))
        .count()
}

/// Judges normalised texts `new` against `old`.
pub fn judge_pair(new: &str, old: &str) -> Judgement {
    if new == old {
        return Judgement {
            similarity: 1.0,
            relation: Some(Relation::Verbatim),
        };
    }
    let a: HashSet<&str> = tokens(new).collect();
    let b: HashSet<&str> = tokens(old).collect();
    if a.is_empty() || b.is_empty() {
        return Judgement {
            similarity: 0.0,
            relation: None,
        };
    }
    let shared = a.intersection(&b).count() as f32;
    let dice = 2.0 * shared / (a.len() + b.len()) as f32;
    let negation_flip = negations(new) % 2 != negations(old) % 2;
    let relation = if negation_flip && dice >= 0.5 {
        Some(Relation::Reversal)
    } else if dice >= 0.9 {
        Some(Relation::NearVerbatim)
    } else if dice >= 0.5 {
        Some(Relation::Paraphrase)
    } else if dice >= 0.25 {
        Some(Relation::Related)
    } else {
        None
    };
    Judgement {
        similarity: dice,
        relation,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::track::normalize;

    fn judge(a: &str, b: &str) -> Judgement {
        judge_pair(&normalize(a), &normalize(b))
    }

    #[test]
    fn same_text_is_verbatim_both_ways() {
        let j = judge("Taxes will fall next year.", "taxes will fall next year");
        assert_eq!(j.relation, Some(Relation::Verbatim));
        assert_eq!(j.similarity, 1.0);
    }

    #[test]
    fn a_negated_claim_is_a_reversal() {
        let j = judge(
            "The bridge will not reopen before winter.",
            "The bridge will reopen before winter.",
        );
        assert_eq!(j.relation, Some(Relation::Reversal));
    }

    #[test]
    fn unrelated_claims_have_no_relation() {
        let j = judge("Wages have stagnated.", "The port reopens on Monday.");
        assert_eq!(j.relation, None);
    }
}
