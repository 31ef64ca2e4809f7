//! A deterministic generator of realistic wire articles: a few paragraphs mixing direct
//! quotes, reported speech and mixed quotes by invented speakers, with datelines, follow-up
//! pronoun attributions and unnamed sources. Shared by the Kafka tests and the benchmark.

#![allow(dead_code)]

/// A small xorshift generator: the same seed gives the same articles everywhere.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const TITLES: &[&str] = &[
    "Finance Minister",
    "Mayor",
    "Senator",
    "Central Bank Governor",
    "Defence Secretary",
    "Health Minister",
    "Opposition leader",
    "Prime Minister",
    "Union chief",
    "Energy Commissioner",
    "Spokesman",
    "Foreign Minister",
    "Governor",
    "Chief Executive",
];

const FIRST: &[&str] = &[
    "Marta", "Tomas", "Alice", "Ingrid", "Rafael", "Priya", "Jonas", "Helena", "Samuel", "Lucia",
    "Pavel", "Kenji", "Amara", "Bruno", "Chiara", "Dmitri", "Elif", "Farid", "Greta", "Hugo",
    "Irene", "Joao", "Katya", "Luis", "Mei", "Nadia", "Oscar", "Paula", "Quentin", "Rosa",
];

pub const LAST: &[&str] = &[
    "Velasquez",
    "Brandt",
    "Okafor",
    "Solberg",
    "Montoya",
    "Raman",
    "Eklund",
    "Kowalczyk",
    "Achebe",
    "Ferreira",
    "Orlov",
    "Watanabe",
    "Haddad",
    "Lindqvist",
    "Moreau",
    "Novak",
    "Petrov",
    "Quispe",
    "Rossi",
    "Sato",
    "Tanaka",
    "Ueda",
    "Varga",
    "Weber",
    "Yilmaz",
    "Zeller",
    "Almeida",
    "Bianchi",
    "Castillo",
    "Dubois",
];

const CITIES: &[&str] = &[
    "Lisbon", "Oslo", "Nairobi", "Warsaw", "Lima", "Osaka", "Berlin", "Ottawa",
];

const SUBJECTS: &[&str] = &[
    "inflation",
    "the new budget",
    "the port",
    "the railway reform",
    "unemployment",
    "the steel agreement",
    "the hospital programme",
    "the army",
    "interest rates",
    "the strike",
    "the pipeline project",
    "the election",
    "the energy reform",
    "the housing plan",
    "the trade deal",
    "the pension system",
    "the water supply",
    "the airport expansion",
];

const PREDICATES: &[&str] = &[
    "will fall below three percent by the end of the year",
    "does not raise taxes on working families",
    "will reopen to commercial traffic next month",
    "has no chance of passing parliament",
    "has reached its lowest level in a decade",
    "protects thousands of jobs",
    "has been cut by half",
    "will be withdrawn from the border region",
    "will stay unchanged until the spring",
    "will continue until wages are raised",
    "is unacceptable for national security",
    "will be held on schedule",
    "will not lead to higher electricity prices",
    "will cost twice as much as planned",
    "is a threat to the entire region",
];

const FILLER: &[&str] = &[
    "The announcement came after weeks of negotiations between the coalition partners and the regional governments.",
    "Markets reacted calmly, with the main index closing slightly higher and bond yields little changed.",
    "The figures, published by the national statistics office, cover the first quarter of the year.",
    "Critics have long argued that the measures come too late and do too little for the poorest households.",
    "The debate is expected to dominate the parliamentary session that opens next week.",
    "Several international observers have followed the process closely since it began last autumn.",
];

/// Background without any attribution, for the length of realistic stories and briefs.
const NEUTRAL: &[&str] = &[
    "The index of leading indicators rose for a third consecutive month, led by construction and retail.",
    "Shares of the largest lenders ended the session higher, while the currency was little changed against the euro.",
    "The vote is scheduled for the second week of next month, after the committee hearings are concluded.",
    "The region has a population of about four million and relies heavily on tourism and agriculture.",
    "Temperatures are forecast to stay above the seasonal average through the weekend, with rain in the north.",
    "The company employs some twelve thousand people in nine countries and reported revenue growth last year.",
    "Trading volumes were thin ahead of the holiday, and oil prices edged down in the afternoon.",
    "The visiting side scored twice in the second half to win the match three goals to one.",
    "The bridge, built in the nineteen sixties, carries about forty thousand vehicles a day.",
    "The agreement runs for five years and can be extended by mutual consent of both parties.",
];

const VERBS: &[&str] = &[
    "said",
    "told reporters",
    "warned",
    "insisted",
    "claimed",
    "stressed",
];
const DAYS: &[&str] = &[
    "on Monday",
    "on Tuesday",
    "on Wednesday",
    "on Thursday",
    "on Friday",
    "",
];
const MEDIA: &[&str] = &[
    "in an interview with state television",
    "at a press conference",
    "in a statement",
    "in a radio interview",
];

