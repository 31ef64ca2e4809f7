//! `Claim`: one attributed statement as found inside one article, before it meets any history.
//!
//! This is the output of the pure extraction stage (`crate::extract`). It knows nothing about
//! other articles: speaker identity across articles and the claim history are added later by
//! `crate::speaker` and `crate::track`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A stretch of the article body, in Unicode code points (not bytes), half-open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Span {
    /// First code point of the stretch, counted from the start of the body exactly as received.
    pub start: usize,
    /// One past the last code point, so `end - start` is the length in code points.
    pub end: usize,
}

/// Some words of the article together with where they stand in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Located {
    /// The words as written in the body, so a reader can check them without the body at hand.
    pub text: String,
    /// Code-point offset of the first character in the body.
    pub start: usize,
    /// Code-point offset one past the last character in the body.
    pub end: usize,
}

/// How the claim is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClaimKind {
    /// The speaker's own words inside quotation marks.
    Direct,
    /// Reported speech: the reporter's words for what the speaker said.
    Indirect,
    /// Reported speech that quotes some of the speaker's words ("would pose a “critical danger”").
    Mixed,
}

/// What sort of source made the claim; decides whether it may have a history at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SpeakerKind {
    /// A named human being.
    Person,
    /// A named institution ("the Kremlin", "the State Department").
    Organization,
    /// A source the text does not name ("officials", "a source close to …"): never merged
    /// into a history, since two unnamed sources are rarely the same one.
    Unnamed,
}

/// The speaker of a claim as far as the article itself tells.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Speaker {
    /// Full name without title, resolved inside the article ("Dmitry Peskov" for "he");
    /// `None` when the mention could not be resolved to a name.
    pub name: Option<String>,
    /// The role as written next to the name ("Kremlin Spokesman"), when the article gives one.
    pub title: Option<String>,
    /// Person, organisation or unnamed source.
    pub kind: SpeakerKind,
    /// The words that attribute this claim in its own sentence (may be "he").
    pub mention: Located,
}

/// One attributed claim found in an article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claim {
    /// The claim's content, without the quotation marks around a direct quote.
    pub text: String,
    /// Direct, indirect or mixed.
    pub kind: ClaimKind,
    /// Where the content stands in the body (code points).
    pub span: Span,
    /// The attributing verb or phrase ("said", "warned", "according to"), when there is one.
    pub cue: Option<Located>,
    /// Who made the claim, as the article tells it.
    pub speaker: Speaker,
    /// Where the claim was made ("interview with TASS"), when the text says.
    pub medium: Option<String>,
    /// The date of the statement when the text gives it relative to the article's date.
    pub stated_on: Option<NaiveDate>,
}
