//! Small closed word lists shared by the steps (all lowercase ASCII; lookups use the
//! ASCII-lowercased body).

use foldhash::HashSet;
use std::sync::LazyLock;

/// Which (length, first byte, last byte) triples the words of a list have. Most words of a
/// text share none with a given list, and are ruled out without hashing them: a necessary
/// condition only (lengths above 31 share a slot, and bytes equal modulo 32 do), so a lookup
/// behind it answers exactly as the set alone.
#[derive(Debug)]
pub struct Shapes(Box<[[u32; 32]; 32]>);

impl Default for Shapes {
    fn default() -> Self {
        Shapes(Box::new([[0; 32]; 32]))
    }
}

impl Shapes {
    fn slot(w: &str) -> (usize, usize, u32) {
        let b = w.as_bytes();
        let first = b.first().copied().unwrap_or(0);
        let last = b.last().copied().unwrap_or(0);
        (b.len().min(31), usize::from(first & 31), 1 << (last & 31))
    }

    pub fn insert(&mut self, w: &str) {
        let (len, first, bit) = Self::slot(w);
        self.0[len][first] |= bit;
    }

    /// False when no word of the list can equal `w`.
    #[inline]
    pub fn may_contain(&self, w: &str) -> bool {
        let (len, first, bit) = Self::slot(w);
        self.0[len][first] & bit != 0
    }
}

/// A closed word list, with its [`Shapes`] in front of the hash set.
pub struct WordSet {
    words: HashSet<&'static str>,
    shapes: Shapes,
}

impl WordSet {
    pub fn contains(&self, w: &str) -> bool {
        self.shapes.may_contain(w) && self.words.contains(w)
    }

    #[cfg(test)]
    pub fn iter(&self) -> impl Iterator<Item = &&'static str> {
        self.words.iter()
    }
}

fn set(words: &'static str) -> WordSet {
    let words: HashSet<&'static str> = words.split_whitespace().collect();
    let mut shapes = Shapes::default();
    for w in &words {
        shapes.insert(w);
    }
    WordSet { words, shapes }
}

/// Auxiliaries, negation and adverbs that may stand between a speaker and the cue verb.
pub static AUX: LazyLock<WordSet> = LazyLock::new(|| {
    set("has have had did does do not never also was were is are been be would will could should may might must can just then later first \
         repeatedly once again previously often reportedly publicly privately recently earlier subsequently quickly flatly openly further \
         initially immediately famously frequently already still n't didn't doesn't don't hasn't haven't hadn't wasn't isn't won't wouldn't \
         didn’t doesn’t don’t hasn’t haven’t hadn’t wasn’t isn’t won’t wouldn’t has’ve 've ’ve 's ’s 'd ’d even simply actually indeed \
         finally last explicitly clearly directly specifically separately similarly formally officially pointedly bluntly angrily \
         strongly sharply loudly happily proudly overall correctly falsely wrongly erroneously recently since long consistently regularly")
});

pub static PRONOUNS: LazyLock<WordSet> = LazyLock::new(|| set("he she they it we i you who"));

/// Words that end the subject region when scanning left from a cue.
pub static STOP: LazyLock<WordSet> = LazyLock::new(|| {
    set("and but or nor that because while when whenever if as after before since although though so then where which whom whose \
         than until unless whether what how why yet instead meanwhile however also says said say told tells according is are was were \
         be been being has have had do does did not to in on at by from into during over about against between through without within \
         upon under like unlike amid among despite toward towards onto via per for with")
});

