//! A deterministic generator of article streams whose every claim the oracle can trace.
//!
//! Speakers belong to desks; an article features speakers of one desk only and is keyed (and
//! partitioned) by its desk, so every speaker's claims stay in one input partition, in feed
//! order. Each speaker's claims are numbered (`seq`, from 0, in feed order): a claim is either
//! a fresh statement (its text is a bijection of the speaker's topic number: a subject and a
//! predicate), a verbatim repeat, a reworded restatement or a negation of one of the speaker's
//! earlier fresh statements. [`GenArticle::claims`] lists the claims in body order with the
//! exact text the extractor yields, so an output record (`article_id`, speaker name, text)
//! names its (speaker, seq): see [`super::oracle`]. Used by the fault tests and the benchmark.

#![allow(dead_code)]

use chrono::{Duration, NaiveDate};

use super::articles::Rng;

/// Default stream length of the fault tests; `CLAIMWIRE_FAULT_ARTICLES` raises it.
pub const DEFAULT_ARTICLES: usize = 5_000;

/// The stream length of the fault tests: `CLAIMWIRE_FAULT_ARTICLES`, at least the default.
pub fn fault_articles() -> usize {
    std::env::var("CLAIMWIRE_FAULT_ARTICLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .map_or(DEFAULT_ARTICLES, |n: usize| n.max(DEFAULT_ARTICLES))
}

/// One generated article.
#[derive(Debug, Clone)]
pub struct GenArticle {
    /// The article id (unique in the stream).
    pub id: String,
    /// Its desk: the message key is `desk-<desk>`; all its speakers belong to it.
    pub desk: usize,
    /// The article as a JSON object (the articles topic's schema).
    pub json: Vec<u8>,
    /// Its attributed claims, in body order.
    pub claims: Vec<GenClaim>,
}

impl GenArticle {
    /// The Kafka message key: the desk, so that a desk's articles stay in one partition.
    pub fn key(&self) -> String {
        format!("desk-{}", self.desk)
    }
}

/// What a claim is to its speaker's earlier claims.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Form {
    /// A statement the speaker has not made before.
    Fresh,
    /// The same words as the speaker's claim `of` (a seq).
    Verbatim { of: u32 },
    /// The claim `of` in slightly other words.
    Reworded { of: u32 },
    /// The opposite of the claim `of`.
    Negated { of: u32 },
}

/// One generated claim.
#[derive(Debug, Clone)]
pub struct GenClaim {
    /// Index into [`cast`].
    pub speaker: usize,
    /// The speaker's claim number, from 0, in feed order.
    pub seq: u32,
    /// The speaker's topic number: which fresh statement this claim states, repeats or negates.
    pub topic: u32,
    pub form: Form,
    /// The claim's text exactly as extracted (a direct quote's first letter is upper case).
    pub text: String,
}

/// One invented speaker.
#[derive(Debug, Clone)]
pub struct GenSpeaker {
    pub desk: usize,
    pub first: &'static str,
    pub last: &'static str,
    pub title: &'static str,
}

impl GenSpeaker {
    /// The canonical name claimwire resolves ("Marta Brandt").
    pub fn name(&self) -> String {
        format!("{} {}", self.first, self.last)
    }
}

const FIRST: &[&str] = &[
    "Marta", "Tomas", "Alice", "Ingrid", "Rafael", "Priya", "Jonas", "Helena", "Samuel", "Lucia",
    "Pavel", "Kenji", "Amara", "Bruno", "Chiara", "Dmitri", "Elif", "Farid", "Greta", "Hugo",
    "Irene", "Oskar", "Katya", "Luis", "Mei", "Nadia", "Oscar", "Paula", "Quentin", "Rosa",
    "Anton", "Beatriz", "Carlos", "Dagny", "Emil", "Fatima", "Gustav", "Hanna", "Ivo", "Jana",
    "Karim", "Leona", "Milan", "Nora", "Otto", "Petra", "Ramon", "Sofia", "Timo", "Ursula",
    "Viktor", "Wanda", "Xavier", "Yara", "Zoran", "Agnes", "Boris", "Clara", "Diego", "Edith",
];

/// The surnames of the wire articles (`articles::LAST`): realistic, and varied enough.
use super::articles::LAST;

const TITLES: &[&str] = &[
    "Finance Minister",
    "Mayor",
    "Senator",
    "Harbour Commissioner",
    "Health Minister",
    "Transport Secretary",
    "Union leader",
    "Energy Commissioner",
];

/// The subjects of statements (30).
const SUBJECTS: &[&str] = &[
    "the harbour tunnel",
    "the night trains",
    "the northern bypass",
    "the children's hospital",
    "the tax office",
    "the coal plant",
    "the grain silo",
    "the river ferry",
    "the steel mill",
    "the city library",
    "the wind farm",
    "the border crossing",
    "the fishing fleet",
    "the water utility",
    "the airport terminal",
    "the bus depot",
    "the copper mine",
    "the fire brigade",
    "the postal service",
    "the paper factory",
    "the tram network",
    "the cattle market",
    "the sugar refinery",
    "the housing agency",
    "the ski resort",
    "the flood barrier",
    "the textile union",
    "the chemical works",
    "the vineyard cooperative",
    "the science park",
];

