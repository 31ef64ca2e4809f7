//! Judgement behaviour on invented claims, and its invariants.

use claimwire::claim::SpeakerKind;
use claimwire::record::{Relation, Status};
use claimwire::speaker::Identities;
use claimwire::track::{anchors, judge_pair, normalize, Memory, Probe, View};
use proptest::prelude::*;

fn judge(new: &str, old: &str) -> Option<Relation> {
    let (a, b) = (normalize(new), normalize(old));
    let (aa, ab) = (anchors(new), anchors(old));
    judge_pair(
        View {
            normalized: &a,
            anchors: &aa,
            embedding: None,
        },
        View {
            normalized: &b,
            anchors: &ab,
            embedding: None,
        },
    )
    .relation
}

fn remember(
    memory: &mut Memory,
    speaker: &str,
    claim_id: &str,
    text: &str,
    date: &str,
) -> claimwire::record::History {
    let probe = Probe::new(text, None);
    let history = memory.judge(speaker, &probe, Some(date.to_owned()));
    let seq = memory.next_seq();
    memory.insert(probe.into_entry(
        seq,
        claim_id,
        format!("art-{claim_id}"),
        speaker.into(),
        &history,
    ));
    history
}

#[test]
fn a_repeat_links_back_and_counts() {
    let mut m = Memory::new();
    let s = "person:ines-okafor";
    let first = remember(
        &mut m,
        s,
        "c1",
        "The harbour tunnel will open to traffic in May.",
        "2026-01-02",
    );
    assert_eq!(first.status, Status::New);
    remember(
        &mut m,
        s,
        "c2",
        "School meals will be free for every pupil from September.",
        "2026-01-05",
    );
    let again = remember(
        &mut m,
        s,
        "c3",
        "The harbour tunnel will open to traffic in May!",
        "2026-02-10",
    );
    assert_eq!(again.status, Status::Repeat);
    assert_eq!(&*again.matches[0].claim_id, "c1");
    assert_eq!(again.matches[0].relation, Relation::Verbatim);
    assert_eq!(again.first_seen.as_deref(), Some("2026-01-02"));
    assert_eq!(again.times_seen, 2);
    let third = remember(
        &mut m,
        s,
        "c4",
        "In May the harbour tunnel will open to traffic.",
        "2026-03-01",
    );
    assert_eq!(third.status, Status::Repeat);
    assert_eq!(third.times_seen, 3);
    assert_eq!(third.first_seen.as_deref(), Some("2026-01-02"));
}

#[test]
fn a_negated_repeat_is_a_reversal() {
    let mut m = Memory::new();
    let s = "person:ines-okafor";
    remember(
        &mut m,
        s,
        "c1",
        "The harbour tunnel will open to traffic in May.",
        "2026-01-02",
    );
    let h = remember(
        &mut m,
        s,
        "c2",
        "The harbour tunnel won't open to traffic in May.",
        "2026-04-02",
    );
    assert_eq!(h.status, Status::Reversal);
    assert_eq!(h.matches[0].relation, Relation::Reversal);
}

#[test]
fn negating_one_sentence_of_a_longer_claim_is_a_reversal() {
    assert_eq!(
        judge(
            "The reservoir is not safe to swim in.",
            "We tested the water twice this summer. The reservoir is safe to swim in. Come and enjoy it.",
        ),
        Some(Relation::Reversal)
    );
}

#[test]
fn other_speakers_do_not_share_a_history() {
    let ids = Identities::default();
    let a = ids
        .resolve(SpeakerKind::Person, Some("Maria Lindqvist"))
        .unwrap();
    let b = ids
        .resolve(SpeakerKind::Person, Some("Sven Lindqvist"))
        .unwrap();
    assert_ne!(a, b);
    let mut m = Memory::new();
    remember(
        &mut m,
        &a,
        "c1",
        "Rail fares will be frozen for two years.",
        "2026-01-01",
    );
    let h = remember(
        &mut m,
        &b,
        "c2",
        "Rail fares will be frozen for two years.",
        "2026-01-02",
    );
    assert_eq!(h.status, Status::New);
    assert!(h.matches.is_empty());
}