/// A claim: a subject and a predicate.
fn claim(rng: &mut Rng) -> String {
    format!("{} {}", rng.pick(SUBJECTS), rng.pick(PREDICATES))
}

fn capitalised(s: &str) -> String {
    let mut c = s.to_owned();
    c[..1].make_ascii_uppercase();
    c
}

/// One paragraph: an attributed claim in one of five forms, then 1 to `max_fillers`
/// sentences of background.
fn paragraph(rng: &mut Rng, city: &str, max_fillers: usize) -> String {
    let title = rng.pick(TITLES);
    let (first, last) = (rng.pick(FIRST), rng.pick(LAST));
    let claim = claim(rng);
    let verb = rng.pick(VERBS);
    let when = rng.pick(DAYS);
    let mut para = match rng.below(5) {
        0 => format!("{title} {first} {last} {verb} {when} that {claim}."),
        1 => format!(
            "“{},” {first} {last} {verb} {}. “We have been very clear about this.”",
            capitalised(&claim),
            rng.pick(MEDIA)
        ),
        2 => format!(
            "{title} {first} {last} {verb} {when} that the plan would pose a “serious risk” and that {claim}. {last} added that talks would continue."
        ),
        3 => format!(
            "Officials familiar with the matter said that {claim}, although the ministry declined to comment."
        ),
        _ => format!(
            "{title} {first} {last} spoke to reporters in {city}. “{}. Nobody should doubt it,” {last} said.",
            capitalised(&claim)
        ),
    };
    let fillers = 1 + rng.below(max_fillers);
    push_fillers(rng, &mut para, fillers);
    para
}

fn push_fillers(rng: &mut Rng, para: &mut String, n: usize) {
    for _ in 0..n {
        if !para.is_empty() {
            para.push(' ');
        }
        let filler: &&str = rng.pick(FILLER);
        para.push_str(filler);
    }
}

/// A paragraph of `n` sentences without attribution.
fn neutral(rng: &mut Rng, n: usize) -> String {
    (0..n)
        .map(|_| *rng.pick(NEUTRAL))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The article of these paragraphs as a JSON object.
fn assemble(
    seed: u64,
    index: usize,
    rng: &mut Rng,
    shape: impl FnOnce(&mut Rng, &str) -> Vec<String>,
) -> (String, Vec<u8>) {
    let id = format!("gen-{seed}-{index}");
    let day = 1 + rng.below(28);
    let date = format!("2025-03-{day:02}");
    let city = rng.pick(CITIES);
    let paragraphs = shape(rng, city);
    let mut body = format!("date {date} {city}: ");
    body.push_str(&paragraphs.join("\n\n"));
    let json = serde_json::json!({
        "id": id,
        "title": format!("Report {index} from {city}"),
        "source": "Example Wire",
        "published_at": format!("{date}T09:30:00Z"),
        "language": "en",
        "body": body,
    });
    (id, serde_json::to_vec(&json).unwrap())
}

fn rng_for(seed: u64, index: usize) -> Rng {
    Rng::new(seed ^ (index as u64).wrapping_mul(0x2545_F491_4F6C_DD1D))
}

/// One article as a JSON object (the articles topic's schema), with its id. Speakers are
/// drawn from 14 titles x 30 x 30 names, claims from 18 x 15 subject-predicate pairs. Short
/// and claim-dense (about 1.6 kB, 10 claims): what the tests want.
pub fn article(seed: u64, index: usize) -> (String, Vec<u8>) {
    let mut rng = rng_for(seed, index);
    assemble(seed, index, &mut rng, |rng, city| {
        let n = 3 + rng.below(4);
        (0..n).map(|_| paragraph(rng, city, 3)).collect()
    })
}

/// One article of a realistic wire mix, for the benchmark: lengths and claim density like
/// the political news of the PolNeAR corpus (bodies of 1.5-8.6 kB from the 10th to the 90th
/// percentile, mean about 4.5 kB, about 3.6 attributed claims per kB), with one article in
/// seven a claim-free brief (markets, results) as a wire also carries.
pub fn wire_article(seed: u64, index: usize) -> (String, Vec<u8>) {
    let mut rng = rng_for(seed, index);
    assemble(seed, index, &mut rng, |rng, city| {
        if rng.below(7) == 0 {
            let sentences = 3 + rng.below(6);
            return vec![neutral(rng, sentences)];
        }
        // Long-tailed: most stories short, some long.
        let n = 3 + rng.below(5) + rng.below(5) * rng.below(4);
        let mut paragraphs: Vec<String> = (0..n).map(|_| paragraph(rng, city, 3)).collect();
        for _ in 0..2 + rng.below(2 + n / 2) {
            let sentences = 2 + rng.below(4);
            let at = rng.below(paragraphs.len() + 1);
            paragraphs.insert(at, neutral(rng, sentences));
        }
        paragraphs
    })
}
