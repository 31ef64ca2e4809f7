//! End-to-end behaviour of `claimwire::extract::extract` on invented articles.

use chrono::NaiveDate;
use claimwire::claim::{ClaimKind, SpeakerKind};
use claimwire::extract::extract;

fn friday() -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(2025, 4, 25)
}

fn span_text(body: &str, start: usize, end: usize) -> String {
    body.chars().skip(start).take(end - start).collect()
}

#[test]
fn wire_story_with_titles_pronouns_and_dates() {
    let body = "Rome: Interior Minister Lena Varga has said that the new border rules are final.\n\n\
                Such a change would cause “serious harm” to farmers, Varga said on Thursday.\n\n\
                “We have listened to everyone. The decision stands,” she added.\n\n\
                Earlier, Opposition Leader Tomas Brel warned in an interview with Radio Zeta that the rules could cost thousands of jobs.\n\n\
                He pointed to the fact that exports had already fallen.";
    let claims = extract(body, friday());
    let got: Vec<(ClaimKind, Option<&str>)> = claims
        .iter()
        .map(|c| (c.kind, c.speaker.name.as_deref()))
        .collect();
    assert_eq!(
        got,
        vec![
            (ClaimKind::Indirect, Some("Lena Varga")),
            (ClaimKind::Mixed, Some("Lena Varga")),
            (ClaimKind::Direct, Some("Lena Varga")),
            (ClaimKind::Indirect, Some("Tomas Brel")),
            (ClaimKind::Indirect, Some("Tomas Brel")),
        ]
    );
    assert_eq!(
        claims[0].speaker.title.as_deref(),
        Some("Interior Minister")
    );
    assert_eq!(claims[1].stated_on, NaiveDate::from_ymd_opt(2025, 4, 24));
    assert_eq!(
        claims[2].text,
        "We have listened to everyone. The decision stands"
    );
    assert_eq!(claims[2].speaker.mention.text, "she");
    assert_eq!(
        claims[3].medium.as_deref(),
        Some("interview with Radio Zeta")
    );
    assert_eq!(
        claims[4].cue.as_ref().map(|c| c.text.as_str()),
        Some("pointed to the fact that")
    );
    for c in &claims {
        assert_eq!(
            span_text(
                body,
                c.cue.as_ref().unwrap().start,
                c.cue.as_ref().unwrap().end
            ),
            c.cue.as_ref().unwrap().text
        );
    }
}

#[test]
fn quotation_over_several_paragraphs_is_one_claim() {
    let body = "“The first part of the statement goes here,” said Karl Obst, the mayor. “And it goes on.\n\n\
                “The second paragraph reopens the quote.\n\n\
                “The third one finally closes it.”\n\nUnrelated text follows.";
    let claims = extract(body, None);
    assert_eq!(claims.len(), 1, "{claims:#?}");
    let c = &claims[0];
    assert_eq!(c.kind, ClaimKind::Direct);
    assert_eq!(c.speaker.name.as_deref(), Some("Karl Obst"));
    assert!(span_text(body, c.span.start, c.span.end).ends_with("closes it.”"));
}

#[test]
fn organisations_unnamed_sources_and_according_to() {
    let body = "The Foreign Ministry said in a statement that the talks would resume.\n\n\
                Officials said the venue had not been chosen.\n\n\
                According to a source close to the delegation, the talks will be held in Vienna.";
    let claims = extract(body, None);
    assert_eq!(claims.len(), 3);
    assert_eq!(claims[0].speaker.kind, SpeakerKind::Organization);
    assert_eq!(claims[0].speaker.name.as_deref(), Some("Foreign Ministry"));
    assert_eq!(claims[0].medium.as_deref(), Some("statement"));
    assert_eq!(claims[1].speaker.kind, SpeakerKind::Unnamed);
    assert_eq!(claims[2].speaker.kind, SpeakerKind::Unnamed);
    assert_eq!(claims[2].text, "the talks will be held in Vienna");
}

#[test]
fn asides_and_dashes_do_not_steal_the_claim() {
    let body = "Ivo Marek, who replaced Anna Kovac in July, said the budget was balanced.\n\n\
                “We will not raise taxes” — Ivo Marek.";
    let claims = extract(body, None);
    assert!(!claims.is_empty());
    assert_eq!(claims[0].speaker.name.as_deref(), Some("Ivo Marek"));
    assert_eq!(claims[0].text, "the budget was balanced");
}

