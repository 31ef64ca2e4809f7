//! Cue lexicon: verbs and phrases that attribute speech, learnt from the PolNeAR train cue spans
//! (forms whose share of occurrences that are gold cues is high), minus thinking/feeling verbs.
//! Matching handles particles ("pointed out", "called for", "pointed to the fact that").

use foldhash::{HashMap, HashMapExt};
use std::sync::LazyLock;

use super::lex::Shapes;

/// What a cue word allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CueInfo {
    /// 2: speech verb usable in every pattern (also "…, X said." and "said X");
    /// 1: weaker (needs a speaker right before it: "X criticized …").
    pub strength: u8,
    /// A participle ("saying", "adding") whose subject is the clause's subject.
    pub participle: bool,
}

/// Strong speech verbs (all forms listed).
const STRONG: &str = "say says said saying tell tells told telling add adds added adding write writes wrote writing \
 tweet tweets tweeted tweeting note notes noted noting explain explains explained explaining argue argues argued arguing \
 claim claims claimed claiming insist insists insisted insisting warn warns warned warning stated stating \
 declare declares declared declaring announce announces announced announcing reports reported acknowledge \
 acknowledges acknowledged acknowledging admit admits admitted admitting assert asserts asserted asserting contend contends \
 contended contending recall recalls recalled recalling suggest suggests suggested suggesting stress stresses stressed \
 stressing emphasize emphasizes emphasized emphasizing emphasise emphasised reiterate reiterates reiterated reiterating \
 respond responds responded responding reply replies replied replying ask asks asked asking continued continues conclude \
 concludes concluded concluding predict predicts predicted predicting promise promises promised promising vow vows vowed \
 vowing pledge pledges pledged pledging concede concedes conceded conceding confirm confirms confirmed confirming deny denies \
 denied denying allege alleges alleged alleging observe observes observed remark remarks remarked remarking joke jokes joked \
 joking quip quips quipped boast boasts boasted boasting complain complains complained complaining lament laments lamented \
 caution cautions cautioned cautioning urge urges urged urging cite cites cited citing mention mentions mentioned mentioning \
 wrote muse mused comment commented commenting counter countered retort retorted recount recounts recounted \
 testify testified testifies disclose disclosed discloses reveal reveals revealed revealing indicate indicates indicated \
 indicating opine opined speculate speculated speculates elaborate elaborated interjected added: clarify clarified clarifies \
 reaffirm reaffirmed assure assures assured assuring maintain maintained charged estimate estimates estimated \
 predicted told: said: says: wrote: added: emailed texted messaged shouted yelled exclaimed whispered chanted announced: \
 reported: writes: tweeted: explained: continued: noted: asked: declared: stressed underscored underscores highlighted";

/// Weaker attribution verbs: need an explicit subject right before them.
const WEAK: &str = "show shows showed shown showing finds found describe describes described describing defend defends \
 defended defending dismiss dismisses dismissed dismissing question questions questioned questioning propose proposes proposed \
 proposing discuss discusses discussed discussing talk talks talked talking call calls called calling accuse accuses accused \
 accusing criticize criticizes criticized criticizing criticise criticised praise praises praised praising blast blasts blasted \
 blasting slam slams slammed slamming mock mocks mocked mocking thank thanks thanked thanking express expresses expressed \
 expressing reject rejects rejected rejecting agree agrees agreed agreeing condemn condemns condemned condemning denounce \
 denounces denounced denouncing welcome welcomed welcomes hint hints hinted hinting signal signals signaled signalled imply \
 implies implied implying blame blames blamed blaming decry decried decries refer refers referred referring point points pointed \
 pointing likened compared portrayed portrays touted touts touting rebuked chided scolded lashed railed attacked \
 accused predicted recommended recommends threatened threatens demanded demands urged endorsed opposed supports supported \
 seek seeks sought refused refuses declined declines reads read quoted quoting acknowledged spoke speak speaks went \
 made see sees saw offered issued supports supporting seeking cast named decided posted ordered \
 backed oppose opposes opposing endorse endorses endorsing focused focuses learned pushed shot fired laid \
 voiced reminded prefer prefers preferred challenged challenging encouraged included includes published \
 took taking questioned \
 referenced references reference bemoaned bemoans bemoan vouched trumpeting trumpeted wondered wonders wondering distanced \
 credited credits alluded alluding alludes congratulated congratulating congratulates refusing remembers remembered \
 pronounced assailed invoked invokes invoking repeating repeated repeats singled dubbed dubs articulated knocked unveiled \
 unveils documented chanting chanted protesting protested proclaimed proclaims portraying portrayed outlining \
 outlined outlines pleaded pleads ruled opted reacted reacts deemed threatening framed answered answers lists listed \
 apologized apologizes persuaded hailed hails lauded lauds applauded touted decries derided derides ridiculed ridicules \
 presented presents shared delivers embraced embraces recognized identified exposed pressed \
 offering viewed releasing released sounded";