/// Leading capitalised words that are not part of a name.
pub static CAP_STOP: LazyLock<WordSet> = LazyLock::new(|| {
    set("the a an but and or so in on at as after before when while if earlier later meanwhile still yet also however thus then now \
         this that these those his her their its our my your monday tuesday wednesday thursday friday saturday sunday yesterday today \
         last next additionally moreover furthermore asked speaking writing during for from with by to of since until meanwhile both \
         instead here there newly although though former january february march april june july august september october \
         november december i’m i'm we’re we're
         i we he she they it perhaps maybe once rather did does do say everything nothing something anything \
         everyone someone nobody somebody why what how whether")
});

/// Words that make a capitalised mention an organisation.
pub static ORG: LazyLock<WordSet> = LazyLock::new(|| {
    set("kremlin department ministry office house pentagon committee party campaign commission agency council university institute \
         association center centre bureau congress senate parliament court government administration post times journal news \
         network tribune herald gazette reuters xinhua tass ap afp bloomberg politico cnn msnbc fox abc nbc cbs npr bbc poll survey \
         group foundation corporation company inc corp llc bank fund organization organisation union coalition league board police \
         service services army navy force forces command embassy mission cabinet assembly legislature caucus club magazine \
         channel radio television tv press daily weekly report network's project watch alliance federation authority authorities \
         guard firm media ria interfax izvestia pravda kommersant vedomosti")
});

/// Titles and role words stripped from the front of a name ("Kremlin Spokesman Dmitry Peskov").
pub static TITLE: LazyLock<WordSet> = LazyLock::new(|| {
    set("president vice secretary minister spokesman spokeswoman spokesperson senator sen rep representative gov governor general gen \
         chief director chairman chairwoman chair judge justice speaker leader mayor ambassador prime foreign defense defence state \
         deputy assistant attorney mr mrs ms dr prof professor sir lord lady king queen prince princess pope rev reverend lt col colonel \
         sgt sergeant capt captain adm admiral commander cmdr officer former acting candidate nominee host anchor correspondent \
         editor reporter analyst adviser advisor aide manager strategist pollster economist lawmaker congressman congresswoman \
         councilman councilwoman commissioner sheriff chancellor premier envoy press communications executive ceo founder \
         co-founder head member leader spokesmen maj major rabbi bishop cardinal father sister brother dean \
         democrat republican billionaire businessman businesswoman reporter assemblyman assemblywoman celebrity celebrities \
         actor actress singer rapper comedian author writer columnist commentator mogul hopeful frontrunner front-runner \
         contender challenger incumbent rival delegate superdelegate activist lawyer attorney scholar historian \
         treasurer councilmember councilmembers councillor councilor alderman alderwoman alderperson assemblymember comptroller \
         superintendent supervisor trustee lieutenant inspector prosecutor solicitor magistrate administrator ombudsman \
         chairperson co-chair cochair vice-chair selectman selectwoman freeholder legislator president-elect governor-elect \
         mayor-elect cfo coo cto secretary-general undersecretary emir sheikh sultan")
});

/// Lowercase nouns that can head an unnamed speaker ("officials", "a source close to …").
pub static SOURCE_NOUN: LazyLock<WordSet> = LazyLock::new(|| {
    set("official officials source sources spokesman spokeswoman spokesperson aide aides adviser advisers advisor advisors analyst \
         analysts expert experts report reports poll polls survey surveys study studies statement statements campaign critics critic \
         supporters supporter people voters witnesses witness police lawyer lawyers attorney attorneys observers democrats republicans \
         diplomats diplomat investigators prosecutors prosecutor economists researchers scientists leaders leader spokesmen \
         administration department ministry government officer officers authorities insiders insider memo documents document data \
         figures estimates letter filing lawsuit complaint newspaper agency group organization residents members member friends \
         colleagues allies opponents candidate candidates president senator governor secretary director chairman minister \
         representative staff staffers strategists strategist pollster pollsters operative operatives activists organizers \
         aide advocates commentators pundits reporters journalists spokespeople authors author release website article story \
         paper analysis book video ad ads advertisement tweet post message emails email transcript findings counsel judge court \
         experts' man woman men women official's percent respondents majority plurality half third quarter \
         most many some others people americans voters republicans democrats residents participants justice justices \
         lawmakers legislators team organizers protesters insiders average footage slide chart results numbers tally \
         research evidence records review audit investigation inquiry probe calculations projections forecast film \
         documentary analyses staffer")
});

/// Role nouns that may refer back to a titled person ("the spokesman" → Dmitry Peskov).
pub static ROLE: LazyLock<WordSet> = LazyLock::new(|| {
    set("spokesman spokeswoman spokesperson secretary minister president senator governor director chairman chairwoman ambassador \
         mayor premier chancellor envoy congressman congresswoman candidate nominee leader chief general adviser advisor")
});

/// Organisations that relay rather than make claims ("…, Xinhua news agency reported").
pub static MEDIA: LazyLock<WordSet> = LazyLock::new(|| {
    set("agency xinhua tass reuters ap afp interfax ria news post times journal tribune herald gazette bloomberg politico cnn \
         newspaper outlet media press")
});

pub const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_lowercase() {
        for s in [
            &*AUX,
            &*STOP,
            &*CAP_STOP,
            &*ORG,
            &*TITLE,
            &*SOURCE_NOUN,
            &*ROLE,
        ] {
            for w in s.iter() {
                assert_eq!(w.to_ascii_lowercase(), *w);
            }
        }
        assert!(TITLE.contains("spokesman"));
    }
}