#[test]
fn thinking_verbs_negation_and_broken_marks() {
    let body = "Lena Varga believes the plan will fail.\n\n\
                Varga did not say whether the plan would pass.\n\n\
                ” stray mark “ and “ more stray marks\n\n\
                \"\"\"\n\n\
                Varga told reporters the vote was close.";
    let claims = extract(body, None);
    let texts: Vec<&str> = claims.iter().map(|c| c.text.as_str()).collect();
    assert!(!texts.iter().any(|t| t.contains("will fail")), "{texts:?}");
    assert!(texts.contains(&"whether the plan would pass"), "{texts:?}");
    assert!(texts.contains(&"the vote was close"), "{texts:?}");
}

#[test]
fn wire_datelines_are_not_content() {
    let tue = NaiveDate::from_ymd_opt(2024, 4, 2);
    let body = "Valmora, April 2 (claimwire sample) - Harbor fees will rise in 2024, Ilse Brandvold, \
                the city's harbor commissioner, said on Tuesday.\n\n\
                \"The terminal will not open before the end of the year,\" Brandvold told the Valmora Courier in an interview.";
    let c = extract(body, tue);
    assert_eq!(c.len(), 2);
    assert_eq!(c[0].text, "Harbor fees will rise in 2024");
    assert_eq!(c[0].speaker.name.as_deref(), Some("Ilse Brandvold"));
    assert!(c[0]
        .speaker
        .title
        .as_deref()
        .is_some_and(|t| t.contains("harbor commissioner")));
    assert_eq!(c[0].stated_on, tue);
    for (body, want) in [
        (
            "VALMORA, March 11 (Reuters) - The terminal will open in May, Ada Roe said.",
            "The terminal will open in May",
        ),
        (
            "Valmora, March 11 (claimwire sample) - The new terminal will open soon, Harbor Commissioner Ilse Brandvold said on Monday.",
            "The new terminal will open soon",
        ),
        ("LONDON (AP) — The terminal will open in May, Ada Roe said.", "The terminal will open in May"),
        ("Topeka — The terminal will open in May, Ada Roe said.", "The terminal will open in May"),
        (
            "WASHINGTON, D.C., Jan. 5 — The terminal will open in May, Ada Roe said.",
            "The terminal will open in May",
        ),
    ] {
        let c = extract(body, tue);
        assert_eq!(c.len(), 1, "{body}");
        assert_eq!(c[0].text, want, "{body}");
    }
}

#[test]
fn dash_signed_quotations() {
    for (body, name, title) in [
        ("“We will win the vote,” — Ada Roe", "Ada Roe", None),
        ("“We will win the vote.” — Ada Roe, party chair", "Ada Roe", Some("party chair")),
        ("\"We will win the vote\" ― Ada Roe", "Ada Roe", None),
        ("“We will win the vote” – Ada Roe said.", "Ada Roe", None),
        ("\"We will win the vote\" - Ivo Marek, the party chair.", "Ivo Marek", Some("the party chair")),
        (
            "Intro text here.\n\n“We will win the vote. Nobody can stop us.”\n\n— Ada Roe, party chair",
            "Ada Roe",
            Some("party chair"),
        ),
        ("Intro.\n\n“We will win the vote. Nobody can stop us.”\n— Ada Roe\n\nMore text.", "Ada Roe", None),
    ] {
        let c = extract(body, friday());
        assert_eq!(c.len(), 1, "{body}");
        assert_eq!(c[0].kind, ClaimKind::Direct, "{body}");
        assert!(c[0].text.starts_with("We will win the vote"), "{body}");
        assert_eq!(c[0].speaker.name.as_deref(), Some(name), "{body}");
        assert_eq!(c[0].speaker.title.as_deref(), title, "{body}");
        let cue = c[0].cue.as_ref().map(|x| x.text.as_str());
        assert!(matches!(cue, Some("—" | "―" | "–" | "-" | "said")), "{body}");
    }
    let c = extract(
        "“We will win,” — Ada Roe\n“We will lose,” ― Ivo Marek",
        friday(),
    );
    assert_eq!(c.len(), 2);
    assert_eq!(c[1].speaker.name.as_deref(), Some("Ivo Marek"));
    // a dash inside running prose is no signature
    assert!(extract(
        "The so-called “fee holiday” - Ada Roe insists - is over.",
        friday()
    )
    .iter()
    .all(|c| !c.text.starts_with("fee holiday")));
}