#[test]
fn swapped_entities_and_numbers_are_not_repeats() {
    for (a, b) in [
        (
            "Mayor Quinlan approved the stadium budget on Tuesday.",
            "Mayor Okonjo approved the stadium budget on Tuesday.",
        ),
        (
            "Unemployment fell to 4 percent last quarter.",
            "Unemployment fell to 7 percent last quarter.",
        ),
        (
            "Tesvik Motors will cut 300 jobs in Bremen.",
            "Tesvik Motors will cut 300 jobs in Leipzig.",
        ),
        (
            "The ferry strike ends tomorrow.",
            "The ferry strike ends next week.",
        ),
    ] {
        let r = judge(a, b);
        assert!(!r.is_some_and(Relation::is_repeat), "{a} / {b}: {r:?}");
        assert_ne!(r, Some(Relation::Reversal), "{a} / {b}");
    }
}

#[test]
fn antonyms_and_soft_negations_reverse() {
    for (a, b) in [
        (
            "Crime in the old town rose sharply last year.",
            "Crime in the old town fell sharply last year.",
        ),
        (
            "The minister confirmed the talks with the union.",
            "The minister denied the talks with the union.",
        ),
        (
            "Someone else wrote the budget memo.",
            "I wrote the budget memo.",
        ),
        (
            "The council refused to publish the audit.",
            "The council agreed to publish the audit.",
        ),
    ] {
        assert_eq!(judge(a, b), Some(Relation::Reversal), "{a} / {b}");
    }
}

#[test]
fn reworded_claims_are_paraphrases_lexically_too() {
    let r = judge(
        "Taxes on small businesses were cut by the new government.",
        "The new government cut taxes on small businesses.",
    );
    assert!(r.is_some_and(Relation::is_repeat), "{r:?}");
}

#[test]
fn unrelated_claims_are_not_linked() {
    assert_eq!(
        judge(
            "Our hospitals need two thousand more nurses.",
            "The bridge toll goes up in spring."
        ),
        None
    );
}

fn sentence() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("the"),
            Just("council"),
            Just("will"),
            Just("raise"),
            Just("taxes"),
            Just("on"),
            Just("fuel"),
            Just("next"),
            Just("year"),
            Just("Berlin"),
            Just("says"),
            Just("has"),
            Just("approved"),
            Just("42"),
            Just("new"),
            Just("homes"),
            Just("quickly"),
            Just("is"),
        ],
        3..14,
    )
    .prop_map(|w| w.join(" "))
}

proptest! {
    #[test]
    fn verbatim_is_symmetric_and_exact(a in sentence(), b in sentence()) {
        let ab = judge(&a, &b);
        let ba = judge(&b, &a);
        prop_assert_eq!(ab == Some(Relation::Verbatim), ba == Some(Relation::Verbatim));
        prop_assert_eq!(ab == Some(Relation::Verbatim), normalize(&a) == normalize(&b));
    }

    #[test]
    fn a_negation_is_never_a_paraphrase(a in sentence()) {
        for negated in [format!("it is not true that {a}"), a.replacen(" will ", " will not ", 1), a.replacen(" is ", " isn't ", 1), a.replacen(" has ", " has never ", 1)] {
            if normalize(&negated) == normalize(&a) {
                continue;
            }
            let r = judge(&negated, &a);
            prop_assert!(r != Some(Relation::Paraphrase) && r != Some(Relation::NearVerbatim) && r != Some(Relation::Verbatim), "{} / {}: {:?}", negated, a, r);
            let r = judge(&a, &negated);
            prop_assert!(r != Some(Relation::Paraphrase) && r != Some(Relation::NearVerbatim) && r != Some(Relation::Verbatim), "{} / {}: {:?}", a, negated, r);
        }
    }

    #[test]
    fn normalisation_is_idempotent(text in "\\PC{0,120}") {
        let once = normalize(&text);
        prop_assert_eq!(normalize(&once), once.clone());
    }

    #[test]
    fn similarity_stays_in_range(a in sentence(), b in sentence()) {
        let (na, nb) = (normalize(&a), normalize(&b));
        let (aa, ab) = (anchors(&a), anchors(&b));
        let j = judge_pair(View { normalized: &na, anchors: &aa, embedding: None }, View { normalized: &nb, anchors: &ab, embedding: None });
        prop_assert!((0.0..=1.0).contains(&j.similarity));
    }
}