/// Predicates: the statement, a restatement in other words, and its negation (24).
const PREDICATES: &[(&str, &str, &str)] = &[
    (
        "will reopen to traffic next month",
        "is going to reopen to traffic by next month",
        "will not reopen to traffic next month",
    ),
    (
        "can pay its workers until the summer",
        "is able to pay its workers until the summer",
        "cannot pay its workers until the summer",
    ),
    (
        "has enough money for the winter",
        "has sufficient money for the whole winter",
        "does not have enough money for the winter",
    ),
    (
        "will hire two hundred new staff",
        "is going to hire two hundred new staff",
        "will not hire two hundred new staff",
    ),
    (
        "is safe for the public",
        "is completely safe for the public",
        "is not safe for the public",
    ),
    (
        "will be sold to a foreign investor",
        "is going to be sold to a foreign investor",
        "will never be sold to a foreign investor",
    ),
    (
        "met every environmental standard last year",
        "met every single environmental standard last year",
        "did not meet every environmental standard last year",
    ),
    (
        "will close before the election",
        "is going to close before the election",
        "will not close before the election",
    ),
    (
        "needs a second loan from the state",
        "really needs a second loan from the state",
        "does not need a second loan from the state",
    ),
    (
        "was built on time and on budget",
        "was finished on time and on budget",
        "was not built on time and on budget",
    ),
    (
        "should move to the eastern district",
        "really should move to the eastern district",
        "should not move to the eastern district",
    ),
    (
        "has cut its emissions by a third",
        "has reduced its emissions by a third",
        "has not cut its emissions by a third",
    ),
    (
        "will raise its prices in the spring",
        "is going to raise its prices in the spring",
        "will not raise its prices in the spring",
    ),
    (
        "is ready for the tourist season",
        "is fully ready for the tourist season",
        "is not ready for the tourist season",
    ),
    (
        "can survive without public subsidies",
        "is able to survive without public subsidies",
        "cannot survive without public subsidies",
    ),
    (
        "was consulted about the new rules",
        "was properly consulted about the new rules",
        "was never consulted about the new rules",
    ),
    (
        "will stay in public hands",
        "is going to stay in public hands",
        "will not stay in public hands",
    ),
    (
        "has paid back the emergency grant",
        "has repaid the emergency grant",
        "has not paid back the emergency grant",
    ),
    (
        "supports the regional strike",
        "fully supports the regional strike",
        "does not support the regional strike",
    ),
    (
        "must be inspected by the ministry",
        "really must be inspected by the ministry",
        "must not be inspected by the ministry",
    ),
    (
        "caused the blackout in the valley",
        "was the cause of the blackout in the valley",
        "did not cause the blackout in the valley",
    ),
    (
        "will get a new director this autumn",
        "is going to get a new director this autumn",
        "will not get a new director this autumn",
    ),
    (
        "is profitable again",
        "is profitable once again",
        "is not profitable again",
    ),
    (
        "has enough beds for the region",
        "has sufficient beds for the region",
        "does not have enough beds for the region",
    ),
];

/// Fresh statements a speaker can make before its texts would recur.
pub const TOPICS_PER_SPEAKER: u32 = 30 * 24;

const FILLER: &[&str] = &[
    "The announcement came after weeks of negotiations between the coalition partners.",
    "Share prices barely moved after the announcement.",
    "The figures cover the first quarter of the year.",
    "The debate is expected to dominate the session that opens next week.",
    "Observers have followed the process closely since last autumn.",
    "The regional assembly meets again on the first day of next month.",
];

const CITIES: &[&str] = &["Lisbon", "Oslo", "Nairobi", "Warsaw", "Lima", "Osaka"];
const VERBS: &[&str] = &["said", "told reporters", "insisted", "stressed", "warned"];
const DAYS: &[&str] = &["on Monday", "on Tuesday", "on Thursday", ""];

/// Speakers per desk for a stream of `n` articles over `desks` desks: enough that a speaker
/// makes about 13 fresh statements on average and rarely over 24 (3 claims per article, 55% fresh), so that no two
/// of them share a subject or a predicate and a fresh statement is judged new; capped by the
/// names there are (larger streams share words between a speaker's statements).
pub fn speakers_per_desk(n: usize, desks: usize) -> usize {
    (n / (desks * 8)).clamp(4, MAX_SPEAKERS / desks)
}

/// Distinct full names (60 first names x 30 surnames).
pub const MAX_SPEAKERS: usize = 1800;

/// The speakers of a stream: `per_desk` per desk, with unique full names.
pub fn cast(desks: usize, per_desk: usize) -> Vec<GenSpeaker> {
    assert!(desks * per_desk <= MAX_SPEAKERS, "too few names");
    (0..desks * per_desk)
        .map(|i| GenSpeaker {
            desk: i / per_desk,
            first: FIRST[i % 60],
            // (i % 60, (i + i / 60) % 30) is unique for i < 1800.
            last: LAST[(i + i / 60) % 30],
            title: TITLES[i % TITLES.len()],
        })
        .collect()
}