#[test]
fn titles_are_split_off_names() {
    for (title, name) in [
        ("State Treasurer", "Nikhil Hasegawa"),
        ("Treasurer", "Priya Eriksen"),
        ("Councilmember", "Tabitha Thorne"),
        ("Party chair", "Ada Roe"),
        ("Deputy Mayor", "Ada Roe"),
        ("Lieutenant Governor", "Ada Roe"),
        ("Campaign spokesperson", "Ada Roe"),
        ("State Senator", "Ada Roe"),
        ("Governor", "Ada Roe"),
        ("Attorney General", "Ada Roe"),
        ("Rep.", "Ada Roe"),
        ("Sen.", "Ada Roe"),
        ("Secretary of State", "Ada Roe"),
        ("Chief Executive", "Ada Roe"),
        ("Prime Minister", "Ada Roe"),
        ("Council member", "Ada Roe"),
        ("Assemblywoman", "Ada Roe"),
        ("Alderman", "Ada Roe"),
        ("Commissioner", "Ada Roe"),
        ("Police Chief", "Ada Roe"),
        ("Judge", "Ada Roe"),
        ("Councilwoman", "Ada Roe"),
        ("Chairwoman", "Ada Roe"),
        ("County Supervisor", "Ada Roe"),
    ] {
        for body in [
            format!("Fees will rise in May, {title} {name} said."),
            format!("{title} {name} said on Monday that fees will rise in May."),
        ] {
            let c = extract(&body, friday());
            assert_eq!(c.len(), 1, "{body}");
            assert_eq!(c[0].speaker.name.as_deref(), Some(name), "{body}");
            assert_eq!(c[0].speaker.title.as_deref(), Some(title), "{body}");
        }
    }
}

#[test]
fn relative_and_absolute_statement_dates() {
    let body = "Fees will rise in May, Ada Roe said last week.\n\n\
                Ivo Marek said two days ago that fees would fall.\n\n\
                Fees will rise, Roe said last Monday.\n\n\
                On March 3, Ada Roe told reporters that fees were fine.\n\n\
                Marek said on Thursday night that the vote was off.";
    let c = extract(body, friday());
    let got: Vec<Option<NaiveDate>> = c.iter().map(|c| c.stated_on).collect();
    assert_eq!(
        got,
        vec![
            NaiveDate::from_ymd_opt(2025, 4, 14), // Monday of the previous ISO week
            NaiveDate::from_ymd_opt(2025, 4, 23),
            NaiveDate::from_ymd_opt(2025, 4, 21),
            NaiveDate::from_ymd_opt(2025, 3, 3),
            NaiveDate::from_ymd_opt(2025, 4, 24),
        ]
    );
    assert_eq!(c[1].text, "fees would fall");
}

#[test]
fn dash_signed_quote_lines_with_unpaired_marks() {
    let body = "Readers wrote in.\n”Fees are far too high for all of us.” ― Ada Roe\n“Nobody asked the harbor workers.” ― Ivo Marek";
    let c = extract(body, friday());
    assert_eq!(c.len(), 2);
    assert_eq!(c[0].speaker.name.as_deref(), Some("Ada Roe"));
    assert_eq!(c[0].kind, ClaimKind::Direct);
    assert_eq!(c[0].text, "Fees are far too high for all of us.");
    assert_eq!(c[1].speaker.name.as_deref(), Some("Ivo Marek"));
}

#[test]
fn capitalised_names_are_not_dates() {
    let c = extract(
        "Donations hit $1 billion, a USA TODAY analysis of campaign filings shows.",
        friday(),
    );
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].stated_on, None);
}

#[test]
fn a_clause_after_a_dash_is_no_signature() {
    let c = extract(
        "He called it “a total disgrace” - Roe, however, disagreed.",
        friday(),
    );
    assert!(c.iter().all(|c| c.speaker.name.as_deref() != Some("Roe")));
}