/// Particles/phrases that may follow a cue and belong to it.
const PARTICLES: &[&[&str]] = &[
    &["to", "the", "fact", "that"],
    &["out", "that"],
    &["out", "at"],
    &["out", "against"],
    &["out"],
    &["to"],
    &["for"],
    &["on"],
    &["about"],
    &["of"],
    &["up"],
    &["back"],
    &["it", "clear"],
    &["clear"],
    &["issue", "with"],
    &["aim", "at"],
    &["on", "to", "say"],
    &["on", "to", "add"],
    &["on", "to", "note"],
    &["on", "to", "discuss"],
];

/// The cue words, with their [`Shapes`]: lookups run for nearly every word of an article,
/// and the shapes turn most of them away before hashing.
pub struct Lexicon {
    words: HashMap<&'static str, CueInfo>,
    shapes: Shapes,
}

pub static LEXICON: LazyLock<Lexicon> = LazyLock::new(|| {
    let mut words = HashMap::new();
    let mut shapes = Shapes::default();
    for (list, strength) in [(WEAK, 1u8), (STRONG, 2u8)] {
        for w in list.split_whitespace() {
            let w = w.trim_end_matches(':');
            shapes.insert(w);
            words.insert(
                w,
                CueInfo {
                    strength,
                    participle: w.ends_with("ing"),
                },
            );
        }
    }
    Lexicon { words, shapes }
});

/// Looks up a lowercased word. Asked of nearly every word of an article: the shapes' test is
/// inlined where it is asked, and only the few words that pass it make the call that hashes
/// (a call for every word cost more in its prologue and epilogue than the test itself).
#[inline]
pub fn lookup(lower_word: &str) -> Option<CueInfo> {
    let lexicon = &*LEXICON;
    if !lexicon.shapes.may_contain(lower_word) {
        return None;
    }
    lexicon.get(lower_word)
}

impl Lexicon {
    #[inline(never)]
    fn get(&self, lower_word: &str) -> Option<CueInfo> {
        self.words.get(lower_word).copied()
    }
}

/// Verbs whose particle is required to be a cue ("pointed" only as "pointed out/to").
pub fn needs_particle(lower_word: &str) -> bool {
    matches!(
        lower_word,
        "point"
            | "points"
            | "pointed"
            | "pointing"
            | "refer"
            | "refers"
            | "referred"
            | "referring"
            | "went"
            | "talk"
            | "talks"
            | "talked"
            | "talking"
            | "spoke"
            | "speak"
            | "speaks"
            | "made"
            | "shot"
            | "fired"
            | "took"
            | "taking"
            | "laid"
            | "pushed"
    )
}