/// The fresh statement number `topic` of speaker `speaker`: (subject, predicate) indices,
/// a bijection of `topic` below [`TOPICS_PER_SPEAKER`] (with t = 30q + r: the subject gives
/// r, the predicate 7q + r mod 24, and 7 is invertible mod 24). Topics 0..24 differ in both.
fn statement(speaker: usize, topic: u32) -> (usize, usize) {
    let t = (topic % TOPICS_PER_SPEAKER) as usize;
    let subject = (t + 7 * speaker) % 30;
    let predicate = (t / 30 + t + speaker) % 24;
    (subject, predicate)
}

/// A claim's text in lower case (the indirect form; a direct quote capitalises it).
fn claim_text(speaker: usize, topic: u32, form: Form) -> String {
    let (s, p) = statement(speaker, topic);
    let (plain, reworded, negated) = PREDICATES[p];
    let predicate = match form {
        Form::Fresh | Form::Verbatim { .. } => plain,
        Form::Reworded { .. } => reworded,
        Form::Negated { .. } => negated,
    };
    format!("{} {predicate}", SUBJECTS[s])
}

fn capitalised(s: &str) -> String {
    let mut c = s.to_owned();
    c[..1].make_ascii_uppercase();
    c
}

/// Per speaker: the topics stated so far (with the seq that first stated them), and the
/// next seq.
#[derive(Default, Clone)]
struct SpeakerState {
    stated: Vec<(u32, u32)>,
    next_seq: u32,
}

/// The next claim of a speaker.
fn next_claim(rng: &mut Rng, speaker: usize, st: &mut SpeakerState) -> GenClaim {
    let seq = st.next_seq;
    st.next_seq += 1;
    let roll = rng.below(100);
    let (topic, form) = if st.stated.is_empty() || roll < 55 {
        let topic = st.stated.len() as u32;
        assert!(topic < TOPICS_PER_SPEAKER, "a speaker ran out of topics");
        st.stated.push((topic, seq));
        (topic, Form::Fresh)
    } else {
        let &(topic, of) = rng.pick(&st.stated);
        let form = match roll {
            55..=76 => Form::Verbatim { of },
            77..=89 => Form::Reworded { of },
            _ => Form::Negated { of },
        };
        (topic, form)
    };
    GenClaim {
        speaker,
        seq,
        topic,
        form,
        text: claim_text(speaker, topic, form),
    }
}

/// One paragraph attributing `claim` to its speaker in one of a few wire styles; the claim's
/// text is set to what the extractor yields (a direct quote keeps its capital).
fn paragraph(rng: &mut Rng, who: &GenSpeaker, claim: &mut GenClaim) -> String {
    let name = who.name();
    let verb = *rng.pick(VERBS);
    let mut para = match rng.below(4) {
        0 => format!(
            "{} {name} {verb} {} that {}.",
            who.title,
            *rng.pick(DAYS),
            claim.text
        ),
        1 => {
            claim.text = capitalised(&claim.text);
            format!("“{},” {name} {verb}.", claim.text)
        }
        2 => {
            claim.text = capitalised(&claim.text);
            format!(
                "“{},” said {name}, the {}.",
                claim.text,
                who.title.to_lowercase()
            )
        }
        _ => format!("{name} {verb} that {}.", claim.text),
    };
    para = para.replace("  ", " ");
    for _ in 0..rng.below(3) {
        para.push(' ');
        let filler: &&str = rng.pick(FILLER);
        para.push_str(filler);
    }
    para
}

/// `n` articles over `desks` desks, in feed order, from `seed`: the same arguments give the
/// same bytes everywhere. Each article has 2 to 4 claims by 1 to 3 speakers of its desk.
pub fn generate(seed: u64, n: usize, desks: usize) -> Vec<GenArticle> {
    let per_desk = speakers_per_desk(n, desks);
    let speakers = cast(desks, per_desk);
    let mut state = vec![SpeakerState::default(); speakers.len()];
    let mut rng = Rng::new(seed);
    let start = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
    (0..n)
        .map(|i| {
            let desk = rng.below(desks);
            let id = format!("fa-{seed}-{i:06}");
            let date = start + Duration::days((i * 365 / n.max(1)) as i64);
            let mut paragraphs = Vec::new();
            let mut claims = Vec::new();
            for _ in 0..2 + rng.below(3) {
                let speaker = desk * per_desk + rng.below(per_desk);
                let mut claim = next_claim(&mut rng, speaker, &mut state[speaker]);
                paragraphs.push(paragraph(&mut rng, &speakers[speaker], &mut claim));
                claims.push(claim);
            }
            let city = *rng.pick(CITIES);
            let body = paragraphs.join("\n\n");
            let json = serde_json::json!({
                "id": id,
                "title": format!("Desk {desk} report {i} from {city}"),
                "source": "Fault Wire",
                "published_at": format!("{date}T{:02}:{:02}:00Z", 6 + i % 12, i % 60),
                "language": "en",
                "body": body,
            });
            GenArticle {
                id,
                desk,
                json: serde_json::to_vec(&json).unwrap(),
                claims,
            }
        })
        .collect()
}
