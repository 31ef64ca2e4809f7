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

const SPEAKERS: &[(&str, &str, &str)] = &[
    ("Finance Minister", "Marta", "Velasquez"),
    ("Mayor", "Tomas", "Brandt"),
    ("Senator", "Alice", "Okafor"),
    ("Central Bank Governor", "Ingrid", "Solberg"),
    ("Defence Secretary", "Rafael", "Montoya"),
    ("Health Minister", "Priya", "Raman"),
    ("Opposition leader", "Jonas", "Eklund"),
    ("Prime Minister", "Helena", "Kowalczyk"),
    ("Union chief", "Samuel", "Achebe"),
    ("Energy Commissioner", "Lucia", "Ferreira"),
    ("Kremlin Spokesman", "Pavel", "Orlov"),
    ("Foreign Minister", "Kenji", "Watanabe"),
];

const CITIES: &[&str] = &["Lisbon", "Oslo", "Nairobi", "Warsaw", "Lima", "Osaka", "Berlin", "Ottawa"];

const CLAIMS: &[&str] = &[
    "inflation will fall below three percent by the end of the year",
    "the new budget does not raise taxes on working families",
    "the port will reopen to commercial traffic next month",
    "the government has no plans to privatise the railways",
    "unemployment has reached its lowest level in a decade",
    "the agreement protects jobs in the steel industry",
    "the hospital waiting lists have been cut by half",
    "the army will withdraw its troops from the border region",
    "interest rates will stay unchanged until the spring",
    "the strike will continue until wages are raised",
    "the pipeline project is unacceptable for national security",
    "the election will be held on schedule",
    "the reform will not lead to higher electricity prices",
    "the city will build ten thousand new homes",
];

const VERBS: &[&str] = &["said", "told reporters", "warned", "insisted", "claimed", "stressed"];
const DAYS: &[&str] = &["on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday", ""];
const MEDIA: &[&str] = &["in an interview with state television", "at a press conference", "in a statement", "in a radio interview"];

/// One article as a JSON object (the articles topic's schema), its id, and its size.
pub fn article(seed: u64, index: usize) -> (String, Vec<u8>) {
    let mut rng = Rng::new(seed ^ (index as u64).wrapping_mul(0x2545_F491_4F6C_DD1D));
    let id = format!("gen-{seed}-{index}");
    let day = 1 + rng.below(28);
    let date = format!("2025-03-{day:02}");
    let city = rng.pick(CITIES);
    let mut paragraphs = Vec::new();
    let n = 3 + rng.below(4);
    for p in 0..n {
        let (title, first, last) = *rng.pick(SPEAKERS);
        let claim = rng.pick(CLAIMS);
        let verb = rng.pick(VERBS);
        let when = rng.pick(DAYS);
        let para = match rng.below(6) {
            0 => format!("{title} {first} {last} {verb} {when} that {claim}."),
            1 => {
                let mut c = claim.to_string();
                c[..1].make_ascii_uppercase();
                format!("“{c},” {first} {last} {verb} {}. “We have been very clear about this.”", rng.pick(MEDIA))
            }
            2 => format!(
                "{last} {verb} {when} that the plan would pose a “serious risk” and that {claim}. He added that talks would continue."
            ),
            3 => format!(
                "Officials familiar with the matter said that {claim}, although the ministry declined to comment."
            ),
            4 => {
                let mut c = claim.to_string();
                c[..1].make_ascii_uppercase();
                format!("{title} {first} {last} spoke to reporters in {city}. “{c}. Nobody should doubt it,” she said.")
            }
            _ => format!(
                "Analysts were divided. The figures published {when} showed mixed results for the region, and markets reacted calmly to the news in paragraph {p}."
            ),
        };
        paragraphs.push(para);
    }
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