/// Given the lowercased words after the cue, how many belong to it as particles.
pub fn particle_len(head: &str, next: &[&str]) -> usize {
    for p in PARTICLES {
        if next.len() >= p.len() && next[..p.len()] == **p {
            // "went on to say" only after "went"; "to" / "of" only for verbs that take them
            let ok = match p[0] {
                "on" if p.len() > 1 => head == "went",
                "to" if p.len() == 1 => matches!(
                    head,
                    "pointed"
                        | "point"
                        | "points"
                        | "pointing"
                        | "referred"
                        | "referring"
                        | "refer"
                        | "refers"
                        | "spoke"
                        | "speak"
                        | "speaks"
                        | "talked"
                        | "talk"
                        | "talks"
                        | "talking"
                        | "likened"
                        | "compared"
                ),
                "to" => matches!(head, "pointed" | "point" | "points" | "pointing"),
                "out" => matches!(
                    head,
                    "pointed"
                        | "point"
                        | "points"
                        | "pointing"
                        | "lashed"
                        | "spoke"
                        | "speak"
                        | "speaks"
                        | "called"
                        | "laid"
                ),
                "for" | "on" => {
                    matches!(head, "call" | "calls" | "called" | "calling")
                        || (p[0] == "on" && matches!(head, "focused" | "focuses"))
                }
                "about" => matches!(
                    head,
                    "talk"
                        | "talks"
                        | "talked"
                        | "talking"
                        | "spoke"
                        | "speak"
                        | "speaks"
                        | "joked"
                        | "complained"
                        | "warned"
                        | "boasted"
                ),
                "of" => matches!(
                    head,
                    "spoke"
                        | "speak"
                        | "speaks"
                        | "warned"
                        | "warn"
                        | "warns"
                        | "said"
                        | "complained"
                ),
                "up" => false,
                "back" => matches!(head, "pushed" | "fired" | "hit" | "shot"),
                "it" | "clear" => matches!(head, "made" | "makes" | "make"),
                "issue" | "aim" => matches!(head, "took" | "taking" | "takes"),
                _ => false,
            };
            if ok {
                return p.len();
            }
        }
    }
    0
}

/// Weak cues that still open a clause of their own after a subject ("and X criticized …").
pub fn is_stance(lower_word: &str) -> bool {
    matches!(
        lower_word,
        "criticized"
            | "accused"
            | "praised"
            | "urged"
            | "called"
            | "described"
            | "defended"
            | "rejected"
            | "dismissed"
            | "questioned"
            | "blamed"
            | "demanded"
            | "proposed"
            | "threatened"
            | "refused"
            | "declined"
            | "pledged"
            | "vowed"
            | "promised"
            | "acknowledged"
            | "predicted"
            | "recommended"
    )
}

/// Thinking/feeling verbs that never make a speech claim on their own.
pub fn is_thinking(lower_word: &str) -> bool {
    matches!(
        lower_word,
        "believe"
            | "believes"
            | "believed"
            | "think"
            | "thinks"
            | "thought"
            | "want"
            | "wants"
            | "wanted"
            | "hope"
            | "hopes"
            | "hoped"
            | "feel"
            | "feels"
            | "felt"
            | "fear"
            | "fears"
            | "feared"
            | "expect"
            | "expects"
            | "expected"
            | "worry"
            | "worries"
            | "worried"
            | "wish"
            | "wishes"
            | "know"
            | "knows"
            | "knew"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speech_verbs_are_cues_thinking_verbs_are_not() {
        assert_eq!(lookup("said").unwrap().strength, 2);
        assert_eq!(lookup("warned").unwrap().strength, 2);
        assert!(lookup("saying").unwrap().participle);
        assert!(lookup("believes").is_none());
        assert!(lookup("wants").is_none());
        assert!(is_thinking("believes"));
    }

    #[test]
    fn particles() {
        assert_eq!(
            particle_len("pointed", &["to", "the", "fact", "that", "a"]),
            4
        );
        assert_eq!(particle_len("went", &["on", "to", "say"]), 3);
        assert_eq!(particle_len("said", &["to", "be"]), 0);
        assert_eq!(particle_len("called", &["for", "a"]), 1);
        assert_eq!(particle_len("lashed", &["out", "at", "him"]), 2);
    }
}
